"""Bulk upserts: keyed by external_id, all or nothing, a repeated push changes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from customers.models import Allocation, Customer, Invoice, Payment
from tests.customers.factories import CustomerFactory, ProductFactory, ProductPriceFactory

D = Decimal


def _customers(n, district_code="330100"):
    return [
        {
            "external_id": f"C-{i}",
            "name": f"批量客户{i}有限公司",
            "district_code": district_code,
            "credit_limit": "10000.00",
            "contacts": [{"name": f"联系人{i}", "phone": "0571-1"}],
        }
        for i in range(n)
    ]


def _invoices(n):
    return [
        {
            "external_id": f"I-{i}",
            "customer_external_id": f"C-{i % 3}",
            "issue_date": "2025-01-01",
            "due_date": "2025-02-01",
            "amount": f"{100 + i}.50",
        }
        for i in range(n)
    ]


def _push(client, name, records):
    return client.post(reverse(name), {"records": records}, format="json")


def test_same_batch_three_times_gives_one_row_each(personas):
    client = personas["key_hangzhou"].api()
    customers, invoices = _customers(3), _invoices(5)
    payments = [
        {"external_id": "P-0", "customer_external_id": "C-0", "received_on": "2025-02-01", "amount": "50.00"},
        {
            "external_id": "P-1",
            "customer_external_id": "C-1",
            "received_on": "2025-02-01",
            "amount": "30.00",
            "allocations": [{"invoice_external_id": "I-1", "amount": "30.00"}],
        },
    ]
    for attempt in range(3):
        expected = "created" if attempt == 0 else "unchanged"
        for name, records in (("customer-bulk", customers), ("invoice-bulk", invoices), ("payment-bulk", payments)):
            response = _push(client, name, records)
            assert response.status_code == 200, response.content
            body = response.json()
            assert body["written"] is True
            assert [row["result"] for row in body["results"]] == [expected] * len(records), body
            assert all(row["id"] for row in body["results"])
    assert Customer.objects.filter(external_id__startswith="C-").count() == 3
    assert Invoice.objects.filter(external_id__startswith="I-").count() == 5
    assert Payment.objects.count() == 2
    assert Allocation.objects.count() == 2
    # A repeated push writes nothing: no history beyond the creation.
    assert all(customer.history.count() == 1 for customer in Customer.objects.all())
    assert all(invoice.history.count() == 1 for invoice in Invoice.objects.filter(external_id="I-0"))


def test_changed_customers_are_updated_and_reported(personas):
    client = personas["key_hangzhou"].api()
    records = _customers(2)
    _push(client, "customer-bulk", records)
    records[1]["credit_limit"] = "20000"
    records[1]["contacts"] = [{"name": "新联系人"}]
    records.append({"external_id": "C-new", "name": "新客户", "district_code": "330100"})
    body = _push(client, "customer-bulk", records).json()
    assert [row["result"] for row in body["results"]] == ["unchanged", "updated", "created"]
    assert body["counts"] == {"created": 1, "updated": 1, "unchanged": 1, "error": 0}
    changed = Customer.objects.get(external_id="C-1")
    assert changed.credit_limit == D("20000.00")
    assert list(changed.contacts.values_list("name", flat=True)) == ["新联系人"]
    assert changed.history.count() == 2


def test_one_bad_row_writes_nothing_and_names_the_row_and_field(personas):
    client = personas["key_hangzhou"].api()
    records = _customers(4)
    records[2]["credit_limit"] = "1.001"
    records[3]["district_code"] = "440100"  # outside the key's unit: does not exist for it
    response = _push(client, "customer-bulk", records)
    assert response.status_code == 400
    body = response.json()
    assert body["written"] is False
    results = body["results"]
    assert [row["result"] for row in results] == ["created", "created", "error", "error"]
    assert "credit_limit" in results[2]["errors"] and "district_code" in results[3]["errors"]
    assert results[3]["external_id"] == "C-3" and results[3]["index"] == 3
    assert all(row["id"] is None for row in results)
    assert not Customer.objects.filter(external_id__startswith="C-").exists()


def test_a_service_error_in_a_late_row_rolls_back_the_earlier_rows(personas):
    client = personas["key_hangzhou"].api()
    _push(client, "customer-bulk", _customers(1))
    records = [
        {
            "external_id": "I-ok",
            "customer_external_id": "C-0",
            "issue_date": "2025-01-01",
            "due_date": "2025-02-01",
            "amount": "10",
        },
        {
            "external_id": "P-bad",
            "customer_external_id": "C-0",
            "received_on": "2025-02-01",
            "amount": "10",
            "allocations": [{"invoice_external_id": "I-ok", "amount": "10"}],
        },
    ]
    assert _push(client, "invoice-bulk", records[:1]).status_code == 200
    # Allocating beyond the invoice's balance is found by the service, at write time.
    payments = [
        {"external_id": "P-1", "customer_external_id": "C-0", "received_on": "2025-02-01", "amount": "5"},
        {**records[1], "allocations": [{"invoice_external_id": "I-ok", "amount": "8"}]},
    ]
    response = _push(client, "payment-bulk", payments)
    assert response.status_code == 400, response.content
    results = response.json()["results"]
    assert results[0]["result"] == "created" and results[1]["result"] == "error"
    assert "allocations" in results[1]["errors"]
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"records": []}, "records"),
        ({"records": "x"}, "records"),
        ({}, "records"),
        ({"records": [{}], "extra": 1}, "extra"),
        ({"records": [{"external_id": str(i)} for i in range(1001)]}, "records"),
    ],
)
def test_bad_envelopes(personas, body, field):
    response = personas["key_hangzhou"].api().post(reverse("customer-bulk"), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"name": "甲", "district_code": "330100"}, "external_id"),
        ({"external_id": "X", "district_code": "330100"}, "name"),
        ({"external_id": "X", "name": "甲"}, "district"),
        ({"external_id": "X", "name": "甲", "district_code": "330100", "credit_code": "91350100M000100Y44"}, "credit_code"),
        ({"external_id": "X", "name": "甲", "district_code": "330100", "vip": True}, "vip"),
        (
            {"external_id": "X", "name": "甲", "district_code": "330100", "salesperson_employee_no": "NOPE"},
            "salesperson_employee_no",
        ),
        ({"external_id": "X", "name": "甲", "district": 10**9}, "district"),
        ("not an object", "non_field_errors"),
    ],
)
def test_bad_customer_rows(personas, record, field):
    response = _push(personas["key_hangzhou"].api(), "customer-bulk", [record])
    assert response.status_code == 400
    assert field in response.json()["results"][0]["errors"], response.json()


def test_duplicate_external_ids_in_one_request(personas):
    records = _customers(2)
    records[1]["external_id"] = "C-0"
    response = _push(personas["key_hangzhou"].api(), "customer-bulk", records)
    assert response.status_code == 400
    assert "external_id" in response.json()["results"][1]["errors"]


def test_an_external_id_outside_the_scope_is_not_taken_over(personas, units):
    CustomerFactory(district=units["440100"], external_id="C-0")
    response = _push(personas["key_hangzhou"].api(), "customer-bulk", _customers(1))
    assert response.status_code == 400
    assert "external_id" in response.json()["results"][0]["errors"]
    assert Customer.objects.get(external_id="C-0").district == units["440100"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"due_date": "2024-12-01"}, "due_date"),
        ({"amount": "-1"}, "amount"),
        ({"amount": "1.001"}, "amount"),
        ({"customer_external_id": "NOPE"}, "customer_external_id"),
        ({"amount": None, "lines": [{"product_code": "NOPE", "quantity": "1"}]}, "lines"),
        ({"amount": None, "lines": [{"product_code": "FP", "quantity": "1", "colour": "red"}]}, "lines"),
        ({"issue_date": "2025-02-30"}, "issue_date"),
    ],
)
def test_bad_invoice_rows(personas, change, field):
    client = personas["key_hangzhou"].api()
    _push(client, "customer-bulk", _customers(1))
    ProductFactory(code="FP")
    record = {**_invoices(1)[0], **change}
    record = {key: value for key, value in record.items() if value is not None}
    response = _push(client, "invoice-bulk", [record])
    assert response.status_code == 400, response.content
    assert field in response.json()["results"][0]["errors"], response.json()
    assert not Invoice.objects.exists()


def test_invoice_lines_cancellation_and_conflicting_changes(personas):
    client = personas["key_hangzhou"].api()
    _push(client, "customer-bulk", _customers(1))
    product = ProductFactory(code="FP")
    ProductPriceFactory(product=product, price=D("25.00"), effective_from=date(2024, 1, 1))
    record = {
        "external_id": "I-L",
        "customer_external_id": "C-0",
        "issue_date": "2025-01-01",
        "due_date": "2025-02-01",
        "lines": [{"product_code": "FP", "quantity": "4"}],
    }
    assert _push(client, "invoice-bulk", [record]).json()["results"][0]["result"] == "created"
    assert Invoice.objects.get(external_id="I-L").amount == D("100.00")
    assert _push(client, "invoice-bulk", [record]).json()["results"][0]["result"] == "unchanged"

    # Paid in part: its lines can no longer change — the row says why.
    payment = {
        "external_id": "P-L",
        "customer_external_id": "C-0",
        "received_on": "2025-01-15",
        "amount": "40",
        "allocations": [{"invoice_external_id": "I-L", "amount": "40"}],
    }
    assert _push(client, "payment-bulk", [payment]).status_code == 200
    changed = {**record, "lines": [{"product_code": "FP", "quantity": "5"}]}
    response = _push(client, "invoice-bulk", [changed])
    assert response.status_code == 400
    message = response.json()["results"][0]["errors"]["amount"][0]
    assert "I-L" in message
    changed_payment = {**payment, "amount": "45"}
    response = _push(client, "payment-bulk", [changed_payment])
    assert response.status_code == 400 and "amount" in response.json()["results"][0]["errors"]

    # Cancellation through the bulk push: the payment must be reversed first.
    reversed_payment = {**payment, "reversed_reason": "退票"}
    assert _push(client, "payment-bulk", [reversed_payment]).json()["results"][0]["result"] == "updated"
    assert _push(client, "payment-bulk", [reversed_payment]).json()["results"][0]["result"] == "unchanged"
    cancelled = {**record, "cancelled_reason": "作废"}
    assert _push(client, "invoice-bulk", [cancelled]).json()["results"][0]["result"] == "updated"
    invoice = Invoice.objects.get(external_id="I-L")
    assert invoice.status == "cancelled" and invoice.cancel_reason == "作废"
    assert _push(client, "invoice-bulk", [cancelled]).json()["results"][0]["result"] == "unchanged"


def test_bulk_needs_the_right(personas):
    assert _push(personas["key_hangzhou"].api(), "customer-bulk", _customers(1)).status_code == 200
    response = personas["rep_hangzhou"].api().post(reverse("collectionplan-list"), {}, format="json")
    assert response.status_code == 400  # reps may plan collections; the body is what is wrong
    from rest_framework.test import APIClient

    assert APIClient().post(reverse("invoice-bulk"), {"records": []}, format="json").status_code == 401


def test_rep_bulk_customers_are_their_own(personas):
    rep = personas["rep_hangzhou"]
    response = _push(rep.api(), "customer-bulk", _customers(1))
    assert response.status_code == 200, response.content
    assert Customer.objects.get(external_id="C-0").salesperson == rep.staff


def test_a_credit_refusal_in_an_invoice_batch_names_the_row_and_writes_nothing(personas, settings):
    settings.CREDIT_LIMIT_POLICY = "refuse"
    client = personas["key_hangzhou"].api()
    assert _push(client, "customer-bulk", _customers(3)).status_code == 200
    records = _invoices(3)
    # C-1's limit is 10,000.00: this row alone would take it over.
    records[1]["amount"] = "10000.01"
    response = _push(client, "invoice-bulk", records)
    assert response.status_code == 400, response.content
    results = response.json()["results"]
    assert [r["result"] for r in results] == ["created", "error", "created"]
    assert "amount" in results[1]["errors"] and results[0]["id"] is None
    assert not Invoice.objects.exists()


def test_a_batch_of_invoices_checks_credit_cumulatively_and_keeps_the_audit_trail(personas, settings):
    settings.CREDIT_LIMIT_POLICY = "flag"
    client = personas["key_hangzhou"].api()
    assert _push(client, "customer-bulk", _customers(1)).status_code == 200
    records = [{**r, "customer_external_id": "C-0", "amount": "4000.00"} for r in _invoices(3)]
    response = _push(client, "invoice-bulk", records)
    assert response.status_code == 200, response.content
    flags = list(Invoice.objects.order_by("external_id").values_list("external_id", "over_credit_limit"))
    # 4,000 + 4,000 stays within 10,000; the third takes the customer to 12,000.
    assert flags == [("I-0", False), ("I-1", False), ("I-2", True)]
    history = Invoice.history.filter(external_id="I-2").get()
    assert history.history_door == "api" and history.history_api_key_id == personas["key_hangzhou"].api_key.pk


def test_a_resent_invoice_or_payment_with_new_data_is_updated_unless_allocated(personas):
    client = personas["key_hangzhou"].api()
    assert _push(client, "customer-bulk", _customers(1)).status_code == 200
    records = [{**r, "customer_external_id": "C-0"} for r in _invoices(2)]
    assert _push(client, "invoice-bulk", records).status_code == 200
    # A payment allocated to I-0 only.
    payment = {
        "external_id": "P-1",
        "customer_external_id": "C-0",
        "received_on": "2025-02-01",
        "amount": "100.50",
        "allocations": [{"invoice_external_id": "I-0", "amount": "100.50"}],
    }
    assert _push(client, "payment-bulk", [payment]).status_code == 200

    changed = [{**records[0], "amount": "99.00"}, {**records[1], "amount": "555.55", "due_date": "2025-03-01"}]
    response = _push(client, "invoice-bulk", changed)
    assert response.status_code == 400
    assert [r["result"] for r in response.json()["results"]] == ["error", "updated"]
    assert Invoice.objects.get(external_id="I-1").amount == D("101.50")  # all or nothing: not written

    response = _push(client, "invoice-bulk", changed[1:])
    assert response.status_code == 200 and response.json()["results"][0]["result"] == "updated"
    invoice = Invoice.objects.get(external_id="I-1")
    assert (invoice.amount, invoice.due_date) == (D("555.55"), date(2025, 3, 1))
    assert invoice.history.count() == 2
    assert _push(client, "invoice-bulk", changed[1:]).json()["results"][0]["result"] == "unchanged"

    # The allocated payment keeps its amount; its reference may change.
    response = _push(client, "payment-bulk", [{**payment, "amount": "50.00"}])
    assert response.status_code == 400 and "amount" in response.json()["results"][0]["errors"]
    response = _push(client, "payment-bulk", [{**payment, "reference": "BK-2"}])
    assert response.status_code == 200 and response.json()["results"][0]["result"] == "updated"
    assert Payment.objects.get(external_id="P-1").reference == "BK-2"


FAST_CASES = [
    {"external_id": "I-1", "customer_external_id": "C-0", "issue_date": "2025-01-01", "due_date": "2025-02-01", "amount": "100"},
    {
        "external_id": "I-2",
        "customer_external_id": "C-0",
        "issue_date": "2025-01-01",
        "due_date": "2025-01-01",
        "amount": "0.5",
        "number": "",
    },
    {
        "external_id": "I-3",
        "customer_external_id": "C-0",
        "issue_date": "2024-02-29",
        "due_date": "2024-03-01",
        "amount": "9999999999999999.99",
        "number": "FP-1",
    },
    # A sale through a channel, named by the branch's id for it (or explicitly none).
    {
        "external_id": "I-1",
        "customer_external_id": "C-0",
        "issue_date": "2025-01-01",
        "due_date": "2025-02-01",
        "amount": "1.00",
        "channel_external_id": "CH-1",
    },
    {
        "external_id": "I-1",
        "customer_external_id": "C-0",
        "issue_date": "2025-01-01",
        "due_date": "2025-02-01",
        "amount": "1.00",
        "channel_external_id": None,
    },
]
SLOW_CASES = [
    {"external_id": " I-1", "customer_external_id": "C-0", "issue_date": "2025-01-01", "due_date": "2025-02-01", "amount": "100"},
    {"external_id": "I-1", "customer_external_id": "C-0", "issue_date": "2025-02-30", "due_date": "2025-03-01", "amount": "1"},
    {"external_id": "I-1", "customer_external_id": "C-0", "issue_date": "2025-01-01", "due_date": "2024-12-31", "amount": "1"},
    {
        "external_id": "I-1",
        "customer_external_id": "C-0",
        "issue_date": "2025-01-01",
        "due_date": "2025-02-01",
        "amount": "1.001",
    },
    {"external_id": "I-1", "customer_external_id": "C-0", "issue_date": "2025-01-01", "due_date": "2025-02-01", "amount": "0.00"},
    {"external_id": "I-1", "customer_external_id": "C-0", "issue_date": "2025-01-01", "due_date": "2025-02-01", "amount": 100},
    {"external_id": "I\x00", "customer_external_id": "C-0", "issue_date": "2025-01-01", "due_date": "2025-02-01", "amount": "1"},
    {"external_id": "I-1", "customer": 5, "issue_date": "2025-01-01", "due_date": "2025-02-01", "amount": "1"},
    {
        "external_id": "I-1",
        "customer_external_id": "C-0",
        "issue_date": "2025-01-01",
        "due_date": "2025-02-01",
        "amount": "1",
        "x": 1,
    },
    {
        "external_id": "I-1",
        "customer_external_id": "C-0",
        "issue_date": "2025-01-01",
        "due_date": "2025-02-01",
        "amount": "1",
        "channel_external_id": " CH-1",
    },
    {
        "external_id": "I-1",
        "customer_external_id": "C-0",
        "issue_date": "2025-01-01",
        "due_date": "2025-02-01",
        "amount": "1",
        "channel": 3,
    },
]


@pytest.mark.parametrize("raw", FAST_CASES)
def test_the_fast_path_gives_what_the_serializer_gives(raw, rf, personas):
    from customers.api.bulk import InvoiceBulk, InvoiceBulkRow

    request = rf.post("/")
    request.user = personas["key_hangzhou"].user
    fast = InvoiceBulk(request=request).fast_validate(raw)
    assert fast is not None
    assert fast == dict(InvoiceBulkRow(context={"request": request}).run_validation(raw))


@pytest.mark.parametrize("raw", SLOW_CASES)
def test_anything_unusual_goes_to_the_serializer(raw, rf):
    from customers.api.bulk import InvoiceBulk

    request = rf.post("/")
    request.user = None
    assert InvoiceBulk(request=request).fast_validate(raw) is None
