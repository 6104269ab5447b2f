"""One FilterSet per list (special events), shared by the page and the API. Filters only narrow: every list
is already cut by the caller's scope."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.dates import DateFilter
from core.filters import IdFilter, SubtreeFilter
from risk.choices import OPEN_STATES, EventKind, EventSeverity, EventState
from risk.models import SpecialEvent


class SpecialEventFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    kind = django_filters.ChoiceFilter(choices=EventKind.choices, label=_("kind"))
    severity = django_filters.ChoiceFilter(choices=EventSeverity.choices, label=_("severity"))
    state = django_filters.ChoiceFilter(choices=EventState.choices, label=_("state"))
    occurred_after = DateFilter(field_name="occurred_on", lookup_expr="gte", label=_("occurred on or after"))
    occurred_before = DateFilter(field_name="occurred_on", lookup_expr="lte", label=_("occurred on or before"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("still open"))
    owner = IdFilter(field_name="owner_id", label=_("owner"))

    class Meta:
        model = SpecialEvent
        fields = ["kind", "severity", "state"]

    def filter_open(self, queryset, name, value):
        return queryset.filter(state__in=OPEN_STATES) if value else queryset.exclude(state__in=OPEN_STATES)
