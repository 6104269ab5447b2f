"""The FilterSet of the visits list, shared by the page and the API (and the visit plan's API)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.dates import DateFilter
from core.filters import IdFilter, SubtreeFilter
from relations.models.visits import Visit, VisitKind, VisitState


class VisitFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    salesperson = IdFilter(field_name="salesperson_id", label=_("visited by"))
    customer = IdFilter(field_name="customer_id", label=_("customer"))
    channel = IdFilter(field_name="channel_id", label=_("channel"))
    kind = django_filters.ChoiceFilter(choices=VisitKind.choices, label=_("kind"))
    state = django_filters.ChoiceFilter(choices=VisitState.choices, label=_("state"))
    on_after = DateFilter(field_name="on", lookup_expr="gte", label=_("on or after"))
    on_before = DateFilter(field_name="on", lookup_expr="lte", label=_("on or before"))
    q = django_filters.CharFilter(method="search", max_length=100, label=_("search (customer, needs, competitors)"))
    external_id = django_filters.CharFilter(lookup_expr="exact", label=_("external id"))

    class Meta:
        model = Visit
        fields = ["kind", "state"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(customer__name__icontains=value)
            | Q(channel__name__icontains=value)
            | Q(needs__icontains=value)
            | Q(competitors__icontains=value)
        )
