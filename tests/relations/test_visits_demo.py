"""The demo visits: rules for every class, six months of visits to the demo's customers with their kept last
visits right, some customers overdue, visits planned ahead, recent visits with a next step (their tasks); a second
load adds nothing."""

from datetime import UTC, date, datetime

import time_machine
from django.db.models import Max

from customers.demo import load_demo_customers
from regions.demo import load_demo_company
from relations.demo_visits import load_demo_visits
from relations.models import CustomerLastVisit, Visit, VisitRule
from relations.selectors.visits import overdue_customers

TODAY = date(2026, 3, 16)


@time_machine.travel(datetime(2026, 3, 16, 4, 0, tzinfo=UTC), tick=False)
def test_demo_visits(db):
    load_demo_company(reps_per_district=1)
    load_demo_customers(customers=120, months=6, today=TODAY, plans=0)
    made = load_demo_visits(today=TODAY)
    assert made == Visit.objects.count() > 100
    assert VisitRule.objects.count() == 3
    last = dict(Visit.objects.filter(state="done").values("customer_id").annotate(m=Max("on")).values_list("customer_id", "m"))
    assert dict(CustomerLastVisit.objects.values_list("customer_id", "last_on")) == last
    assert Visit.objects.filter(state="planned", on__gt=TODAY).exists()
    assert Visit.objects.filter(task__isnull=False).count() >= 1
    assert overdue_customers(TODAY), "some customers are left overdue"
    assert not Visit.objects.filter(state="done", on__gt=TODAY).exists()
    assert load_demo_visits(today=TODAY) == 0 and Visit.objects.count() == made
