"""The demo credit control loads through the services once: a policy in force with caps (one 浙江 district near
its cap, one over it), three exceptions (ended, applying today, waiting), two customers on hold (grade D, overdue)
and one hold released through its approval — dates relative to the pinned today."""

from datetime import UTC, date, datetime, timedelta

import time_machine

from customers.demo import load_demo_customers
from customers.models import Customer
from notifications.models import Notification
from regions.demo import load_demo_company
from risk.choices import CreditExceptionState, CreditPolicyState, HoldReleaseState, HoldRule, HoldState
from risk.demo_credit import load_demo_credit
from risk.demo_ratings import load_demo_ratings
from risk.models import CreditCap, CreditException, CreditHold, CreditHoldRelease, CreditPolicy, CustomerRating
from risk.selectors.exposure import exposure_state, open_by_district

TODAY = date(2026, 3, 16)


@time_machine.travel(datetime(2026, 3, 16, 4, 0, tzinfo=UTC), tick=False)
def test_demo_credit_loads_once_through_the_services(db):
    load_demo_company(reps_per_district=1)
    load_demo_customers(customers=120, months=12, today=TODAY, plans=0)
    load_demo_ratings(today=TODAY)
    counts = load_demo_credit(today=TODAY)
    assert counts == {"policies": 1, "caps": CreditCap.objects.count(), "exceptions": 3, "holds": 2, "released": 1}

    # The policy in force, approved by the director; caps on every district and province owing something.
    policy = CreditPolicy.objects.get()
    assert policy.state == CreditPolicyState.APPROVED and policy.hold_overdue_days == 90
    owed = open_by_district(Customer.objects.all())
    caps = {cap.unit_id: cap for cap in CreditCap.objects.select_related("unit")}
    assert set(owed) <= set(caps) and any(cap.unit.kind == "province" for cap in caps.values())
    states = {caps[pk].unit.code: exposure_state(amount, caps[pk].cap) for pk, amount in owed.items()}
    assert states.get("330100", "ok") == "ok"  # the personas' district keeps room
    assert sorted(s for code, s in states.items() if code.startswith("33") and s != "ok") == ["near", "over"]

    # Exceptions: one ended (stamped by the end job, its salesperson told), one applying today, one waiting.
    ended, active, waiting = CreditException.objects.order_by("valid_from")
    assert (ended.state, ended.ended_on, ended.valid_to < TODAY) == (
        CreditExceptionState.APPROVED,
        ended.valid_to + timedelta(days=1),
        True,
    )
    assert active.applies_on(TODAY) and active.ended_on is None and active.customer_id == ended.customer_id
    assert waiting.state == CreditExceptionState.SUBMITTED and waiting.valid_from > TODAY
    salesperson = ended.customer.salesperson
    if salesperson is not None and salesperson.user_id:  # told through its salesperson (one with a login)
        assert Notification.objects.filter(recipient=salesperson.user).exists()

    # Holds: grade D and overdue on; one released through its approved release.
    on = CreditHold.objects.filter(state=HoldState.ON)
    assert sorted(on.values_list("rule", flat=True)) == sorted([HoldRule.GRADE_D, HoldRule.OVERDUE])
    graded_d = on.get(rule=HoldRule.GRADE_D)
    assert CustomerRating.objects.get(customer=graded_d.customer).grade == "D"
    assert all(TODAY - timedelta(days=12) <= hold.placed_on <= TODAY for hold in on)
    # The hold job ran for the chosen customers only, though more match its rules.
    assert CreditHold.objects.count() == 3 and CustomerRating.objects.filter(grade="D").count() > 1
    released = CreditHold.objects.get(state=HoldState.RELEASED)
    assert (released.placed_on, released.released_on) == (TODAY - timedelta(days=40), TODAY)
    assert CreditHoldRelease.objects.get(hold=released).state == HoldReleaseState.APPROVED
    assert {hold.customer_id for hold in CreditHold.objects.all()}.isdisjoint(
        {e.customer_id for e in CreditException.objects.all()}
    )

    assert load_demo_credit(today=TODAY) == {"policies": 0, "caps": 0, "exceptions": 0, "holds": 0, "released": 0}
