"""The branch-system API of customers, products, invoices, payments, collection plans and ageing:
happy paths, every kind of bad input answered with a 400 naming the field, scope on every reference."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.rights import SYSTEM
from customers import services
from customers.models import Allocation, CollectionPlan, Customer, FollowUp, Invoice, Payment
from tests.customers.factories import CustomerFactory, InvoiceFactory, PaymentFactory, ProductFactory, ProductPriceFactory

D = Decimal
VALID_CODE = "91350100M000100Y43"  # a real-shaped code with the right check character
WRONG_CHECK = "91350100M000100Y44"


@pytest.fixture
def hangzhou_customer(units, personas):
    return CustomerFactory(
        district=units["330100"], salesperson=personas["rep_hangzhou"].staff, external_id="HZ-C1", credit_limit="5000"
    )


@pytest.fixture
def guangzhou_customer(units):
    return CustomerFactory(district=units["440100"], external_id="GZ-C1")


# ------------------------------------------------------------------------------------------ customers


def test_key_creates_a_customer_by_district_code_with_contacts(personas, units):
    client = personas["key_hangzhou"].api()
    body = {
        "external_id": "CRM-001",
        "name": "杭州银行",
        "district_code": "330100",
        "credit_code": VALID_CODE.lower(),
        "credit_limit": "100000.00",
        "is_key": True,
        "contacts": [{"name": "王经理", "phone": "0571-1234", "is_primary": True}],
    }
    response = client.post(reverse("customer-list"), body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["district"] == units["330100"].pk and data["district_code"] == "330100"
    assert data["credit_code"] == VALID_CODE and data["name_initials"] == "hzyh"
    assert data["credit_limit"] == "100000.00"
    assert [c["name"] for c in data["contacts"]] == ["王经理"]
    customer = Customer.objects.get(external_id="CRM-001")
    assert customer.history.first().history_api_key_id == personas["key_hangzhou"].api_key.pk

    detail = client.get(reverse("customer-detail", kwargs={"pk": customer.pk}))
    assert detail.status_code == 200 and detail.json()["contacts"][0]["phone"] == "0571-1234"


def test_partial_update_changes_only_given_fields_and_keeps_history(personas, hangzhou_customer):
    client = personas["dm_hangzhou"].api()
    url = reverse("customer-detail", kwargs={"pk": hangzhou_customer.pk})
    response = client.patch(url, {"industry": "金融", "credit_limit": "8000"}, format="json")
    assert response.status_code == 200, response.content
    hangzhou_customer.refresh_from_db()
    assert hangzhou_customer.industry == "金融" and hangzhou_customer.credit_limit == D("8000.00")
    assert hangzhou_customer.name.startswith("测试客户")
    assert hangzhou_customer.history.count() == 2
    assert hangzhou_customer.history.first().history_user == personas["dm_hangzhou"].user


def test_rep_creates_customers_as_their_own(personas, units):
    rep = personas["rep_hangzhou"]
    response = rep.api().post(reverse("customer-list"), {"name": "西湖茶业", "district": units["330100"].pk}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["salesperson"] == rep.staff.pk
    # ...and only in their own district office: another one "does not exist" for them.
    response = rep.api().post(reverse("customer-list"), {"name": "宁波港", "district_code": "330200"}, format="json")
    assert response.status_code == 400 and "district_code" in response.json()["errors"]


def test_key_of_hangzhou_cannot_write_or_read_in_guangzhou(personas, units, guangzhou_customer):
    client = personas["key_hangzhou"].api()
    before = Customer.objects.count()
    response = client.post(reverse("customer-list"), {"name": "越秀贸易", "district_code": "440100"}, format="json")
    assert response.status_code == 400 and "district_code" in response.json()["errors"]
    response = client.post(reverse("customer-list"), {"name": "越秀贸易", "district": units["440100"].pk}, format="json")
    assert response.status_code == 400 and "district" in response.json()["errors"]
    assert Customer.objects.count() == before

    invoice = InvoiceFactory(customer=guangzhou_customer)
    assert client.get(reverse("invoice-detail", kwargs={"pk": invoice.pk})).status_code == 404
    ids = [row["id"] for row in client.get(reverse("invoice-list")).json()["results"]]
    assert invoice.pk not in ids
    # An invoice for the 广州 customer: the customer "does not exist" for this key; nothing is written.
    body = {"customer": guangzhou_customer.pk, "issue_date": "2025-01-01", "due_date": "2025-02-01", "amount": "10.00"}
    response = client.post(reverse("invoice-list"), body, format="json")
    assert response.status_code == 400 and "customer" in response.json()["errors"]
    body = {"customer_external_id": "GZ-C1", "issue_date": "2025-01-01", "due_date": "2025-02-01", "amount": "10.00"}
    response = client.post(reverse("invoice-list"), body, format="json")
    assert response.status_code == 400 and "customer_external_id" in response.json()["errors"]
    assert Invoice.objects.filter(customer=guangzhou_customer).count() == 1
    # ...nor change the 广州 customer, nor see its balance.
    url = reverse("customer-detail", kwargs={"pk": guangzhou_customer.pk})
    assert client.patch(url, {"industry": "x"}, format="json").status_code == 404
    assert client.get(reverse("customer-balance", kwargs={"pk": guangzhou_customer.pk})).status_code == 404


def test_a_customer_belongs_to_a_district_office(personas, units):
    body = {"name": "甲", "district": units["330000"].pk}
    response = personas["pm_zhejiang"].api().post(reverse("customer-list"), body, format="json")
    assert response.status_code == 400 and "district" in response.json()["errors"]


def test_key_of_guangdong_province_writes_in_guangzhou(personas, units):
    response = (
        personas["key_guangdong"]
        .api()
        .post(reverse("customer-list"), {"name": "越秀贸易", "district_code": "440100"}, format="json")
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "甲", "district_code": "330100", "colour": "red"}, "colour"),
        ({"name": "甲", "district_code": "330100", "is_key": "maybe"}, "is_key"),
        ({"name": "甲", "district_code": "330100", "credit_limit": "-1"}, "credit_limit"),
        ({"name": "甲", "district_code": "330100", "credit_limit": "1.005"}, "credit_limit"),
        ({"name": "甲", "district_code": "330100", "credit_limit": 1.005}, "credit_limit"),
        ({"name": "甲", "district_code": "330100", "credit_limit": "lots"}, "credit_limit"),
        ({"name": "甲", "district_code": "330100", "credit_code": WRONG_CHECK}, "credit_code"),
        ({"name": "甲", "district_code": "330100", "credit_code": "123"}, "credit_code"),
        ({"name": "甲\x00乙", "district_code": "330100"}, "name"),
        ({"name": "甲", "district_code": "330100", "address": "路\x00"}, "address"),
        ({"name": "甲", "district_code": "330100", "contacts": [{"name": "王\x00"}]}, "contacts"),
        ({"name": "甲", "district_code": "330100", "contacts": [{"name": "王", "fax": "1"}]}, "contacts"),
        ({"name": "甲", "district_code": "330100", "kind": "alien"}, "kind"),
        ({"name": "甲"}, "district"),
        ({"name": "甲", "district_code": "999999"}, "district_code"),
        ({"name": "甲", "district": "abc"}, "district"),
        ({"district_code": "330100"}, "name"),
        ({"name": "甲", "district_code": "330000"}, "district_code"),  # above the key's unit: outside its scope
    ],
)
def test_bad_customer_input_is_a_400_naming_the_field(personas, body, field):
    before = Customer.objects.count()
    response = personas["key_hangzhou"].api().post(reverse("customer-list"), body, format="json")
    assert response.status_code == 400, response.content
    data = response.json()
    assert field in data["errors"], data
    assert data["code"] == "invalid"
    assert Customer.objects.count() == before


def test_malformed_json_and_wrong_body_types_are_400(personas):
    client = personas["key_hangzhou"].api()
    response = client.post(reverse("customer-list"), '{"name": "甲", ', content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    response = client.post(reverse("customer-list"), "[1, 2]", content_type="application/json")
    assert response.status_code == 400 and "non_field_errors" in response.json()["errors"]


def test_builtin_messages_are_in_chinese_by_default_and_english_on_request(personas):
    body = {"district_code": "330100"}
    response = personas["key_hangzhou"].api().post(reverse("customer-list"), body, format="json")
    assert response.json()["errors"]["name"] == ["该字段是必填项。"]
    response = personas["key_hangzhou"].api(language="en").post(reverse("customer-list"), body, format="json")
    assert response.json()["errors"]["name"] == ["This field is required."]


def test_writes_need_the_right(personas, hangzhou_customer):
    url = reverse("customer-detail", kwargs={"pk": hangzhou_customer.pk})
    # rep_hangzhou owns this customer and may change it; rep_hangzhou_2 does not even see it.
    assert personas["rep_hangzhou"].api().patch(url, {"city": "杭州"}, format="json").status_code == 200
    assert personas["rep_hangzhou_2"].api().patch(url, {"city": "杭州"}, format="json").status_code == 404
    # An API key may not create collection plans (people chase payments).
    body = {"customer": hangzhou_customer.pk, "lines": [{"due_on": "2025-05-01", "amount": "10"}]}
    assert personas["key_hangzhou"].api().post(reverse("collectionplan-list"), body, format="json").status_code == 403
    assert APIClient().get(reverse("customer-list")).status_code == 401


def test_balance_action(personas, hangzhou_customer):
    InvoiceFactory(customer=hangzhou_customer, amount=D("1000.00"), issue_date=date(2025, 1, 1))
    PaymentFactory(customer=hangzhou_customer, amount=D("1200.00"), received_on=date(2025, 2, 1))
    url = reverse("customer-balance", kwargs={"pk": hangzhou_customer.pk})
    data = personas["dm_hangzhou"].api().get(url, {"as_of": "2025-03-01"}).json()
    assert data["invoiced"] == "1000.00" and data["allocated"] == "1000.00" and data["open"] == "0.00"
    assert data["credit"] == "200.00" and data["credit_limit"] == "5000.00" and data["as_of"] == "2025-03-01"
    data = personas["dm_hangzhou"].api().get(url, {"as_of": "2025-01-15"}).json()
    assert data["open"] == "1000.00" and data["credit"] == "0.00"
    response = personas["dm_hangzhou"].api().get(url, {"as_of": "15/01/2025"})
    assert response.status_code == 400 and "as_of" in response.json()["errors"]


def test_customer_search_by_name_initials_and_credit_code(personas, units):
    services.customer_create(by=SYSTEM, name="杭州银行", district=units["330100"], credit_code=VALID_CODE)
    services.customer_create(by=SYSTEM, name="西湖茶业", district=units["330100"])
    client = personas["dm_hangzhou"].api()

    def names(**params):
        return {row["name"] for row in client.get(reverse("customer-list"), params).json()["results"]}

    assert names(q="杭州") == {"杭州银行"}
    assert names(q="HZ") == {"杭州银行"}
    assert names(q="xhc") == {"西湖茶业"}
    assert names(q=VALID_CODE[:8].lower()) == {"杭州银行"}
    assert names(unit=units["330000"].pk) == {"杭州银行", "西湖茶业"}
    assert names(unit=units["440000"].pk) == set()


# ---------------------------------------------------------------------------------------- products


def test_products_need_a_login_and_show_the_current_price(personas):
    product = ProductFactory(code="FP-1")
    ProductPriceFactory(product=product, price=D("100.00"), effective_from=date(2020, 1, 1))
    ProductPriceFactory(product=product, price=D("120.00"), effective_from=timezone.localdate() - timedelta(days=1))
    ProductPriceFactory(product=product, price=D("999.00"), effective_from=timezone.localdate() + timedelta(days=30))
    assert APIClient().get(reverse("product-list")).status_code == 401
    data = personas["key_guangdong"].api().get(reverse("product-detail", kwargs={"pk": product.pk})).json()
    assert data["current_price"] == "120.00"
    assert [p["price"] for p in data["prices"]] == ["999.00", "120.00", "100.00"]
    # Products are kept by the Development Center (tests/customers/test_products.py): others get 403.
    assert personas["rep_hangzhou"].api().post(reverse("product-list"), {"code": "x"}, format="json").status_code == 403


# ---------------------------------------------------------------------------------------- invoices


def test_invoice_by_lines_with_list_price_and_credit_check(personas, hangzhou_customer):
    product = ProductFactory(code="FP-9")
    ProductPriceFactory(product=product, price=D("2000.00"), effective_from=date(2024, 1, 1))
    body = {
        "external_id": "INV-1",
        "customer_external_id": "HZ-C1",
        "issue_date": "2025-01-10",
        "due_date": "2025-02-10",
        "lines": [{"product_code": "FP-9", "quantity": "2"}, {"product": product.pk, "quantity": "0.5", "unit_price": "100"}],
    }
    response = personas["key_hangzhou"].api().post(reverse("invoice-list"), body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["amount"] == "4050.00" and len(data["lines"]) == 2
    assert data["over_credit_limit"] is False and data["exposure"] == "4050.00" and data["credit_limit"] == "5000.00"
    assert data["salesperson"] == personas["rep_hangzhou"].staff.pk

    body = {"customer": hangzhou_customer.pk, "issue_date": "2025-01-11", "due_date": "2025-02-11", "amount": "1000"}
    data = personas["key_hangzhou"].api().post(reverse("invoice-list"), body, format="json").json()
    assert data["over_credit_limit"] is True and data["exposure"] == "5050.00"
    assert Invoice.objects.get(pk=data["id"]).over_credit_limit


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"due_date": "2024-12-31"}, "due_date"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "10.001"}, "amount"),
        ({"amount": "12345678901234567.00"}, "amount"),
        ({"amount": True}, "amount"),
        ({"issue_date": "2025-13-01"}, "issue_date"),
        ({"issue_date": 20250101}, "issue_date"),
        ({"customer": 10**9}, "customer"),
        ({"customer": None, "customer_external_id": "NOPE"}, "customer_external_id"),
        ({"amount": None, "lines": [{"product_code": "NOPE", "quantity": "1"}]}, "lines"),
        ({"amount": None, "lines": [{"product": 10**9, "quantity": "1"}]}, "lines"),
        ({"amount": None, "lines": [{"product_code": "FP-1", "quantity": "-1"}]}, "lines"),
        ({"amount": None, "lines": []}, "lines"),
        ({"amount": None}, "amount"),
        ({"number": "A\x00"}, "number"),
        ({"discount": "5"}, "discount"),
    ],
)
def test_bad_invoice_input_is_a_400_naming_the_field(personas, hangzhou_customer, change, field):
    ProductFactory(code="FP-1")
    body = {"customer": hangzhou_customer.pk, "issue_date": "2025-01-01", "due_date": "2025-02-01", "amount": "10.00"}
    body.update(change)
    body = {key: value for key, value in body.items() if value is not None}
    response = personas["key_hangzhou"].api().post(reverse("invoice-list"), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert not Invoice.objects.exists()


def test_cancel_an_invoice_with_a_reason(personas, hangzhou_customer):
    invoice = InvoiceFactory(customer=hangzhou_customer)
    client = personas["key_hangzhou"].api()
    url = reverse("invoice-cancel", kwargs={"pk": invoice.pk})
    response = client.post(url, {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    response = client.post(url, {"reason": "重复开票", "on": "2025-01-05"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled" and response.json()["cancel_reason"] == "重复开票"
    assert client.post(url, {"reason": "again"}, format="json").status_code == 409


def test_invoice_filters(personas, hangzhou_customer, guangzhou_customer):
    today = timezone.localdate()
    overdue = InvoiceFactory(
        customer=hangzhou_customer, issue_date=today - timedelta(days=60), due_date=today - timedelta(days=30)
    )
    current = InvoiceFactory(
        customer=hangzhou_customer, issue_date=today - timedelta(days=5), due_date=today + timedelta(days=25)
    )
    paid = InvoiceFactory(customer=hangzhou_customer, issue_date=today - timedelta(days=90), due_date=today - timedelta(days=60))
    PaymentFactory(
        customer=hangzhou_customer,
        amount=paid.amount,
        received_on=today,
        allocations=[{"invoice": paid.pk, "amount": paid.amount}],
    )
    far = InvoiceFactory(customer=guangzhou_customer, issue_date=today - timedelta(days=60), due_date=today - timedelta(days=30))
    client = personas["director"].api()

    def ids(**params):
        return {row["id"] for row in client.get(reverse("invoice-list"), {**params, "page_size": 100}).json()["results"]}

    assert ids(overdue="true") == {overdue.pk, far.pk}
    assert ids(overdue="true", unit=personas["dm_hangzhou"].staff.unit_id) == {overdue.pk}
    assert ids(overdue="false", customer=hangzhou_customer.pk) == {current.pk, paid.pk}
    assert ids(status="paid") == {paid.pk}
    assert ids(issue_date_after=str(today - timedelta(days=60)), issue_date_before=str(today - timedelta(days=1))) == {
        overdue.pk,
        current.pk,
        far.pk,
    }
    assert ids(due_date_before=str(today - timedelta(days=45))) == {paid.pk}
    assert ids(salesperson=personas["rep_hangzhou"].staff.pk) == {overdue.pk, current.pk, paid.pk}
    assert ids(q="测试客户", customer_external_id="GZ-C1") == {far.pk}
    response = client.get(reverse("invoice-list"), {"issue_date_after": "yesterday"})
    assert response.status_code == 400 and "issue_date_after" in response.json()["errors"]


# ---------------------------------------------------------------------------------------- payments


def test_payment_with_allocations_by_external_id_and_reverse(personas, hangzhou_customer):
    first = InvoiceFactory(customer=hangzhou_customer, external_id="INV-A", amount=D("300.00"), issue_date=date(2025, 1, 1))
    second = InvoiceFactory(customer=hangzhou_customer, external_id="INV-B", amount=D("500.00"), issue_date=date(2025, 1, 2))
    client = personas["key_hangzhou"].api()
    body = {
        "external_id": "PAY-1",
        "customer_external_id": "HZ-C1",
        "received_on": "2025-02-01",
        "amount": "600.00",
        "allocations": [{"invoice_external_id": "INV-B", "amount": "500"}, {"invoice": first.pk, "amount": "50"}],
    }
    response = client.post(reverse("payment-list"), body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert {(a["invoice"], a["amount"]) for a in data["allocations"]} == {(second.pk, "500.00"), (first.pk, "50.00")}
    second.refresh_from_db()
    assert second.status == "paid"

    response = client.post(reverse("payment-reverse", kwargs={"pk": data["id"]}), {"reason": "退票"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "reversed"
    second.refresh_from_db()
    assert second.status == "open"


def test_payment_without_allocations_goes_oldest_due_first(personas, hangzhou_customer):
    older = InvoiceFactory(
        customer=hangzhou_customer, amount=D("300.00"), issue_date=date(2025, 1, 1), due_date=date(2025, 1, 31)
    )
    newer = InvoiceFactory(customer=hangzhou_customer, amount=D("300.00"), issue_date=date(2025, 1, 2), due_date=date(2025, 3, 1))
    body = {"customer": hangzhou_customer.pk, "received_on": "2025-02-01", "amount": "400"}
    response = personas["dm_hangzhou"].api().post(reverse("payment-list"), body, format="json")
    assert response.status_code == 201
    allocated = dict(Allocation.objects.filter(payment_id=response.json()["id"]).values_list("invoice_id", "amount"))
    assert allocated == {older.pk: D("300.00"), newer.pk: D("100.00")}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"allocations": [{"invoice": "INV", "amount": "2000"}]}, "allocations"),  # beyond the balance
        ({"allocations": [{"invoice": "INV", "amount": "0.001"}]}, "allocations"),
        ({"allocations": [{"invoice": 10**9, "amount": "1"}]}, "allocations"),
        ({"allocations": [{"invoice_external_id": "NOPE", "amount": "1"}]}, "allocations"),
        ({"allocations": [{"amount": "1"}]}, "allocations"),
        ({"amount": "-1"}, "amount"),
        ({"amount": "1.234"}, "amount"),
        ({"received_on": "tomorrow"}, "received_on"),
        ({"method": "bitcoin"}, "method"),
        ({"reference": "\x00"}, "reference"),
        ({"payer": "x"}, "payer"),
    ],
)
def test_bad_payment_input_is_a_400_naming_the_field(personas, hangzhou_customer, change, field):
    invoice = InvoiceFactory(customer=hangzhou_customer, amount=D("1000.00"))
    for item in change.get("allocations", ()):
        if item.get("invoice") == "INV":
            item["invoice"] = invoice.pk
    body = {"customer": hangzhou_customer.pk, "received_on": "2025-02-01", "amount": "3000", **change}
    response = personas["key_hangzhou"].api().post(reverse("payment-list"), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert not Payment.objects.exists()


# -------------------------------------------------------------------------------- collection plans


def test_collection_plan_and_follow_up(personas, hangzhou_customer):
    invoice = InvoiceFactory(customer=hangzhou_customer)
    client = personas["rep_hangzhou"].api()
    body = {"customer": hangzhou_customer.pk, "invoice": invoice.pk, "lines": [{"due_on": "2025-03-01", "amount": "400"}]}
    response = client.post(reverse("collectionplan-list"), body, format="json")
    assert response.status_code == 201, response.content
    plan_id = response.json()["id"]
    assert response.json()["owner"] == personas["rep_hangzhou"].staff.pk
    response = client.post(
        reverse("collectionplan-follow-ups", kwargs={"pk": plan_id}), {"note": "电话催收，答应月底付"}, format="json"
    )
    assert response.status_code == 201
    assert [f["note"] for f in response.json()["follow_ups"]] == ["电话催收，答应月底付"]
    assert FollowUp.objects.get(plan_id=plan_id).by == personas["rep_hangzhou"].staff
    response = client.post(reverse("collectionplan-follow-ups", kwargs={"pk": plan_id}), {"note": ""}, format="json")
    assert response.status_code == 400 and "note" in response.json()["errors"]
    response = client.post(
        reverse("collectionplan-list"), {**body, "lines": [{"due_on": "2025-03-01", "amount": "-4"}]}, format="json"
    )
    assert response.status_code == 400 and "lines" in response.json()["errors"]
    assert CollectionPlan.objects.count() == 1


# -------------------------------------------------------------------------------------------- ageing


def test_ageing_report(personas, units, hangzhou_customer, guangzhou_customer):
    InvoiceFactory(customer=hangzhou_customer, amount=D("100.00"), issue_date=date(2025, 1, 1), due_date=date(2025, 1, 31))
    InvoiceFactory(customer=guangzhou_customer, amount=D("70.00"), issue_date=date(2025, 1, 1), due_date=date(2025, 1, 31))
    url = reverse("report-ageing")
    data = personas["rm_east"].api().get(url, {"as_of": "2025-03-15"}).json()
    assert data["unit"] == units["HD"].pk and data["by"] == "province"
    assert data["totals"]["total"] == "100.00" and data["totals"]["buckets"]["d31_60"] == "100.00"
    assert [row["key"] for row in data["rows"]] == [units["330000"].pk]

    data = personas["director"].api().get(url, {"as_of": "2025-03-15", "unit": units["440000"].pk, "by": "customer"}).json()
    assert [(row["key"], row["total"]) for row in data["rows"]] == [(guangzhou_customer.pk, "70.00")]

    response = personas["rm_east"].api().get(url, {"unit": units["440000"].pk})
    assert response.status_code == 404
    response = personas["rm_east"].api().get(url, {"as_of": "2025-02-30"})
    assert response.status_code == 400 and "as_of" in response.json()["errors"]
    response = personas["rm_east"].api().get(url, {"by": "planet"})
    assert response.status_code == 400 and "by" in response.json()["errors"]

    response = personas["key_hangzhou"].api().get(url, {"as_of": "2025-03-15", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


def test_ageing_buckets_and_total_of_a_rep_cover_only_their_own(personas, units, hangzhou_customer):
    other = CustomerFactory(district=units["330100"], salesperson=personas["rep_hangzhou_2"].staff)
    InvoiceFactory(customer=hangzhou_customer, amount=D("100.00"), issue_date=date(2025, 1, 1), due_date=date(2025, 1, 31))
    InvoiceFactory(customer=other, amount=D("900.00"), issue_date=date(2025, 1, 1), due_date=date(2025, 1, 31))
    data = personas["rep_hangzhou"].api().get(reverse("report-ageing"), {"as_of": "2025-03-15"}).json()
    assert data["totals"]["total"] == "100.00"
    assert sum(D(v) for v in data["totals"]["buckets"].values()) == D("100.00")


# ---------------------------------------------------------------------------------- query counts


@pytest.mark.parametrize("name", ["customer-list", "invoice-list", "payment-list", "collectionplan-list", "product-list"])
def test_list_queries_do_not_grow_with_rows(personas, units, name):
    product = ProductFactory()
    ProductPriceFactory(product=product)

    def grow(n):
        for _ in range(n):
            customer = CustomerFactory(
                district=units["330100"], salesperson=personas["rep_hangzhou"].staff, contacts=[{"name": "王"}, {"name": "李"}]
            )
            invoice = services.invoice_record(
                by=SYSTEM,
                customer=customer,
                issue_date=date(2025, 1, 1),
                due_date=date(2025, 2, 1),
                lines=[{"product": product, "quantity": 1}],
            ).invoice
            PaymentFactory(customer=customer, amount=D("50.00"))
            plan = services.collection_plan_create(
                by=SYSTEM,
                customer=customer,
                invoice=invoice,
                owner=personas["rep_hangzhou"].staff,
                lines=[{"due_on": date(2025, 3, 1), "amount": 1}],
            )
            services.collection_plan_follow_up(by=personas["rep_hangzhou"].user, plan=plan, note="已联系")
            ProductPriceFactory(product=ProductFactory())

    client = personas["dm_hangzhou"].api()
    grow(1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(name), {"page_size": 10}).status_code == 200
    grow(6)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse(name), {"page_size": 10})
    assert len(response.json()["results"]) >= 7
    assert len(small) == len(large), [q["sql"] for q in large.captured_queries]
