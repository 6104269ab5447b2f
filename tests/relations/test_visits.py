"""Visits: recording (done today by default, a next step → the visitor's task), planning, marking done, the
refusals (a done visit in the future, a next step without a day, a customer outside the scope), the kept last
visit, and the API (create, update, scope 404s) — with a pinned clock."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM, NotAllowed
from customers.services import customer_create
from relations.models import CustomerLastVisit, Visit
from relations.services import visit_record, visit_update
from workflow.models import Task

TODAY = date(2026, 3, 18)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 3, 18, 4, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def customer(personas, units):
    return customer_create(
        by=SYSTEM, name="杭州华信实业有限公司", district=units["330100"], salesperson=personas["rep_hangzhou"].staff, is_key=True
    )


@pytest.fixture
def other_customer(personas, units):
    return customer_create(by=SYSTEM, name="广州恒通贸易有限公司", district=units["440100"])


def test_record_with_next_step_gives_the_visitor_a_task(personas, customer):
    rep = personas["rep_hangzhou"]
    visit = visit_record(
        by=rep.user, customer=customer, notes="谈了明年的理财需求", next_step="寄送产品方案", next_on=date(2026, 3, 25)
    )
    assert visit.on == TODAY and visit.state == "done" and visit.salesperson == rep.staff
    task = Task.objects.get(pk=visit.task_id)
    assert task.owner == rep.staff and task.due_on == date(2026, 3, 25) and task.title == "寄送产品方案"
    assert task.source == visit
    assert CustomerLastVisit.objects.get(customer=customer).last_on == TODAY


def test_a_done_visit_in_the_future_is_refused(personas, customer):
    with pytest.raises(InvalidInput) as refused:
        visit_record(by=personas["rep_hangzhou"].user, customer=customer, on=date(2026, 3, 19))
    assert refused.value.field == "on"
    assert not Visit.objects.exists() and not CustomerLastVisit.objects.exists()


def test_plan_then_mark_done_on_the_day(personas, customer):
    rep = personas["rep_hangzhou"]
    visit = visit_record(by=rep.user, customer=customer, on=date(2026, 3, 20), state="planned")
    assert not CustomerLastVisit.objects.exists()
    with pytest.raises(InvalidInput) as refused:
        visit_update(by=rep.user, visit=visit, state="done")
    assert refused.value.field == "on"
    visit_update(by=rep.user, visit=visit, state="done", on=TODAY, next_step="回访", next_on=date(2026, 4, 1))
    visit.refresh_from_db()
    assert visit.state == "done" and visit.task_id is not None
    assert CustomerLastVisit.objects.get(customer=customer).last_on == TODAY
    with pytest.raises(Conflict):
        visit_update(by=rep.user, visit=visit, state="planned")


def test_next_step_needs_a_day_not_before_the_visit(personas, customer):
    rep = personas["rep_hangzhou"]
    with pytest.raises(InvalidInput) as refused:
        visit_record(by=rep.user, customer=customer, next_step="寄方案")
    assert refused.value.field == "next_on"
    with pytest.raises(InvalidInput) as refused:
        visit_record(by=rep.user, customer=customer, on=date(2026, 3, 10), next_step="寄方案", next_on=date(2026, 3, 9))
    assert refused.value.field == "next_on"
    assert not Visit.objects.exists() and not Task.objects.exists()


def test_cancelling_the_last_visit_goes_back_to_the_one_before(personas, customer):
    rep = personas["rep_hangzhou"]
    visit_record(by=rep.user, customer=customer, on=date(2026, 2, 1))
    last = visit_record(by=rep.user, customer=customer, on=date(2026, 3, 1))
    assert CustomerLastVisit.objects.get(customer=customer).last_on == date(2026, 3, 1)
    visit_update(by=rep.user, visit=last, state="cancelled")
    assert CustomerLastVisit.objects.get(customer=customer).last_on == date(2026, 2, 1)
    with pytest.raises(Conflict):
        visit_update(by=rep.user, visit=last, notes="x")


def test_a_salesperson_records_only_their_own_customers(personas, customer, units):
    other = customer_create(
        by=SYSTEM, name="杭州另一家公司", district=units["330100"], salesperson=personas["rep_hangzhou_2"].staff
    )
    with pytest.raises(NotAllowed):
        visit_record(by=personas["rep_hangzhou"].user, customer=other)
    assert not Visit.objects.exists()


def test_api_create_update_and_scope(personas, customer, other_customer):
    api = personas["rep_hangzhou"].api(language="en")
    response = api.post(
        reverse("relations-visit-list"),
        {
            "customer": customer.pk,
            "kind": "phone",
            "needs": "需要短期理财",
            "competitors": "某银行",
            "next_step": "报价",
            "next_on": "2026-03-20",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "done" and body["on"] == "2026-03-18" and body["task"]
    url = reverse("relations-visit-detail", kwargs={"pk": body["id"]})
    assert api.patch(url, {"notes": "补充"}, format="json").status_code == 200
    future = api.post(reverse("relations-visit-list"), {"customer": customer.pk, "on": "2026-04-01"}, format="json")
    assert future.status_code == 400 and "on" in future.json()["errors"]
    outside = api.post(reverse("relations-visit-list"), {"customer": other_customer.pk}, format="json")
    assert outside.status_code == 400 and "customer" in outside.json()["errors"]
    foreign = visit_record(by=SYSTEM, customer=other_customer)
    assert api.get(reverse("relations-visit-detail", kwargs={"pk": foreign.pk})).status_code == 404
    plans = personas["dm_hangzhou"].api().get(reverse("relations-visit-plan-list"))
    assert plans.status_code == 200 and plans.json()["results"] == []


def test_bulk_is_idempotent_and_all_or_nothing(personas, customer):
    api = personas["key_hangzhou"].api(language="en")
    url = reverse("relations-visit-bulk")
    records = [
        {"external_id": "330100-V-1", "customer_external_id": customer.external_id or "", "on": "2026-03-01"},
    ]
    if not customer.external_id:
        records[0].pop("customer_external_id")
        records[0]["customer"] = customer.pk
    records.append(
        {**records[0], "external_id": "330100-V-2", "on": "2026-03-10", "next_step": "送方案", "next_on": "2026-03-30"}
    )
    first = api.post(url, {"records": records}, format="json")
    assert first.status_code == 200, first.json()
    assert first.json()["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "error": 0}
    again = api.post(url, {"records": records}, format="json")
    assert again.json()["counts"]["unchanged"] == 2 and Visit.objects.count() == 2
    assert CustomerLastVisit.objects.get(customer=customer).last_on == date(2026, 3, 10)
    assert Task.objects.count() == 1
    bad = [{**records[0], "external_id": "330100-V-3"}, {**records[0], "external_id": "330100-V-4", "on": "2026-03-30"}]
    refused = api.post(url, {"records": bad}, format="json")
    assert refused.status_code == 400
    results = refused.json()["results"]
    assert results[0]["result"] == "created" and results[1]["result"] == "error" and "on" in results[1]["errors"]
    assert Visit.objects.count() == 2
    changed = api.post(url, {"records": [{**records[0], "on": "2026-03-12"}]}, format="json")
    assert changed.json()["counts"]["updated"] == 1
    assert CustomerLastVisit.objects.get(customer=customer).last_on == date(2026, 3, 12)
