"""The channel archive's services: opening with a checked credit code, the moves of a channel's life (only the
allowed ones, each kept with who, when and why; a refused one writes nothing), who may write, and the log."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from channels import services
from channels.choices import TRANSITIONS, ChannelState
from channels.models import Channel, ChannelActivity, ChannelContact, ChannelTransition
from core.errors import InvalidInput
from core.rights import SYSTEM, NotAllowed

CODE = "91440300708461136T"


@pytest.fixture
def channel(personas, units):
    return services.channel_create(
        by=personas["dm_hangzhou"].user,
        name="杭州银行西湖支行",
        unit=units["330100"],
        kind="bank",
        salesperson=personas["rep_hangzhou"].staff,
        on=date(2025, 1, 10),
        contacts=[{"name": "王行长", "is_primary": True}],
    )


def test_create_writes_the_first_transition(channel, personas):
    assert channel.state == ChannelState.PROSPECT and channel.state_since == date(2025, 1, 10)
    (first,) = ChannelTransition.objects.filter(channel=channel)
    assert (first.from_state, first.to_state, first.on, first.by) == (
        "",
        "prospect",
        date(2025, 1, 10),
        personas["dm_hangzhou"].user,
    )
    assert ChannelContact.objects.get(channel=channel).is_primary


def test_allowed_moves_are_kept_with_who_when_why(channel, personas):
    rep = personas["rep_hangzhou"].user
    services.channel_transition(by=rep, channel=channel, to_state="negotiating", on=date(2025, 2, 1), reason="初次拜访")
    services.channel_transition(by=rep, channel=channel, to_state="contracted", on=date(2025, 3, 1), reason="签约")
    channel.refresh_from_db()
    assert (channel.state, channel.state_since) == ("contracted", date(2025, 3, 1))
    moves = list(channel.transitions.values_list("from_state", "to_state", "reason"))
    assert moves[1:] == [("prospect", "negotiating", "初次拜访"), ("negotiating", "contracted", "签约")]


@pytest.mark.parametrize("state", [s for s in ChannelState.values if s not in TRANSITIONS[ChannelState.PROSPECT]])
def test_a_move_its_life_does_not_allow_is_refused_on_state_with_nothing_written(channel, personas, state):
    with pytest.raises(InvalidInput) as error:
        services.channel_transition(by=personas["rep_hangzhou"].user, channel=channel, to_state=state)
    assert error.value.field == "state"
    channel.refresh_from_db()
    assert channel.state == "prospect" and channel.transitions.count() == 1


def test_a_terminated_channel_moves_nowhere(channel, personas):
    services.channel_transition(by=SYSTEM, channel=channel, to_state="terminated", on=date(2025, 2, 1))
    for state in ChannelState.values:
        with pytest.raises(InvalidInput) as error:
            services.channel_transition(by=SYSTEM, channel=channel, to_state=state)
        assert error.value.field == "state"
    assert channel.transitions.count() == 2


def test_the_day_of_a_move_is_neither_future_nor_before_the_last(channel, personas):
    with pytest.raises(InvalidInput) as error:
        services.channel_transition(
            by=SYSTEM, channel=channel, to_state="negotiating", on=timezone.localdate() + timedelta(days=1)
        )
    assert error.value.field == "on"
    with pytest.raises(InvalidInput) as error:
        services.channel_transition(by=SYSTEM, channel=channel, to_state="negotiating", on=date(2025, 1, 9))
    assert error.value.field == "on"
    assert channel.transitions.count() == 1


def test_credit_code_checked_and_unique(personas, units):
    dm = personas["dm_hangzhou"].user
    with pytest.raises(InvalidInput) as error:
        services.channel_create(by=dm, name="坏码", unit=units["330100"], kind="bank", credit_code="91440300708461136X")
    assert error.value.field == "credit_code"
    services.channel_create(by=dm, name="甲", unit=units["330100"], kind="bank", credit_code=CODE.lower())
    assert Channel.objects.get(name="甲").credit_code == CODE
    with pytest.raises(InvalidInput) as error:
        services.channel_create(by=dm, name="乙", unit=units["330100"], kind="bank", credit_code=CODE)
    assert error.value.field == "credit_code"
    assert not Channel.objects.filter(name__in=["坏码", "乙"]).exists()


def test_unit_and_salesperson_rules(personas, units):
    dm = personas["dm_hangzhou"].user
    with pytest.raises(InvalidInput) as error:
        services.channel_create(by=dm, name="省级", unit=units["330000"], kind="bank")
    assert error.value.field == "unit"
    with pytest.raises(NotAllowed):
        services.channel_create(by=dm, name="别处", unit=units["440100"], kind="bank")
    with pytest.raises(InvalidInput) as error:
        services.channel_create(
            by=personas["director"].user,
            name="错人",
            unit=units["440100"],
            kind="bank",
            salesperson=personas["rep_hangzhou"].staff,
        )
    assert error.value.field == "salesperson"
    assert not Channel.objects.exists()


def test_who_writes(channel, personas):
    # Its salesperson, the district's manager, the managers above and the center; not another rep nor another region.
    for name in ("rep_hangzhou", "dm_hangzhou", "pm_zhejiang", "rm_east", "center"):
        services.channel_activity_add(by=personas[name].user, channel=channel, kind="visit", summary=f"{name} 拜访")
    for name in ("rep_hangzhou_2", "dm_guangzhou", "rm_south"):
        with pytest.raises(NotAllowed):
            services.channel_activity_add(by=personas[name].user, channel=channel, kind="visit", summary="x")
    assert ChannelActivity.objects.filter(channel=channel).count() == 5


def test_update_refuses_the_state_and_checks_like_create(channel, personas):
    dm = personas["dm_hangzhou"].user
    with pytest.raises(InvalidInput) as error:
        services.channel_update(by=dm, channel=channel, state="active")
    assert error.value.field == "state"
    services.channel_update(by=dm, channel=channel, tier="key", contacts=[{"name": "李经理"}])
    channel.refresh_from_db()
    assert channel.tier == "key" and list(channel.contacts.values_list("name", flat=True)) == ["李经理"]


def test_activity_next_step_after_the_contact(channel, personas):
    rep = personas["rep_hangzhou"].user
    with pytest.raises(InvalidInput) as error:
        services.channel_activity_add(
            by=rep,
            channel=channel,
            kind="training",
            summary="产品培训",
            on=date(2025, 5, 2),
            next_step="回访",
            next_on=date(2025, 5, 1),
        )
    assert error.value.field == "next_on"
    entry = services.channel_activity_add(
        by=rep,
        channel=channel,
        kind="training",
        summary="产品培训",
        on=date(2025, 5, 2),
        next_step="回访",
        next_on=date(2025, 5, 9),
    )
    assert entry.by == rep and ChannelActivity.objects.count() == 1


def test_agreement_term(channel, personas):
    with pytest.raises(InvalidInput) as error:
        services.channel_agreement_add(
            by=SYSTEM, channel=channel, kind="agency", signed_on=date(2025, 3, 1), valid_to=date(2025, 2, 1)
        )
    assert error.value.field == "valid_to"
    services.channel_agreement_add(
        by=SYSTEM, channel=channel, kind="agency", signed_on=date(2025, 3, 1), valid_to=date(2026, 2, 28)
    )
    assert channel.agreements.count() == 1
