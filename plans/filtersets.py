"""One FilterSet per list of plans, targets and seasonal distributions, shared by the pages and the API.
Filters only narrow: every list is already cut by the caller's scope."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter, PeriodFilter, SubtreeFilter
from plans.choices import Metric, PlanKind, PlanState
from plans.models import Plan, SeasonalDistribution, Target


class PlanFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=PlanKind.choices, label=_("kind"))
    state = django_filters.ChoiceFilter(choices=PlanState.choices, label=_("state"))
    period = PeriodFilter(field_name="period", label=_("period"))
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    author = IdFilter(field_name="author_id", label=_("author"))
    q = django_filters.CharFilter(method="search", label=_("search (title)"))

    class Meta:
        model = Plan
        fields = ["kind", "state"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(title__icontains=value) if value else queryset


class TargetFilterSet(django_filters.FilterSet):
    metric = django_filters.ChoiceFilter(choices=Metric.choices, label=_("metric"))
    period = PeriodFilter(field_name="period", label=_("period"))
    unit = SubtreeFilter(path="owner_unit__path", label=_("org unit (with sub-units)"))
    staff = IdFilter(field_name="staff_id", label=_("salesperson"))
    current = django_filters.BooleanFilter(field_name="is_current", label=_("current version"))

    class Meta:
        model = Target
        fields = ["metric"]


class SeasonalDistributionFilterSet(django_filters.FilterSet):
    unit = IdFilter(field_name="unit_id", label=_("org unit"))
    company = django_filters.BooleanFilter(field_name="unit", lookup_expr="isnull", label=_("company-wide"))
    kind = django_filters.CharFilter(field_name="kind", label=_("kind"))
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))

    class Meta:
        model = SeasonalDistribution
        fields = ["kind"]
