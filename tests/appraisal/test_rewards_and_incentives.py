"""Reward proposals through the approvals chain (below/above the director's threshold) and the suggested
incentives of an incentive scheme for branches of different scale."""

from datetime import date
from decimal import Decimal

import pytest

from appraisal import selectors, services
from appraisal.choices import ProposalState
from approvals.services import BIG_AMOUNT, request_approve, request_reject
from core.errors import InvalidInput
from core.rights import SYSTEM, NotAllowed
from plans.services import target_set

pytestmark = pytest.mark.django_db


def _propose(personas, units, amount, by="dm_hangzhou", staff="rep_hangzhou"):
    return services.reward_propose(
        kind="special_award",
        unit=units["330100"],
        staff=personas[staff].staff,
        period="2026-01",
        amount=amount,
        reason="新开大客户",
        by=personas[by].user,
    )


def _chain(request):
    return [(step.approver_role, step.approver_unit.code) for step in request.steps.order_by("order")]


def test_a_small_reward_goes_to_the_region_and_the_center(personas, units):
    proposal = _propose(personas, units, "5000.00")
    request = services.reward_submit(proposal=proposal, by=personas["dm_hangzhou"].user)
    assert request.kind == "reward_proposal" and request.amount == Decimal("5000.00")
    assert _chain(request) == [("regional_manager", "HD"), ("center_staff", "HQ")]
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SUBMITTED
    request_approve(request=request, by=personas["rm_east"].user)
    request = request_approve(request=request, by=personas["center"].user)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.APPROVED and proposal.decided_at is not None


def test_a_big_reward_ends_with_the_director(personas, units):
    proposal = _propose(personas, units, str(BIG_AMOUNT + Decimal("0.01")))
    request = services.reward_submit(proposal=proposal, by=personas["dm_hangzhou"].user)
    assert _chain(request) == [("regional_manager", "HD"), ("center_staff", "HQ"), ("director", "HQ")]
    at_threshold = _propose(personas, units, str(BIG_AMOUNT))
    assert _chain(services.reward_submit(proposal=at_threshold, by=personas["dm_hangzhou"].user))[-1][0] == "center_staff"


def test_a_rejected_proposal_is_final_and_a_submitted_one_is_not_edited(personas, units):
    from core.errors import Conflict

    proposal = _propose(personas, units, "800.00")
    request = services.reward_submit(proposal=proposal, by=personas["dm_hangzhou"].user)
    with pytest.raises(Conflict):
        services.reward_update(proposal=proposal, by=personas["dm_hangzhou"].user, amount="900.00")
    request_reject(request=request, by=personas["rm_east"].user, comment="不符合条件")
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.REJECTED
    with pytest.raises(Conflict):
        services.reward_submit(proposal=proposal, by=personas["dm_hangzhou"].user)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"period": "2026-1"}, "period"),
        ({"period": "2099"}, "period"),
        ({"reason": "  "}, "reason"),
        ({"kind": "bonus"}, "kind"),
    ],
)
def test_bad_reward_input(personas, units, change, field):
    data = {
        "kind": "reward",
        "unit": units["330100"],
        "staff": None,
        "period": "2026-01",
        "amount": "100.00",
        "reason": "好",
        **change,
    }
    with pytest.raises(InvalidInput) as error:
        services.reward_propose(**data, by=personas["dm_hangzhou"].user)
    assert error.value.field == field


def test_rewards_only_inside_ones_scope_and_not_by_reps(personas, units):
    with pytest.raises(InvalidInput) as error:
        _propose(personas, units, "100.00", by="dm_guangzhou")
    assert error.value.field == "unit"
    with pytest.raises(NotAllowed):
        _propose(personas, units, "100.00", by="rep_hangzhou_2")
    with pytest.raises(InvalidInput) as error:
        _propose(personas, units, "100.00", by="dm_hangzhou", staff="dm_hangzhou")
    assert error.value.field == "staff"


def _incentive(personas, subject="district"):
    return services.incentive_scheme_create(
        name="区县激励办法",
        subject=subject,
        valid_from=date(2025, 1, 1),
        classes=[
            {"name": "小", "min_sales": "0", "tiers": [{"min_attainment": "100", "bonus_rate": "1"}]},
            {
                "name": "中",
                "min_sales": "50000",
                "tiers": [
                    {"min_attainment": "80", "bonus_rate": "0.5"},
                    {"min_attainment": "100", "bonus_rate": "1.5", "fixed_amount": "1000"},
                ],
            },
            {"name": "大", "min_sales": "100000000", "tiers": [{"min_attainment": "100", "bonus_rate": "2"}]},
        ],
        by=personas["center"].user,
    )


def test_suggested_incentives_by_scale_class_and_attainment(facts, personas, units):
    from performance.selectors import actual_from_summary

    scheme = _incentive(personas)
    hz, nb = units["330100"], units["330200"]
    hz_last = actual_from_summary(metric="sales_amount", period="2025", unit=hz)
    hz_q1 = actual_from_summary(metric="sales_amount", period="2026-Q1", unit=hz)
    target_set(metric="sales_amount", period="2026-Q1", unit=hz, value=str(hz_q1), by=SYSTEM)  # exactly 100 %
    target_set(metric="sales_amount", period="2026-Q1", unit=nb, value="999999999.00", by=SYSTEM)  # far below
    rows = {row["code"]: row for row in selectors.suggested_incentives(scheme=scheme, period="2026-Q1", unit=units["330000"])}
    assert set(rows) == {"330100", "330200"} | {code for code in rows if code.startswith("33")}
    hz_row = rows["330100"]
    assert hz_row["last_year_sales"] == hz_last and hz_row["sales"] == hz_q1
    expected_class = "中" if hz_last >= 50000 else "小"
    assert hz_row["scale_class"].name == expected_class
    if expected_class == "中":
        assert hz_row["bonus"] == (hz_q1 * Decimal("1.5") / 100).quantize(Decimal("0.01")) + Decimal("1000.00")
    else:
        assert hz_row["bonus"] == (hz_q1 / 100).quantize(Decimal("0.01"))
    assert rows["330200"]["bonus"] == Decimal("0.00")
    assert rows["330200"]["tier"] is None


def test_incentive_scheme_bad_classes(personas):
    with pytest.raises(InvalidInput) as error:
        services.incentive_scheme_create(
            name="x",
            subject="district",
            valid_from=date(2025, 1, 1),
            classes=[{"name": "小", "min_sales": "100", "tiers": []}],
            by=personas["center"].user,
        )
    assert error.value.field == "classes"
    with pytest.raises(NotAllowed):
        _incentive({"center": personas["rm_east"]})
