"""The FilterSet of the improvement plans list, shared by the page and the API. Filters only narrow: the list
is already cut by the caller's scope."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import SubtreeFilter
from risk.choices import IMPROVEMENT_OPEN_STATES, ImprovementState
from risk.models import ImprovementPlan


class ImprovementPlanFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    state = django_filters.ChoiceFilter(choices=ImprovementState.choices, label=_("state"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("still open"))

    class Meta:
        model = ImprovementPlan
        fields = ["state"]

    def filter_open(self, queryset, name, value):
        states = IMPROVEMENT_OPEN_STATES
        return queryset.filter(state__in=states) if value else queryset.exclude(state__in=states)
