"""The demo channel-expansion targets: each region's channel-expansion plan approved through the center, its new-
channels year decomposed to provinces, districts, months and staff (adding up at every level), districts ahead of
the year's pace (杭州) and behind it by more than the demo rule's threshold (广州) against the channel archive's
contracts of the year — so the demo's `channel_pace` warning rule finds the ones behind; a second load adds nothing."""

from datetime import UTC, date, datetime
from decimal import Decimal

import time_machine

from approvals.choices import ApprovalKind, RequestState
from approvals.models import ApprovalRequest
from channels.demo import load_demo_channels
from channels.demo_expansion import THRESHOLD, load_demo_expansion, pace_of
from channels.metrics import new_channels
from core.periods import Period
from plans.models import Plan, Target
from regions.demo import load_demo_company
from regions.models import OrgUnit
from risk.demo_warnings import load_demo_warnings
from risk.models import Warning, WarningRule

TODAY = date(2026, 9, 15)


def _current(**owner):
    return Target.objects.filter(metric="new_channels", is_current=True, **owner)


@time_machine.travel(datetime(2026, 9, 15, 4, 0, tzinfo=UTC), tick=False)
def test_demo_expansion_targets_ahead_and_behind(db):
    load_demo_company(reps_per_district=1)
    load_demo_channels(today=TODAY)
    counts = load_demo_expansion(today=TODAY)
    assert counts["plans"] >= 3 and counts["districts"] >= 40 and counts["ahead"] >= 10 and counts["behind"] >= 10

    plans = Plan.objects.filter(kind="channel_expansion", period="2026")
    assert plans.count() == counts["plans"] and {p.state for p in plans} == {"approved"}
    assert (
        ApprovalRequest.objects.filter(kind=ApprovalKind.PLAN_CHANNEL_EXPANSION, state=RequestState.APPROVED).count()
        == counts["plans"]
    )
    # Every level adds up: regions = their provinces, provinces = their districts, districts = their months and staff.
    year = Period.parse("2026")
    for unit in OrgUnit.objects.filter(kind__in=["region", "province"]):
        own = _current(unit=unit, staff__isnull=True, period="2026").first()
        if own is None:
            continue
        children = _current(unit__parent=unit, staff__isnull=True, period="2026")
        assert sum(t.value for t in children) == own.value
    for target in _current(unit__kind="district", staff__isnull=True, period="2026", value__gt=0):
        months = _current(unit=target.unit, staff__isnull=True, period__in=[str(m) for m in year.months()])
        assert sum(t.value for t in months) == target.value
        assert sum(t.value for t in _current(staff__unit=target.unit, period="2026")) == target.value

    pace = pace_of(TODAY)
    gaps = {}
    for target in _current(unit__kind="district", staff__isnull=True, period="2026", value__gt=0).select_related("unit"):
        signed = new_channels(year, target.unit, None)  # the archive has no move after today
        gaps[target.unit.code] = pace - signed / target.value
    assert gaps["330100"] <= 0 < THRESHOLD < gaps["440100"]

    # The demo's warning rules include channel pace: 广州 is warned, 杭州 not.
    load_demo_warnings(today=TODAY)
    rule = WarningRule.objects.get(kind="channel_pace")
    assert rule.threshold == THRESHOLD
    warned = set(Warning.objects.filter(rule=rule).values_list("unit__code", flat=True))
    assert "440100" in warned and "330100" not in warned
    assert warned == {code for code, gap in gaps.items() if gap > THRESHOLD}

    assert load_demo_expansion(today=TODAY) == dict.fromkeys(counts, 0)
    assert Decimal(_current(period="2026").count()) > 0
