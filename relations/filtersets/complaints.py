"""The FilterSet of complaints, shared by the list pages (all, the queue, the center's view) and the API."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import DateFilter
from core.filters import IdFilter, SubtreeFilter
from relations.choices_complaints import (
    OPEN_STATES,
    ComplaintCause,
    ComplaintKind,
    ComplaintSeverity,
    ComplaintState,
    SlaState,
)
from relations.models.complaints import Complaint
from relations.selectors.complaints import sla_filter

__all__ = ["ComplaintFilterSet"]


class ComplaintFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    kind = django_filters.ChoiceFilter(choices=ComplaintKind.choices, label=_("complaint type"))
    severity = django_filters.ChoiceFilter(choices=ComplaintSeverity.choices, label=_("severity"))
    state = django_filters.ChoiceFilter(choices=ComplaintState.choices, label=_("state"))
    cause = django_filters.ChoiceFilter(choices=ComplaintCause.choices, label=_("cause"))
    sla = django_filters.ChoiceFilter(choices=SlaState.choices, method="filter_sla", label=_("SLA"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("not closed"))
    customer = IdFilter(field_name="customer_id", label=_("customer"))
    product = IdFilter(field_name="product_id", label=_("product"))
    channel = IdFilter(field_name="channel_id", label=_("channel"))
    owner = IdFilter(field_name="owner_id", label=_("owner"))
    received_from = DateFilter(field_name="received_on", lookup_expr="gte", label=_("received from"))
    received_to = DateFilter(field_name="received_on", lookup_expr="lte", label=_("received to"))
    external_id = django_filters.CharFilter(lookup_expr="exact", max_length=64, label=_("external id"))
    q = django_filters.CharFilter(method="search", max_length=100, label=_("search (customer, description)"))

    class Meta:
        model = Complaint
        fields = ["kind", "severity", "state", "cause"]

    def filter_sla(self, queryset, name, value):
        return queryset.filter(sla_filter(value, timezone.localdate())) if value else queryset

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(state__in=OPEN_STATES) if value else queryset.exclude(state__in=OPEN_STATES)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(customer__name__icontains=value) | Q(description__icontains=value))
