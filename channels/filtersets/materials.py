"""The FilterSets of promotional materials (推广用品): the catalogue, stock, the ledger, dispatches and requirement
plans — one per list, shared by the page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from channels.choices import DispatchState, MaterialRequestState, MovementKind
from channels.models_promotion import MaterialDispatch, MaterialItem, MaterialMovement, MaterialRequest, MaterialStock
from core.dates import DateFilter
from core.filters import IdFilter, PeriodFilter, SubtreeFilter


class MaterialItemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", max_length=100, label=_("code or name"))
    is_active = django_filters.BooleanFilter(label=_("in use"))

    class Meta:
        model = MaterialItem
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


class MaterialStockFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    item = IdFilter(field_name="item_id", label=_("material"))
    in_stock = django_filters.BooleanFilter(method="filter_in_stock", label=_("in stock"))

    class Meta:
        model = MaterialStock
        fields = []

    def filter_in_stock(self, queryset, name, value):
        return queryset.filter(quantity__gt=0) if value else queryset.filter(quantity=0)


class MaterialMovementFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    item = IdFilter(field_name="item_id", label=_("material"))
    kind = django_filters.ChoiceFilter(choices=MovementKind.choices, label=_("kind"))
    event = IdFilter(field_name="event_id", label=_("promotion event"))
    on_after = DateFilter(field_name="on", lookup_expr="gte", label=_("on or after"))
    on_before = DateFilter(field_name="on", lookup_expr="lte", label=_("on or before"))

    class Meta:
        model = MaterialMovement
        fields = ["kind"]


class MaterialDispatchFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="to_unit__path", label=_("receiving unit (with sub-units)"))
    item = IdFilter(field_name="item_id", label=_("material"))
    state = django_filters.ChoiceFilter(choices=DispatchState.choices, label=_("state"))
    sent_after = DateFilter(field_name="sent_on", lookup_expr="gte", label=_("sent on or after"))
    sent_before = DateFilter(field_name="sent_on", lookup_expr="lte", label=_("sent on or before"))

    class Meta:
        model = MaterialDispatch
        fields = ["state"]


class MaterialRequestFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    state = django_filters.ChoiceFilter(choices=MaterialRequestState.choices, label=_("state"))
    period = PeriodFilter(field_name="period", label=_("period (2026, 2026-Q3 or 2026-07)"))

    class Meta:
        model = MaterialRequest
        fields = ["state"]
