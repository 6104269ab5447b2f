"""One FilterSet per list of risk control, shared by the pages and the API. Filters only narrow: every list
is already cut by the caller's scope."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.dates import DateFilter
from core.filters import IdFilter, SubtreeFilter
from risk.choices import Grade, RatingSubject, SchemeState
from risk.models import CustomerRating, RatingScheme, StaffRating


class SchemeFilterSet(django_filters.FilterSet):
    subject = django_filters.ChoiceFilter(choices=RatingSubject.choices, label=_("grades"))
    state = django_filters.ChoiceFilter(choices=SchemeState.choices, label=_("state"))

    class Meta:
        model = RatingScheme
        fields = ["subject", "state"]


class CustomerRatingFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="customer__district__path", label=_("org unit (with sub-units)"))
    grade = django_filters.MultipleChoiceFilter(choices=Grade.choices, label=_("grade"))
    customer = IdFilter(field_name="customer_id", label=_("customer"))
    customer_external_id = django_filters.CharFilter(field_name="customer__external_id", label=_("customer's external id"))
    since_after = DateFilter(field_name="since", lookup_expr="gte", label=_("grade since on or after"))
    salesperson = IdFilter(field_name="customer__salesperson_id", label=_("salesperson"))

    class Meta:
        model = CustomerRating
        fields = ["grade"]


class StaffRatingFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="staff__unit__path", label=_("org unit (with sub-units)"))
    grade = django_filters.MultipleChoiceFilter(choices=Grade.choices, label=_("grade"))
    staff = IdFilter(field_name="staff_id", label=_("staff member"))
    since_after = DateFilter(field_name="since", lookup_expr="gte", label=_("grade since on or after"))

    class Meta:
        model = StaffRating
        fields = ["grade"]
