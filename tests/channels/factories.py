"""Factories for channels, made directly as rows (the channel services are another part of issue 17): a channel in a
state, with the transitions that brought it there on the days given."""

from datetime import date

import factory

from channels.choices import ChannelKind, ChannelState
from channels.models import Channel, ChannelTransition
from regions.models import OrgUnit

# The road a channel takes to each state (the moves channels.choices.TRANSITIONS allows).
ROAD = {
    ChannelState.PROSPECT: [],
    ChannelState.NEGOTIATING: [ChannelState.NEGOTIATING],
    ChannelState.CONTRACTED: [ChannelState.NEGOTIATING, ChannelState.CONTRACTED],
    ChannelState.ACTIVE: [ChannelState.NEGOTIATING, ChannelState.CONTRACTED, ChannelState.ACTIVE],
    ChannelState.DORMANT: [ChannelState.NEGOTIATING, ChannelState.CONTRACTED, ChannelState.ACTIVE, ChannelState.DORMANT],
    ChannelState.TERMINATED: [ChannelState.NEGOTIATING, ChannelState.CONTRACTED, ChannelState.TERMINATED],
}


class ChannelFactory(factory.django.DjangoModelFactory):
    """A channel (default: an active bank channel of 杭州市); transitions are not made (see channel_on_road)."""

    class Meta:
        model = Channel

    external_id = factory.Sequence(lambda n: f"CH{n:05d}")
    name = factory.Sequence(lambda n: f"测试渠道{n}")
    kind = ChannelKind.BANK
    unit = factory.LazyFunction(lambda: OrgUnit.objects.get(code="330100"))
    state = ChannelState.ACTIVE
    state_since = date(2025, 1, 1)


def channel_on_road(*, state, days, **kwargs):
    """A channel in `state` whose history took the road to it, the n-th move on days[n] (as many days as moves)."""
    road = ROAD[state]
    assert len(days) == len(road), (state, days)
    channel = ChannelFactory(state=state, state_since=days[-1] if days else date(2025, 1, 1), **kwargs)
    previous = ChannelState.PROSPECT
    for to_state, on in zip(road, days, strict=True):
        ChannelTransition.objects.create(channel=channel, from_state=previous, to_state=to_state, on=on)
        previous = to_state
    return channel
