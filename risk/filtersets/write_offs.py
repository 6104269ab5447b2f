"""The FilterSets of write-offs (坏账核销) and recoveries (坏账收回), page and API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.dates import DateFilter
from core.filters import IdFilter, SubtreeFilter
from risk.choices import WriteOffState
from risk.models import Recovery, WriteOff


class WriteOffFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    state = django_filters.ChoiceFilter(choices=WriteOffState.choices, label=_("state"))
    customer = IdFilter(field_name="customer_id", label=_("customer"))
    written_off_from = DateFilter(field_name="written_off_on", lookup_expr="gte", label=_("written off from"))
    written_off_to = DateFilter(field_name="written_off_on", lookup_expr="lte", label=_("written off to"))

    class Meta:
        model = WriteOff
        fields = ["state"]


class RecoveryFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    customer = IdFilter(field_name="customer_id", label=_("customer"))
    write_off = IdFilter(field_name="write_off_id", label=_("write-off"))
    received_from = DateFilter(field_name="received_on", lookup_expr="gte", label=_("received from"))
    received_to = DateFilter(field_name="received_on", lookup_expr="lte", label=_("received to"))

    class Meta:
        model = Recovery
        fields = []
