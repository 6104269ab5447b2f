"""The new-channels figure (新增渠道) from the channels' state history: a channel counts as new in the month in
which it FIRST reached `contracted` (its earliest ChannelTransition to that state), for the channel's district
office and responsible salesperson. A channel contracted, terminated and contracted again counts once, in the
month of the first contract; one that reached `contracted` and moved on (active, dormant, terminated) still
counted in that month — the figure says how many channels were signed, not how many are still going.

plans may not import channels (docs/ARCHITECTURE.md: channels sits above plans), so this module registers its
sources with plans when the app starts (`register`, called from ChannelsConfig.ready): then
plans.selectors.actual, attainment, the lists' attainments and everything reading them give real figures.
The summaries (performance) count the same `first_contracts()` rows.
"""

from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncMonth

from channels.choices import ChannelState
from channels.models import ChannelTransition
from plans.choices import Metric
from plans.selectors import actual_source_register


def first_contracts():
    """Each channel's first move to `contracted` (earliest day, then lowest id): at most one row per channel,
    unscoped. Filter it by `on` for "new channels in a period"; channel__unit and channel__salesperson say whose."""
    earlier = ChannelTransition.objects.filter(channel_id=OuterRef("channel_id"), to_state=ChannelState.CONTRACTED).filter(
        Q(on__lt=OuterRef("on")) | Q(on=OuterRef("on"), pk__lt=OuterRef("pk"))
    )
    return ChannelTransition.objects.unscoped().filter(to_state=ChannelState.CONTRACTED).filter(~Exists(earlier))


def new_channels(period, unit, staff):
    """The number of new channels in a period for a salesperson, a unit's subtree or (neither) the company."""
    rows = first_contracts().filter(on__range=(period.start, period.end))
    if staff is not None:
        rows = rows.filter(channel__salesperson=staff)
    elif unit is not None:
        rows = rows.filter(channel__unit__path__startswith=unit.path)
    return Decimal(rows.aggregate(n=Count("pk"))["n"])


def new_channels_monthly(start, end):
    """[(district id, salesperson id, month, count)] of the new channels between two days, grouped by month."""
    return list(
        first_contracts()
        .filter(on__range=(start, end))
        .annotate(m=TruncMonth("on"))
        .values_list(F("channel__unit_id"), F("channel__salesperson_id"), "m")
        .annotate(v=Count("pk"))
        .order_by()
    )


def register():
    """Give plans the new-channels facts (called once the apps are loaded: ChannelsConfig.ready)."""
    actual_source_register(Metric.NEW_CHANNELS, actual=new_channels, monthly=new_channels_monthly)
