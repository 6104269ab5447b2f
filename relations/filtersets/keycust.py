"""FilterSets of key customers and their plans, each shared by its page and its API list."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter, PeriodFilter, SubtreeFilter
from customers.models import Customer
from relations.models.keycust import KeyCustomerPlan, PlanState
from relations.selectors.keycust import decided_q, latest_decision_is_key


class KeyCustomerFilterSet(django_filters.FilterSet):
    """The key-customer list: now key or not (the formerly key stay listed with their history), unit, person."""

    is_key = django_filters.BooleanFilter(label=_("key customer now"))
    unit = SubtreeFilter(path="district__path", label=_("org unit (with sub-units)"))
    salesperson = IdFilter(field_name="salesperson_id", label=_("salesperson"))
    q = django_filters.CharFilter(method="search", max_length=100, label=_("search (name, external id)"))
    decided = django_filters.BooleanFilter(method="filter_decided", label=_("decision on record"))

    class Meta:
        model = Customer
        fields = ["is_key"]

    def filter_decided(self, queryset, name, value):
        """false: the customers whose key flag was set (or cleared) without a decision — by a branch system or
        before decisions were recorded (relations.selectors.keycust.flag_has_decision)."""
        queryset = queryset.annotate(latest_decision_is_key=latest_decision_is_key())
        if value:
            return queryset.filter(decided_q())
        return queryset.filter(Q(latest_decision_is_key__isnull=True) | ~decided_q())

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(external_id=value)) if value else queryset


class KeyCustomerPlanFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=PlanState.choices, label=_("state"))
    unit = SubtreeFilter(path="customer__district__path", label=_("org unit (with sub-units)"))
    customer = IdFilter(field_name="customer_id", label=_("customer"))
    period = PeriodFilter(method="filter_period", label=_("period (2026, 2026-Q3 or 2026-07)"))
    q = django_filters.CharFilter(method="search", max_length=100, label=_("search (title, customer)"))

    class Meta:
        model = KeyCustomerPlan
        fields = ["state"]

    def filter_period(self, queryset, name, value):
        """Plans whose term overlaps the period."""
        return queryset.filter(starts_on__lte=value.end, ends_on__gte=value.start)

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(customer__name__icontains=value)) if value else queryset
