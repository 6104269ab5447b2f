"""The bulk upsert of visits (/api/v1/relations/visits/bulk/), record by record: every check of `visit_record`
holds on the fast path too — a closed customer, a terminated channel, a customer outside the sender's scope, a
visitor out of service or not over the district, a salesperson recording another's customer, an external id held
outside the scope, a done visit in the future, a next step without its day — each refusal on its record, every
record's result in the answer, nothing written. The checks of a (subject, visitor) are judged once per batch, so
the same refusal must reach every record naming that pair, and another visitor of the same customer is judged on
its own. A visit written in bulk holds what `visit_record` writes for the same input. And the coverage page shows
its key customers 50 to a page with the totals over all of them, in the same number of queries. Pinned clock."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from channels.services import channel_create
from core.rights import SYSTEM
from customers.models import Customer
from customers.services import customer_create
from regions.models import StaffProfile
from relations.models import CustomerLastVisit, Visit
from relations.services import visit_record
from workflow.models import Task

URL = "relations-visit-bulk"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 3, 18, 4, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def hangzhou(personas, units):
    """Two customers of 杭州 (the first key, its salesperson rep_hangzhou), one closed, one of 广州."""
    rep = personas["rep_hangzhou"].staff
    return {
        "key": customer_create(
            by=SYSTEM, name="杭州华信实业有限公司", district=units["330100"], salesperson=rep, is_key=True, external_id="HZ-C-1"
        ),
        "other": customer_create(
            by=SYSTEM,
            name="杭州东方贸易有限公司",
            district=units["330100"],
            salesperson=personas["rep_hangzhou_2"].staff,
            external_id="HZ-C-2",
        ),
        "closed": customer_create(by=SYSTEM, name="杭州旧客户有限公司", district=units["330100"], external_id="HZ-C-3"),
        "foreign": customer_create(by=SYSTEM, name="广州恒通贸易有限公司", district=units["440100"], external_id="GZ-C-1"),
    }


def _post(persona, records):
    return persona.api(language="en").post(reverse(URL), {"records": records}, format="json")


def _errors(response):
    return [row["errors"] for row in response.json()["results"]]


def test_every_refusal_is_on_its_record_and_nothing_is_written(personas, hangzhou, units):
    Customer.objects.filter(pk=hangzhou["closed"].pk).update(status="closed")
    channel = channel_create(by=SYSTEM, name="杭州渠道甲", unit=units["330100"], kind="agent", external_id="HZ-CH-1")
    channel.__class__.objects.filter(pk=channel.pk).update(state="terminated")
    gone = personas["rep_hangzhou_2"].staff
    records = [
        {"external_id": "330100-V-1", "customer_external_id": "HZ-C-1", "on": "2026-03-10"},  # fine
        {"external_id": "330100-V-2", "customer_external_id": "HZ-C-3", "on": "2026-03-10"},  # closed
        {"external_id": "330100-V-3", "customer_external_id": "GZ-C-1", "on": "2026-03-10"},  # outside the scope
        {"external_id": "330100-V-4", "channel_external_id": "HZ-CH-1", "on": "2026-03-10"},  # terminated
        {"external_id": "330100-V-5", "customer_external_id": "HZ-C-1", "on": "2026-03-20"},  # done in the future
        {"external_id": "330100-V-6", "customer_external_id": "HZ-C-1", "on": "2026-03-10", "next_step": "送方案"},
        {"external_id": "330100-V-7", "customer_external_id": "HZ-C-2", "on": "2026-03-10", "salesperson": gone.pk},
        {"external_id": "330100-V-8", "customer_external_id": "HZ-C-1", "on": "2026-03-10", "next_on": "2026-03-01"},
    ]
    StaffProfile.objects.filter(pk=gone.pk).update(is_active=False)
    response = _post(personas["key_hangzhou"], records)
    assert response.status_code == 400, response.json()
    errors = _errors(response)
    assert errors[0] == {} and response.json()["results"][0]["result"] == "created"
    assert "customer" in errors[1] and "closed" in errors[1]["customer"][0]
    assert "customer_external_id" in errors[2]  # not found in the sender's scope
    assert "channel" in errors[3] and "terminated" in errors[3]["channel"][0]
    assert "on" in errors[4]
    assert "next_on" in errors[5]
    assert "salesperson" in errors[6] and "no longer in service" in errors[6]["salesperson"][0]
    assert "next_step" in errors[7] or "next_on" in errors[7]
    assert response.json()["counts"]["error"] == 7
    assert Visit.objects.count() == 0 and CustomerLastVisit.objects.count() == 0


def test_a_refusal_judged_once_reaches_every_record_of_that_customer(personas, hangzhou):
    Customer.objects.filter(pk=hangzhou["closed"].pk).update(status="closed")
    records = [{"external_id": f"330100-V-{n}", "customer_external_id": "HZ-C-3", "on": f"2026-03-{n + 1:02d}"} for n in range(5)]
    records.append({"external_id": "330100-V-9", "customer_external_id": "HZ-C-1", "on": "2026-03-10"})
    response = _post(personas["key_hangzhou"], records)
    assert response.status_code == 400
    errors = _errors(response)
    assert all("customer" in e for e in errors[:5]) and errors[5] == {}
    assert Visit.objects.count() == 0


def test_each_visitor_of_a_customer_is_judged_on_its_own(personas, hangzhou, units):
    """The same customer with its own salesperson (fine), a salesperson of another district (refused) and again its
    own (fine): the memo of the checks is per (customer, visitor), not per customer."""
    guangzhou = personas["dm_guangzhou"].staff
    records = [
        {"external_id": "330100-V-1", "customer_external_id": "HZ-C-1", "on": "2026-03-10", "salesperson": None},
        {"external_id": "330100-V-2", "customer_external_id": "HZ-C-1", "on": "2026-03-10", "salesperson": guangzhou.pk},
        {
            "external_id": "330100-V-3",
            "customer_external_id": "HZ-C-1",
            "on": "2026-03-11",
            "salesperson_employee_no": personas["rep_hangzhou"].staff.employee_no,
        },
    ]
    response = _post(personas["director"], records)
    assert response.status_code == 400
    errors = _errors(response)
    assert errors[0] == {} and errors[2] == {}
    assert "salesperson" in errors[1] and "does not work over" in errors[1]["salesperson"][0]
    records.pop(1)
    response = _post(personas["director"], records)
    assert response.status_code == 200, response.json()
    assert set(Visit.objects.values_list("salesperson_id", flat=True)) == {personas["rep_hangzhou"].staff.pk}


def test_a_salesperson_records_only_their_own_customers_in_bulk(personas, hangzhou):
    rep = personas["rep_hangzhou"]
    records = [
        {"external_id": "330100-V-1", "customer": hangzhou["key"].pk, "on": "2026-03-10"},
        {"external_id": "330100-V-2", "customer": hangzhou["other"].pk, "on": "2026-03-10"},  # rep_hangzhou_2's
    ]
    response = _post(rep, records)
    assert response.status_code == 400
    errors = _errors(response)
    assert errors[0] == {}
    assert "customer" in errors[1]  # outside a salesperson's own scope: not found
    response = _post(rep, records[:1])
    assert response.status_code == 200
    visit = Visit.objects.get()
    assert visit.salesperson == rep.staff and visit.created_by == rep.user


def test_an_external_id_held_outside_the_scope_cannot_be_used(personas, hangzhou):
    visit_record(by=SYSTEM, customer=hangzhou["foreign"], on=date(2026, 3, 2), external_id="SHARED-1")
    response = _post(
        personas["key_hangzhou"], [{"external_id": "SHARED-1", "customer_external_id": "HZ-C-1", "on": "2026-03-10"}]
    )
    assert response.status_code == 400
    assert "external_id" in _errors(response)[0]
    assert Visit.objects.count() == 1 and Visit.objects.get().customer == hangzhou["foreign"]


def test_new_and_held_records_in_one_batch(personas, hangzhou):
    key = personas["key_hangzhou"]
    first = _post(key, [{"external_id": "330100-V-1", "customer_external_id": "HZ-C-1", "on": "2026-03-01"}])
    assert first.status_code == 200
    records = [
        {"external_id": "330100-V-1", "customer_external_id": "HZ-C-1", "on": "2026-03-05", "notes": "改期"},
        {"external_id": "330100-V-2", "customer_external_id": "HZ-C-2", "on": "2026-03-06"},
        {"external_id": "330100-V-3", "customer_external_id": "HZ-C-1", "on": "2026-03-04"},
    ]
    response = _post(key, records)
    assert response.status_code == 200, response.json()
    assert [row["result"] for row in response.json()["results"]] == ["updated", "created", "created"]
    assert response.json()["results"][0]["id"] == first.json()["results"][0]["id"]
    assert Visit.objects.get(external_id="330100-V-1").notes == "改期"
    last = dict(CustomerLastVisit.objects.values_list("customer_id", "last_on"))
    assert last == {hangzhou["key"].pk: date(2026, 3, 5), hangzhou["other"].pk: date(2026, 3, 6)}


def test_a_visit_in_bulk_holds_what_visit_record_writes(personas, hangzhou):
    values = {
        "on": "2026-03-10",
        "kind": "meeting",
        "participants": "  王经理、李总  ",
        "notes": "介绍年金方案",
        "needs": "短期理财",
        "competitors": "工商银行",
        "next_step": "送方案",
        "next_on": "2026-03-25",
    }
    response = _post(personas["key_hangzhou"], [{"external_id": "330100-V-1", "customer_external_id": "HZ-C-1", **values}])
    assert response.status_code == 200, response.json()
    single = visit_record(
        by=personas["dm_hangzhou"].user,
        customer=hangzhou["key"],
        **{**values, "on": date(2026, 3, 10), "next_on": date(2026, 3, 25)},
    )
    bulk = Visit.objects.get(external_id="330100-V-1")
    columns = ["customer_id", "channel_id", "unit_id", "salesperson_id", "on", "kind", "state", "participants"]
    columns += ["notes", "needs", "competitors", "next_step", "next_on"]
    assert {c: getattr(bulk, c) for c in columns} == {c: getattr(single, c) for c in columns}
    assert bulk.participants == "王经理、李总" and bulk.created_by is None
    assert Task.objects.filter(pk__in=[bulk.task_id, single.task_id]).count() == 2
    assert bulk.created_at == timezone.now()


def _key_customers(units, owner, count, start=0):
    for n in range(start, start + count):
        customer_create(by=SYSTEM, name=f"杭州重点客户{n:03d}有限公司", district=units["330100"], salesperson=owner, is_key=True)


def test_the_coverage_page_shows_50_key_customers_a_page_in_constant_queries(personas, units):
    dm = personas["dm_hangzhou"]
    _key_customers(units, personas["rep_hangzhou"].staff, 10)
    url = reverse("relations:visit_coverage") + f"?unit={units['330100'].pk}"
    client = dm.web()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.content.count(b"data-customer=") == 10 and not response.context["is_paginated"]
    _key_customers(units, personas["rep_hangzhou"].staff, 50, start=10)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few)
    assert response.context["table"]["total"].customers == 60
    assert response.content.count(b"data-customer=") == 50 and response.context["is_paginated"]
    second = client.get(url + "&page=2")
    assert second.content.count(b"data-customer=") == 10
    first_ids = {row.customer_id for row in response.context["shown"]}
    second_ids = {row.customer_id for row in second.context["shown"]}
    assert len(first_ids | second_ids) == 60 and not first_ids & second_ids
    assert b"unit=" in second.content and b"page=1" in second.content  # the pager keeps the unit
