"""The FilterSet of contracts, shared by the page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from channels.choices import ContractKind, ContractState
from channels.models import Contract
from core.dates import DateFilter
from core.filters import IdFilter, SubtreeFilter


class ContractFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    state = django_filters.ChoiceFilter(choices=ContractState.choices, label=_("state"))
    kind = django_filters.ChoiceFilter(choices=ContractKind.choices, label=_("contract type"))
    customer = IdFilter(field_name="customer_id", label=_("customer"))
    channel = IdFilter(field_name="channel_id", label=_("channel"))
    ends_from = DateFilter(field_name="ends_on", lookup_expr="gte", label=_("ends from"))
    ends_to = DateFilter(field_name="ends_on", lookup_expr="lte", label=_("ends to"))
    title = django_filters.CharFilter(field_name="title", lookup_expr="icontains", max_length=100, label=_("title"))

    class Meta:
        model = Contract
        fields = ["state", "kind"]
