"""FilterSets of the channel archive: channels, their relationship log, contacts and agreements — one per list,
shared by the page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from channels.choices import ActivityKind, AgreementKind, ChannelKind, ChannelState, ChannelTier
from channels.models import Channel, ChannelActivity, ChannelAgreement, ChannelContact
from core.dates import DateFilter
from core.filters import IdFilter, SubtreeFilter


class ChannelFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    kind = django_filters.ChoiceFilter(choices=ChannelKind.choices, label=_("channel type"))
    state = django_filters.ChoiceFilter(choices=ChannelState.choices, label=_("state"))
    tier = django_filters.ChoiceFilter(choices=ChannelTier.choices, label=_("tier"))
    salesperson = IdFilter(field_name="salesperson_id", label=_("salesperson"))
    q = django_filters.CharFilter(method="search", label=_("search (name, credit code)"))
    external_id = django_filters.CharFilter(lookup_expr="exact", label=_("external id"))

    class Meta:
        model = Channel
        fields = ["kind", "state", "tier"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(credit_code=value.upper()))


class ChannelActivityFilterSet(django_filters.FilterSet):
    channel = IdFilter(field_name="channel_id", label=_("channel"))
    unit = SubtreeFilter(path="channel__unit__path", label=_("org unit (with sub-units)"))
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices, label=_("kind"))
    on_after = DateFilter(field_name="on", lookup_expr="gte", label=_("on or after"))
    on_before = DateFilter(field_name="on", lookup_expr="lte", label=_("on or before"))

    class Meta:
        model = ChannelActivity
        fields = ["kind"]


class ChannelContactFilterSet(django_filters.FilterSet):
    channel = IdFilter(field_name="channel_id", label=_("channel"))

    class Meta:
        model = ChannelContact
        fields = []


class ChannelAgreementFilterSet(django_filters.FilterSet):
    channel = IdFilter(field_name="channel_id", label=_("channel"))
    kind = django_filters.ChoiceFilter(choices=AgreementKind.choices, label=_("kind"))

    class Meta:
        model = ChannelAgreement
        fields = ["kind"]
