"""The demo channel archive: a few hundred channels in every state, their histories consistent with their
states (every move allowed, days in order, within 24 months of the pinned today), contracts signed in many
months (new channels per month are real), contacts and a log; a second load adds nothing."""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import time_machine

from channels.choices import TRANSITIONS, ChannelState
from channels.demo import load_demo_channels
from channels.models import Channel, ChannelActivity, ChannelContact, ChannelTransition
from regions.demo import load_demo_company

TODAY = date(2026, 3, 16)


@time_machine.travel(datetime(2026, 3, 16, 4, 0, tzinfo=UTC), tick=False)
def test_demo_channels(db, django_assert_max_num_queries):
    load_demo_company(reps_per_district=1)
    with django_assert_max_num_queries(30):
        counts = load_demo_channels(today=TODAY)
    assert counts["channels"] == Channel.objects.count() >= 250
    assert counts["transitions"] == ChannelTransition.objects.count()
    assert counts["contacts"] == ChannelContact.objects.count() >= counts["channels"]
    assert counts["activities"] == ChannelActivity.objects.count() > 0
    assert set(Channel.objects.values_list("state", flat=True)) == set(ChannelState.values)
    assert Channel.objects.filter(unit__code="330100").count() >= 20 and Channel.objects.filter(unit__code="440100").count() >= 20

    moves = defaultdict(list)
    for move in ChannelTransition.objects.order_by("on", "id"):
        moves[move.channel_id].append(move)
    for channel in Channel.objects.all():
        life = moves[channel.pk]
        assert (life[0].from_state, life[0].to_state) == ("", "prospect")
        for before, after in zip(life, life[1:], strict=False):
            assert after.from_state == before.to_state and after.to_state in TRANSITIONS[ChannelState(before.to_state)]
        assert (life[-1].to_state, life[-1].on) == (channel.state, channel.state_since)
        assert TODAY - timedelta(days=24 * 31) <= life[0].on and life[-1].on <= TODAY
    signed_months = {(m.on.year, m.on.month) for m in ChannelTransition.objects.filter(to_state="contracted")}
    assert len(signed_months) >= 15

    assert load_demo_channels(today=TODAY) == dict.fromkeys(counts, 0)
    assert Channel.objects.count() == counts["channels"]
