"""The demo special events load through the services, one in each state, and load once."""

from datetime import UTC, datetime

import time_machine

from regions.demo import load_demo_company
from risk.choices import EntryKind, EventState
from risk.demo import load_demo_events
from risk.models import EventEntry, SpecialEvent


@time_machine.travel(datetime(2026, 3, 16, 4, 0, tzinfo=UTC), tick=False)
def test_demo_loads_once_in_every_state(db):
    load_demo_company(reps_per_district=1)
    assert load_demo_events() == {"events": 4, "loaded": True}
    states = sorted(SpecialEvent.objects.values_list("state", flat=True))
    assert states == sorted([EventState.CLOSED, EventState.IN_PROGRESS, EventState.REPORTED, EventState.IN_PROGRESS])
    closed = SpecialEvent.objects.get(state=EventState.CLOSED)
    assert closed.summary and closed.steps.filter(done_at__isnull=True).count() == 0
    assert closed.occurred_on.month == 2  # last month: last month's report lists it
    busy = SpecialEvent.objects.get(title="重点客户资金链紧张")
    assert busy.steps.filter(done_at__isnull=True).count() == 1 and busy.steps.count() == 2
    assert EventEntry.objects.filter(kind=EntryKind.REPORTED).count() == 4
    assert load_demo_events()["loaded"] is False


@time_machine.travel(datetime(2026, 3, 16, 4, 0, tzinfo=UTC), tick=False)
def test_demo_improvement_plan_is_in_progress_with_tasks(db):
    from risk.choices import ImprovementState
    from risk.demo import load_demo_improvement
    from risk.models import ImprovementPlan

    load_demo_company(reps_per_district=1)
    assert load_demo_improvement()["plans"] == 1
    plan = ImprovementPlan.objects.get()
    assert plan.state == ImprovementState.IN_PROGRESS
    assert plan.measures.filter(task__isnull=False).count() == 3
    assert load_demo_improvement()["plans"] == 0


def test_demo_warnings_load_once_with_some_handled(db):
    from customers.demo import load_demo_customers
    from risk.demo_warnings import RULES, load_demo_warnings
    from risk.models import Warning

    load_demo_company(reps_per_district=1)
    load_demo_customers(customers=60, months=12, plans=0)
    counts = load_demo_warnings()
    assert counts["rules"] == len(RULES) and counts["warnings"] == Warning.objects.count() > 0
    # Every rule came through an approved proposal; one more proposal waits in the center's queue.
    from approvals.models import ApprovalRequest
    from risk.models import WarningRule, WarningRuleChange

    assert WarningRule.objects.count() == len(RULES)
    assert sorted(WarningRuleChange.objects.values_list("state", flat=True)) == ["approved"] * len(RULES) + ["submitted"]
    waiting = ApprovalRequest.objects.get(kind="warning_rule", state="submitted")
    assert waiting.snapshot["old"]["threshold"] == "0.9" and waiting.snapshot["new"]["threshold"] == "0.8"
    assert load_demo_warnings() == {"rules": 0, "warnings": 0}
