"""The batch write path: `field__any`, rows inserted from tuples with their history copied by the
database, and invoice_record_many against invoice_record (the one-at-a-time rules it must keep)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.audit import Door, audit_door, insert_audited
from core.errors import InvalidInput
from core.rights import SYSTEM
from customers import services
from customers.models import Customer, Invoice
from tests.customers.factories import CustomerFactory, InvoiceFactory, ProductFactory, ProductPriceFactory

D = Decimal


@pytest.fixture
def customers(units):
    return [CustomerFactory(external_id=f"C-{n}", credit_limit=D("10000.00")) for n in range(3)]


def test_any_selects_what_in_selects(customers):
    ids = [c.pk for c in customers]
    assert set(Customer.objects.filter(pk__any=ids + [ids[0], None]).values_list("pk", flat=True)) == set(ids)
    assert set(Customer.objects.filter(external_id__any=["C-0", "C-2", "nobody"]).values_list("external_id", flat=True)) == {
        "C-0",
        "C-2",
    }
    InvoiceFactory(customer=customers[1])
    assert list(Invoice.objects.filter(customer_id__any=[customers[1].pk]).values_list("customer_id", flat=True)) == [
        customers[1].pk
    ]
    assert Invoice.objects.filter(customer__any=[customers[0].pk]).count() == 0
    with CaptureQueriesContext(connection) as queries:
        assert list(Customer.objects.filter(pk__any=[])) == []
    assert len(queries) == 0  # an empty list asks the database nothing, like __in


def test_any_refuses_a_query(customers):
    with pytest.raises(TypeError):
        list(Customer.objects.filter(pk__any=Customer.objects.values("pk")))


def test_insert_audited_writes_rows_with_defaults_and_their_history(customers, personas):
    customer = customers[0]
    rows = [
        (f"X-{n}", "", customer.pk, customer.district_id, None, date(2026, 1, n + 1), date(2026, 2, 1), D(f"{n + 1}00.25"), False)
        for n in range(3)
    ]
    columns = (
        "external_id",
        "number",
        "customer_id",
        "district_id",
        "salesperson_id",
        "issue_date",
        "due_date",
        "amount",
        "over_credit_limit",
    )
    user = personas["dm_hangzhou"].user
    with audit_door(Door.API, user=user, api_key_id=7, detail="batch"):
        ids = insert_audited(Invoice, columns, rows)
    invoices = {i.pk: i for i in Invoice.objects.filter(pk__in=ids)}
    # Ids come back in the order of the rows; the fields not given take their defaults.
    assert [invoices[pk].external_id for pk in ids] == ["X-0", "X-1", "X-2"]
    assert [invoices[pk].amount for pk in ids] == [D("100.25"), D("200.25"), D("300.25")]
    assert all(i.status == "open" and i.cancel_reason == "" and i.created_at is not None for i in invoices.values())
    for pk in ids:
        (history,) = Invoice.history.filter(id=pk)
        invoice = invoices[pk]
        assert (history.history_type, history.history_door, history.history_api_key_id, history.history_detail) == (
            "+",
            "api",
            7,
            "batch",
        )
        assert history.history_user_id == user.pk
        assert (history.amount, history.issue_date, history.customer_id, history.status, history.created_at) == (
            invoice.amount,
            invoice.issue_date,
            invoice.customer_id,
            invoice.status,
            invoice.created_at,
        )


def _record(customer, n, **extra):
    return {
        "customer": customer,
        "issue_date": date(2026, 3, 1),
        "due_date": date(2026, 3, 31),
        "amount": D("4000.00"),
        "external_id": f"B-{n}",
        **extra,
    }


def test_a_batch_gives_what_one_at_a_time_gives(customers, settings):
    settings.CREDIT_LIMIT_POLICY = "flag"
    product = ProductFactory()
    ProductPriceFactory(product=product, price=D("250.00"), effective_from=date(2026, 1, 1))
    records = [
        _record(customers[0], 0),
        _record(customers[0], 1, amount=Decimal("4000")),  # no cents written: the general path
        _record(customers[0], 2, number="NO-2"),  # takes customer 0 to 12,000: over its limit
        _record(customers[1], 3, amount=None, lines=[{"product": product, "quantity": D("2")}]),
    ]
    results = services.invoice_record_many(by=SYSTEM, records=records)
    assert [r.over_credit_limit for r in results] == [False, False, True, False]
    assert [r.exposure for r in results] == [D("4000.00"), D("8000.00"), D("12000.00"), D("500.00")]
    by_id = {i.pk: i for i in Invoice.objects.filter(pk__in=[r.id for r in results])}
    assert [by_id[r.id].external_id for r in results] == ["B-0", "B-1", "B-2", "B-3"]
    assert by_id[results[2].id].number == "NO-2" and by_id[results[2].id].over_credit_limit
    assert by_id[results[3].id].amount == D("500.00")
    assert [(line.product_id, line.amount) for line in by_id[results[3].id].lines.all()] == [(product.pk, D("500.00"))]
    assert results[0].invoice == by_id[results[0].id]  # built on demand
    # The same invoices one at a time: the same flags and exposures.
    singles = [
        services.invoice_record(by=SYSTEM, **{**record, "external_id": f"S-{n}", "customer": customers[2]})
        for n, record in enumerate(records[:3])
    ]
    assert [(s.over_credit_limit, s.exposure) for s in singles] == [(r.over_credit_limit, r.exposure) for r in results[:3]]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"amount": D("1.005")}, "amount"),
        ({"amount": D("-5.00")}, "amount"),
        ({"due_date": date(2026, 2, 1)}, "due_date"),
        ({"number": " padded "}, None),  # stripped by the general path, not refused
        ({"external_id": "x" * 65}, "external_id"),
        ({"external_id": "bad\x00id"}, "external_id"),
    ],
)
def test_a_batch_refuses_what_one_at_a_time_refuses(customers, change, field):
    record = _record(customers[0], 0, **change)
    single_error = None
    try:
        services.invoice_record(by=SYSTEM, **{**record, "external_id": record["external_id"]})
    except InvalidInput as error:
        single_error = error
    if field is None:
        assert single_error is None
        (result,) = services.invoice_record_many(by=SYSTEM, records=[{**record, "external_id": "B-x"}])
        assert Invoice.objects.get(pk=result.id).number == "padded"
        return
    assert single_error is not None and single_error.field == field
    with pytest.raises(services.BatchInvalid) as batch:
        services.invoice_record_many(by=SYSTEM, records=[record])
    assert batch.value.errors[0].field == field


def test_a_taken_external_id_is_refused_unless_the_caller_checked(customers):
    InvoiceFactory(customer=customers[0], external_id="B-0")
    with pytest.raises(services.BatchInvalid) as batch:
        services.invoice_record_many(by=SYSTEM, records=[_record(customers[0], 0)])
    assert batch.value.errors[0].field == "external_id"
    with CaptureQueriesContext(connection) as checked:
        services.invoice_record_many(by=SYSTEM, records=[_record(customers[0], 9)], external_ids_checked=True)
    assert not any("external_id" in q["sql"] and q["sql"].lstrip().startswith("SELECT") for q in checked.captured_queries)
