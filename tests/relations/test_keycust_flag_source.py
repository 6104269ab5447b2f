"""Key customers flagged without a decision: branch systems still keep `Customer.is_key` as master data (the
customers' API and bulk upsert accept it), so the key-customer list and API say truthfully when a customer's flag
has no decision on record (set by a branch system or before decisions were recorded — or cleared by a branch system
after a decision), and `?decided=false` finds them. The customers' own form has no key-customer box."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from core.rights import SYSTEM
from customers.models import Customer
from customers.services import customer_create
from relations import services

# As the pages say them (zh-hans is the default language).
UNDECIDED = "由分支机构系统标记或在记录认定之前标记——无认定记录"
CLEARED = "由分支机构系统取消标记——无认定记录"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 5, 20, 4, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _bulk(personas, records):
    response = personas["key_hangzhou"].api(language="en").post(reverse("customer-bulk"), {"records": records}, format="json")
    assert response.status_code == 200, response.json()


@pytest.fixture
def customers(personas, units):
    """A customer a branch system flags key, one designated with a reason, and one designated then cleared by a branch
    system's bulk upsert."""
    _bulk(
        personas,
        [
            {"external_id": "HZ-K1", "name": "杭州分行系统标记公司", "district_code": "330100", "is_key": True},
            {"external_id": "HZ-K3", "name": "杭州分行取消标记公司", "district_code": "330100"},
        ],
    )
    flagged = Customer.objects.get(external_id="HZ-K1")
    decided = customer_create(by=SYSTEM, name="杭州正式认定公司", district=units["330100"])
    services.key_customer_designate(by=personas["dm_hangzhou"].user, customer=decided, reason="年交易额大")
    cleared = Customer.objects.get(external_id="HZ-K3")
    services.key_customer_designate(by=personas["dm_hangzhou"].user, customer=cleared, reason="战略合作")
    _bulk(personas, [{"external_id": "HZ-K3", "name": "杭州分行取消标记公司", "district_code": "330100", "is_key": False}])
    for customer in (flagged, decided, cleared):
        customer.refresh_from_db()
    assert (flagged.is_key, decided.is_key, cleared.is_key) == (True, True, False)
    return {"flagged": flagged, "decided": decided, "cleared": cleared}


def test_the_list_labels_flags_without_a_decision(personas, customers):
    web = personas["dm_hangzhou"].web()
    page = web.get(reverse("relations:keycust_list"))
    assert page.status_code == 200
    rows = {row.pk: row for row in page.context["object_list"]}
    assert {pk: rows[pk].decided for pk in rows} == {
        customers["flagged"].pk: False,
        customers["decided"].pk: True,
        customers["cleared"].pk: False,
    }
    html = page.content.decode()
    assert html.count("data-undecided") == 2 and UNDECIDED in html and CLEARED in html
    undecided = web.get(reverse("relations:keycust_list"), {"decided": "false"}).context["object_list"]
    assert {row.pk for row in undecided} == {customers["flagged"].pk, customers["cleared"].pk}
    decided = web.get(reverse("relations:keycust_list"), {"decided": "true"}).context["object_list"]
    assert [row.pk for row in decided] == [customers["decided"].pk]
    detail = web.get(reverse("relations:keycust_detail", kwargs={"pk": customers["flagged"].pk})).content.decode()
    assert UNDECIDED in detail
    detail = web.get(reverse("relations:keycust_detail", kwargs={"pk": customers["decided"].pk})).content.decode()
    assert "data-undecided" not in detail


def test_the_api_says_whether_a_decision_is_on_record(personas, customers):
    api = personas["dm_hangzhou"].api(language="en")
    rows = {row["id"]: row for row in api.get(reverse("relations-key-customer-list")).json()["results"]}
    assert rows[customers["flagged"].pk]["decision_on_record"] is False
    assert rows[customers["decided"].pk]["decision_on_record"] is True
    assert rows[customers["cleared"].pk]["decision_on_record"] is False
    undecided = api.get(reverse("relations-key-customer-list"), {"decided": "false"}).json()["results"]
    assert {row["id"] for row in undecided} == {customers["flagged"].pk, customers["cleared"].pk}
    # A decision recorded now makes the flag decided.
    services.key_customer_designate(by=personas["dm_hangzhou"].user, customer=customers["cleared"], reason="恢复合作")
    detail = api.get(reverse("relations-key-customer-detail", kwargs={"pk": customers["cleared"].pk})).json()
    assert detail["is_key"] is True and detail["decision_on_record"] is True


def test_the_customers_form_has_no_key_box(personas, customers):
    web = personas["dm_hangzhou"].web()
    customer = customers["decided"]
    url = reverse("customers:customer_edit", kwargs={"pk": customer.pk})
    page = web.get(url)
    assert page.status_code == 200
    assert "is_key" not in page.context["form"].fields and 'name="is_key"' not in page.content.decode()
    assert 'name="is_key"' not in web.get(reverse("customers:customer_create")).content.decode()
    # A forged box is ignored: the flag changes only through a decision.
    form = page.context["form"]
    body = {name: ("" if value is None else value) for name, value in form.initial.items() if name in form.fields}
    body.update({"name": customer.name, "industry": "制造业", "is_key": ""})
    response = web.post(url, body)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    customer.refresh_from_db()
    assert customer.industry == "制造业" and customer.is_key is True
