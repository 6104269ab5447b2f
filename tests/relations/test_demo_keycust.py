"""The demo key customers, plans and suggestions load once through the services, with dates relative to the pinned
today: three key customers designated with reasons and one undesignated, a plan each with four objectives, two
actions given as tasks and the reviews of the two quarters before today; suggestions open, answered and closed."""

from datetime import UTC, date, datetime

import time_machine

from customers.demo import load_demo_customers
from regions.demo import load_demo_company
from relations.demo_keycust import load_demo_keycust
from relations.models import KeyCustomerDecision, KeyCustomerPlan, PlanReview, PlanReviewLine, Suggestion

TODAY = date(2026, 5, 20)


@time_machine.travel(datetime(2026, 5, 20, 4, 0, tzinfo=UTC), tick=False)
def test_demo_keycust_loads_once(db):
    load_demo_company(reps_per_district=1)
    load_demo_customers(customers=120, months=12, today=TODAY, plans=0)
    counts = load_demo_keycust(today=TODAY)
    assert counts["key_customers"] == 3 and counts["plans"] == 3 and counts["objectives"] == 12
    assert counts["actions"] == 6 and counts["reviews"] == 6
    assert KeyCustomerDecision.objects.filter(is_key=True).count() == 3
    assert KeyCustomerDecision.objects.filter(is_key=False).count() == 1
    for plan in KeyCustomerPlan.objects.all():
        assert plan.customer.is_key
        assert sorted(str(p) for p in plan.reviews.values_list("period", flat=True)) == ["2025-Q4", "2026-Q1"]
        assert all(action.task.owner_id for action in plan.actions.all())
    assert PlanReviewLine.objects.filter(objective__metric="sales", actual_to_date__gt=0).exists()  # read from the ledger
    assert PlanReview.objects.count() == 6
    states = sorted(Suggestion.objects.values_list("state", flat=True))
    assert states.count("open") >= 2 and "answered" in states and "closed" in states
    assert load_demo_keycust(today=TODAY) == {}
