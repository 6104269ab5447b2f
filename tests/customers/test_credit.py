"""Payments re-pushed with other allocations, what `allocations` null / [] / a list mean, the answer
with the allocations made, customers' credit applied (by the API, the page, the auto-apply policy) and
the list of credit balances. Every figure is checked against a sum computed here from the raw rows."""

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.errors import InvalidInput
from core.rights import SYSTEM
from core.roles import ROLE_TABLE, Role, RoleSpec
from customers import selectors, services
from customers.models import Allocation, AllocationOrigin, Customer, Invoice, Payment
from tests.customers.factories import CustomerFactory

D = Decimal
TODAY = date(2025, 6, 1)


@pytest.fixture(autouse=True)
def _today():
    # "Today" for every posting that defaults to it (re-allocation, credit applied) — never the real date.
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        yield


def _push(client, name, records):
    return client.post(reverse(name), {"records": records}, format="json")


def _open_by_invoice(as_of):
    """{invoice external id: amount − allocations counting on as_of}, from the raw rows."""
    result = {}
    for invoice in Invoice.objects.all():
        allocated = sum(
            (
                a.amount
                for a in Allocation.objects.filter(invoice=invoice)
                if a.allocated_on <= as_of and (a.reversed_on is None or a.reversed_on > as_of)
            ),
            D("0"),
        )
        result[invoice.external_id] = invoice.amount - allocated
    return result


def _assert_balances_exact():
    balances = dict(Customer.objects.values_list("pk", "open_balance"))
    assert balances == services.exposures(list(balances))
    for customer in Customer.objects.all():
        live = sum((i.amount for i in Invoice.objects.filter(customer=customer).exclude(status="cancelled")), D("0"))
        paid = sum((a.amount for a in Allocation.objects.filter(invoice__customer=customer, reversed_on__isnull=True)), D("0"))
        assert customer.open_balance == live - paid


@pytest.fixture
def ledger(personas):
    """杭州: customer C-1 with invoices I-1 (1000, due first) and I-2 (500), and a payment P-1 of 600."""
    client = personas["key_hangzhou"].api()
    assert (
        _push(client, "customer-bulk", [{"external_id": "C-1", "name": "甲公司", "district_code": "330100"}]).status_code == 200
    )
    invoices = [
        {
            "external_id": "I-1",
            "number": "NO-1",
            "customer_external_id": "C-1",
            "issue_date": "2025-01-01",
            "due_date": "2025-02-01",
            "amount": "1000.00",
        },
        {
            "external_id": "I-2",
            "number": "NO-2",
            "customer_external_id": "C-1",
            "issue_date": "2025-01-05",
            "due_date": "2025-03-01",
            "amount": "500.00",
        },
    ]
    assert _push(client, "invoice-bulk", invoices).status_code == 200
    return client


PAYMENT = {"external_id": "P-1", "customer_external_id": "C-1", "received_on": "2025-04-01", "amount": "600.00"}


# ------------------------------------------------------------------------------ item 2: re-push


def test_a_repushed_payment_with_other_allocations_is_reallocated_and_the_ledger_stays_exact(ledger):
    client = ledger
    first = _push(client, "payment-bulk", [{**PAYMENT, "allocations": [{"invoice_external_id": "I-1", "amount": "600.00"}]}])
    assert first.status_code == 200 and first.json()["results"][0]["result"] == "created"
    changed = [
        {"invoice_external_id": "I-2", "amount": "500.00"},
        {"invoice_external_id": "I-1", "amount": "100.00"},
    ]
    response = _push(client, "payment-bulk", [{**PAYMENT, "allocations": changed}])
    assert response.status_code == 200, response.json()
    row = response.json()["results"][0]
    assert row["result"] == "updated"
    assert sorted((a["invoice_external_id"], a["invoice_number"], a["amount"]) for a in row["allocations"]) == [
        ("I-1", "NO-1", "100.00"),
        ("I-2", "NO-2", "500.00"),
    ]
    assert row["unallocated"] == "0.00"
    payment = Payment.objects.get(external_id="P-1")
    # History kept: the old allocation ended today with a reason; the new ones start today.
    old = Allocation.objects.get(payment=payment, reversed_on__isnull=False)
    assert (old.invoice.external_id, old.amount, old.allocated_on, old.reversed_on) == (
        "I-1",
        D("600.00"),
        date(2025, 4, 1),
        TODAY,
    )
    assert old.reverse_reason
    assert set(Allocation.objects.filter(payment=payment, reversed_on__isnull=True).values_list("allocated_on", flat=True)) == {
        TODAY
    }
    # Ageing equals the independent sums, before the re-allocation and after it.
    for as_of, expected in (
        (date(2025, 5, 31), {"I-1": D("400.00"), "I-2": D("500.00")}),
        (TODAY, {"I-1": D("900.00"), "I-2": D("0.00")}),
    ):
        assert _open_by_invoice(as_of) == expected
        report = selectors.ageing(invoices=Invoice.objects.all(), as_of=as_of, group_by="invoice")
        assert {row["code"]: row["total"] for row in report.rows} == {k: v for k, v in expected.items() if v}
        assert report.totals["total"] == sum(expected.values())
    paid = Invoice.objects.get(external_id="I-2")
    assert paid.status == "paid"
    # The change of status is in the invoice's history, with the door and the key that caused it.
    (change,) = paid.history.filter(history_type="~")
    assert (change.status, change.history_door, change.history_api_key_id is not None) == ("paid", "api", True)
    _assert_balances_exact()
    assert Customer.objects.get(external_id="C-1").open_balance == D("900.00")


def test_an_identical_repush_in_another_order_is_unchanged_and_writes_nothing(ledger):
    client = ledger
    allocations = [{"invoice_external_id": "I-1", "amount": "300.00"}, {"invoice_external_id": "I-2", "amount": "200.00"}]
    assert _push(client, "payment-bulk", [{**PAYMENT, "allocations": allocations}]).status_code == 200
    payment = Payment.objects.get(external_id="P-1")
    counts = (Allocation.objects.count(), payment.history.count(), Customer.objects.get(external_id="C-1").balance_changed_at)
    same = [
        {"invoice_external_id": "I-2", "amount": "200.00"},
        {"invoice_external_id": "I-1", "amount": "100.00"},
        {"invoice_external_id": "I-1", "amount": "200.00"},  # split, same sum per invoice
    ]
    for record in ({**PAYMENT, "allocations": same}, PAYMENT, {**PAYMENT, "allocations": None}):
        response = _push(client, "payment-bulk", [record])
        row = response.json()["results"][0]
        assert row["result"] == "unchanged", record
        assert row["unallocated"] == "100.00"
    assert (
        Allocation.objects.count(),
        payment.history.count(),
        Customer.objects.get(external_id="C-1").balance_changed_at,
    ) == counts


def test_an_empty_list_keeps_the_whole_payment_as_credit_and_a_bad_one_is_an_error(ledger):
    client = ledger
    assert _push(client, "payment-bulk", [PAYMENT]).json()["results"][0]["allocations"][0]["invoice_external_id"] == "I-1"
    response = _push(client, "payment-bulk", [{**PAYMENT, "allocations": []}])
    row = response.json()["results"][0]
    assert (row["result"], row["allocations"], row["unallocated"]) == ("updated", [], "600.00")
    _assert_balances_exact()
    before = Allocation.objects.count()
    response = _push(client, "payment-bulk", [{**PAYMENT, "allocations": [{"invoice_external_id": "I-2", "amount": "600.00"}]}])
    assert response.status_code == 400
    row = response.json()["results"][0]
    assert row["result"] == "error" and "allocations" in row["errors"]
    assert Allocation.objects.count() == before
    _assert_balances_exact()


def test_a_reversed_payment_keeps_its_allocations(ledger):
    client = ledger
    record = {**PAYMENT, "allocations": [{"invoice_external_id": "I-1", "amount": "600.00"}], "reversed_reason": "退票"}
    assert _push(client, "payment-bulk", [record]).status_code == 200
    assert _push(client, "payment-bulk", [record]).json()["results"][0]["result"] == "unchanged"
    other = {**record, "allocations": [{"invoice_external_id": "I-2", "amount": "100.00"}]}
    response = _push(client, "payment-bulk", [other])
    assert response.status_code == 400 and "allocations" in response.json()["results"][0]["errors"]


# ---------------------------------------------------------------------- item 3: the single create


def test_a_single_payment_answers_the_allocations_made_and_the_credit_left(ledger):
    client = ledger
    url = reverse("payment-list")
    customer = Customer.objects.get(external_id="C-1")
    body = {"customer": customer.pk, "received_on": "2025-04-01", "amount": "1200.00"}
    response = client.post(url, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert [(a["invoice_external_id"], a["amount"]) for a in data["allocations"]] == [("I-1", "1000.00"), ("I-2", "200.00")]
    assert data["unallocated"] == "0.00"
    response = client.post(url, {**body, "amount": "50.00", "allocations": []}, format="json")
    assert (response.json()["allocations"], response.json()["unallocated"]) == ([], "50.00")


def test_the_schema_documents_null_and_empty_allocations(personas):
    response = personas["director"].api().get(reverse("api-schema"), {"format": "json"})
    schema = response.json()["components"]["schemas"]
    assert "`[]` keeps the whole payment as credit" in schema["PaymentWriteRequest"]["properties"]["allocations"]["description"]
    assert "unallocated" in schema["PaymentRecorded"]["properties"]
    assert "allocations" in schema["BulkRowResult"]["properties"]


# --------------------------------------------------------------------------- item 4: apply credit


def _credit_customer(client):
    """C-1 with a payment of 600 kept as credit, and both invoices open."""
    assert _push(client, "payment-bulk", [{**PAYMENT, "allocations": []}]).status_code == 200
    return Customer.objects.get(external_id="C-1")


def test_apply_credit_oldest_due_first_and_explicitly(ledger):
    customer = _credit_customer(ledger)
    url = reverse("customer-apply-credit", kwargs={"pk": customer.pk})
    response = ledger.post(url, {"allocations": [{"invoice_external_id": "I-2", "amount": "100.00"}]}, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["applied"], data["credit"], data["open_balance"]) == ("100.00", "500.00", "1400.00")
    assert [(a["invoice_external_id"], a["payment_external_id"], a["amount"]) for a in data["allocations"]] == [
        ("I-2", "P-1", "100.00")
    ]
    response = ledger.post(url, {}, format="json")
    data = response.json()
    assert [(a["invoice_external_id"], a["amount"]) for a in data["allocations"]] == [("I-1", "500.00")]
    assert (data["applied"], data["credit"], data["open_balance"]) == ("500.00", "0.00", "900.00")
    assert _open_by_invoice(TODAY) == {"I-1": D("500.00"), "I-2": D("400.00")}
    assert set(Allocation.objects.values_list("origin", flat=True)) == {AllocationOrigin.CREDIT}
    _assert_balances_exact()
    # Nothing left: more than the credit is refused, naming the field; nothing written.
    response = ledger.post(url, {"allocations": [{"invoice_external_id": "I-2", "amount": "1.00"}]}, format="json")
    assert response.status_code == 400 and "allocations" in response.json()["errors"]
    assert Allocation.objects.count() == 2
    # A re-push of the payment as it was (credit) is unchanged: credit applied later is not "changed".
    assert _push(ledger, "payment-bulk", [{**PAYMENT, "allocations": []}]).json()["results"][0]["result"] == "unchanged"


def test_apply_credit_scope_and_right(ledger, personas, monkeypatch):
    customer = _credit_customer(ledger)
    url = reverse("customer-apply-credit", kwargs={"pk": customer.pk})
    assert personas["key_guangdong"].api().post(url, {}, format="json").status_code == 404
    assert personas["dm_guangzhou"].api().post(url, {}, format="json").status_code == 404
    page = reverse("customers:customer_credit_apply", kwargs={"pk": customer.pk})
    assert personas["dm_guangzhou"].web().post(page).status_code == 404
    # In scope without the payment right: 403, nothing applied (the one role table decides).
    spec = ROLE_TABLE[Role.DISTRICT_MANAGER]
    monkeypatch.setitem(
        ROLE_TABLE, Role.DISTRICT_MANAGER, RoleSpec(sees=spec.sees, may=spec.may - {"payment.change"}, home=spec.home)
    )
    assert personas["dm_hangzhou"].api().post(url, {}, format="json").status_code == 403
    assert personas["dm_hangzhou"].web().post(page).status_code == 403
    assert not Allocation.objects.exists()


def test_apply_credit_on_the_customer_page(ledger, personas):
    customer = _credit_customer(ledger)
    client = personas["dm_hangzhou"].web()
    detail = client.get(reverse("customers:customer_detail", kwargs={"pk": customer.pk}))
    assert detail.context["credit_form"] is not None
    response = client.post(reverse("customers:customer_credit_apply", kwargs={"pk": customer.pk}), {"on": ""})
    assert response.status_code == 302
    assert _open_by_invoice(TODAY) == {"I-1": D("400.00"), "I-2": D("500.00")}
    _assert_balances_exact()
    assert "credit_form" not in client.get(reverse("customers:customer_detail", kwargs={"pk": customer.pk})).context


@pytest.mark.parametrize("policy", [True, False])
def test_the_auto_apply_policy_on_a_new_invoice_single_and_bulk(ledger, personas, settings, policy):
    settings.CREDIT_AUTO_APPLY = policy
    customer = _credit_customer(ledger)  # 600 of credit; I-1 and I-2 open (1,500)
    response = ledger.post(
        reverse("invoice-list"),
        {"customer": customer.pk, "external_id": "I-3", "issue_date": "2025-05-01", "due_date": "2025-05-31", "amount": "100.00"},
        format="json",
    )
    assert response.status_code == 201
    expected = (
        {"I-1": D("400.00"), "I-2": D("500.00"), "I-3": D("100.00")}
        if policy
        else {"I-1": D("1000.00"), "I-2": D("500.00"), "I-3": D("100.00")}
    )
    assert _open_by_invoice(TODAY) == expected
    _assert_balances_exact()
    # The bulk path: the credit left (none, or all) goes oldest due first; a customer without credit pays nothing.
    other = CustomerFactory(external_id="C-2")
    assert (
        _push(
            ledger,
            "payment-bulk",
            [
                {
                    "external_id": "P-2",
                    "customer_external_id": "C-1",
                    "received_on": "2025-05-01",
                    "amount": "50.00",
                    "allocations": [],
                }
            ],
        ).status_code
        == 200
    )
    records = [
        {
            "external_id": "I-4",
            "customer_external_id": "C-1",
            "issue_date": "2025-05-02",
            "due_date": "2025-06-02",
            "amount": "10.00",
        },
        {
            "external_id": "I-5",
            "customer_external_id": other.external_id,
            "issue_date": "2025-05-02",
            "due_date": "2025-06-02",
            "amount": "10.00",
        },
    ]
    assert _push(ledger, "invoice-bulk", records).status_code == 200
    open_now = _open_by_invoice(TODAY)
    assert open_now["I-1"] == (D("350.00") if policy else D("1000.00"))
    assert open_now["I-5"] == D("10.00")
    _assert_balances_exact()


def test_auto_apply_costs_one_query_for_a_batch_without_credit(personas, settings):
    client = personas["key_hangzhou"].api()
    customers = [{"external_id": f"Q-{n}", "name": f"客户{n}", "district_code": "330100"} for n in range(5)]
    assert _push(client, "customer-bulk", customers).status_code == 200

    def queries(policy, prefix):
        settings.CREDIT_AUTO_APPLY = policy
        records = [
            {
                "external_id": f"{prefix}-{n}",
                "customer_external_id": f"Q-{n}",
                "issue_date": "2025-05-02",
                "due_date": "2025-06-02",
                "amount": "10.00",
            }
            for n in range(5)
        ]
        with CaptureQueriesContext(connection) as ctx:
            assert _push(client, "invoice-bulk", records).status_code == 200
        return len(ctx.captured_queries)

    assert queries(True, "ON") == queries(False, "OFF") + 1


# ------------------------------------------------------------------------ item 20: credit balances


def test_credit_balances_list_is_exact_scoped_filtered_and_constant_in_queries(ledger, personas, units):
    client = ledger
    _credit_customer(client)  # C-1: open 1,500, credit 600
    Customer.objects.filter(external_id="C-1").update(credit_limit=D("1000.00"))
    gz = CustomerFactory(district=units["440100"], external_id="GZ-1")
    services.invoice_record(by=SYSTEM, customer=gz, issue_date=date(2025, 1, 1), due_date=date(2025, 2, 1), amount=D("5.00"))
    url = reverse("creditbalance-list")
    rows = client.get(url).json()["results"]
    assert [
        (r["external_id"], r["district_code"], r["open_balance"], r["credit"], r["credit_limit"], r["over_limit"]) for r in rows
    ] == [("C-1", "330100", "1500.00", "600.00", "1000.00", True)]
    director = personas["director"].api()
    everyone = {r["external_id"] for r in director.get(url, {"page_size": 1000}).json()["results"]}
    assert {"C-1", "GZ-1"} <= everyone
    for params, expected in (
        ({"unit_code": "330000"}, {"C-1"}),
        ({"unit_code": "440100"}, {"GZ-1"}),
        ({"district_code": "440100"}, {"GZ-1"}),
        ({"external_id": "C-1,GZ-1,nope"}, {"C-1", "GZ-1"}),
        ({"over_limit": "true", "external_id": "C-1,GZ-1"}, {"C-1"}),
        ({"has_credit": "true", "external_id": "C-1,GZ-1"}, {"C-1"}),
        ({"updated_since": "2999-01-01T00:00:00Z"}, set()),
    ):
        assert {r["external_id"] for r in director.get(url, params).json()["results"]} == expected, params
    assert (
        personas["key_guangdong"]
        .api()
        .get(reverse("creditbalance-detail", kwargs={"pk": Customer.objects.get(external_id="C-1").pk}))
        .status_code
        == 404
    )

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert director.get(url, {"page_size": 1000}).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(6):
        customer = CustomerFactory(external_id=f"MORE-{n}")
        services.payment_record(by=SYSTEM, customer=customer, received_on=date(2025, 1, 1), amount=D("1.00"))
    assert count() == few


# ------------------------------------------------------------------------------ item 19: unit codes


def test_units_by_code_in_ageing_and_lists(ledger, personas, units):
    client = personas["director"].api()
    by_id = client.get(reverse("report-ageing"), {"unit": units["330000"].pk, "as_of": "2025-06-30"}).json()
    by_code = client.get(reverse("report-ageing"), {"unit_code": "330000", "as_of": "2025-06-30"}).json()
    assert by_code == by_id
    assert by_code["unit_code"] == "330000"
    assert [(row["code"], row["total"]) for row in by_code["rows"]] == [("330100", "1500.00")]
    assert by_code["totals"]["code"] is None
    assert client.get(reverse("report-ageing"), {"unit_code": "nope"}).status_code == 404
    assert personas["key_hangzhou"].api().get(reverse("report-ageing"), {"unit_code": "440100"}).status_code == 404
    assert client.get(reverse("report-ageing"), {"unit_code": "330000", "unit": units["330000"].pk}).status_code == 400
    # Rows that name a unit carry its code too.
    assert {row["district_code"] for row in client.get(reverse("invoice-list"), {"unit_code": "330100"}).json()["results"]} == {
        "330100"
    }
    for name, code, count in (("customer-list", "330100", 1), ("invoice-list", "330000", 2), ("invoice-list", "440000", 0)):
        assert len(client.get(reverse(name), {"unit_code": code}).json()["results"]) == count, (name, code)


# ------------------------------------------------------------------------------------ concurrency


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_reallocation_credit_apply_and_payments_racing_never_over_allocate():
    """Twenty rounds: a re-allocation, a credit application and an oldest-due-first payment of one
    customer at once. The customer's row lock serialises them: no invoice and no payment is ever
    allocated beyond its amount, and the kept balance equals the ledger."""
    import threading

    from regions.models import OrgUnit
    from regions.services import load_default_organisation

    load_default_organisation(by=SYSTEM)  # transactional tests flush the database
    customer = services.customer_create(by=SYSTEM, name="并发余款客户", district=OrgUnit.objects.get(code="330100"))
    invoices = [
        services.invoice_record(
            by=SYSTEM, customer=customer, issue_date=date(2025, 1, 1), due_date=date(2025, 2, n), amount=D("100")
        ).invoice
        for n in range(1, 4)
    ]
    credit = services.payment_record(by=SYSTEM, customer=customer, received_on=date(2025, 1, 5), amount=D("150"), allocations=[])
    target = services.payment_record(by=SYSTEM, customer=customer, received_on=date(2025, 1, 5), amount=D("80"), allocations=[])
    for n in range(20):
        barrier = threading.Barrier(3)

        def run(action, barrier=barrier):
            try:
                barrier.wait()
                action()
            except InvalidInput:
                pass  # a refusal (nothing left to allocate) writes nothing
            finally:
                connection.close()

        pick = invoices[n % 3]
        actions = [
            lambda pick=pick, n=n: services.payment_reallocate(
                by=SYSTEM, payment=target, allocations=[{"invoice": pick, "amount": D("80")}] if n % 2 else [], reason="重新核销"
            ),
            lambda: services.customer_credit_apply(by=SYSTEM, customer=customer, on=TODAY),
            lambda: services.payment_record(by=SYSTEM, customer=customer, received_on=date(2025, 1, 6), amount=D("7")),
        ]
        threads = [threading.Thread(target=run, args=(action,)) for action in actions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        live = Allocation.objects.filter(reversed_on__isnull=True)
        for invoice in invoices:
            assert sum((a.amount for a in live.filter(invoice=invoice)), D("0")) <= invoice.amount
        for payment in Payment.objects.all():
            assert sum((a.amount for a in live.filter(payment=payment)), D("0")) <= payment.amount
        _assert_balances_exact()
    assert credit.allocations.exists()


def test_patch_a_payment_with_other_allocations(ledger, personas):
    client = ledger
    assert (
        _push(
            client, "payment-bulk", [{**PAYMENT, "allocations": [{"invoice_external_id": "I-1", "amount": "600.00"}]}]
        ).status_code
        == 200
    )
    payment = Payment.objects.get(external_id="P-1")
    url = reverse("payment-detail", kwargs={"pk": payment.pk})
    response = client.patch(
        url, {"reference": "银行流水 9", "allocations": [{"invoice_external_id": "I-2", "amount": "250.00"}]}, format="json"
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["reference"] == "银行流水 9" and data["unallocated"] == "350.00"
    live = [(a["invoice_external_id"], a["amount"]) for a in data["allocations"] if a["reversed_on"] is None]
    ended = [(a["invoice_external_id"], a["reverse_reason"] != "") for a in data["allocations"] if a["reversed_on"]]
    assert (live, ended) == ([("I-2", "250.00")], [("I-1", True)])
    _assert_balances_exact()
    # The amount is fixed while allocated (409 naming the field); out of scope 404.
    response = client.patch(url, {"amount": "700.00"}, format="json")
    assert response.status_code == 409 and "amount" in response.json()["errors"]
    assert personas["key_guangdong"].api().patch(url, {"reference": "x"}, format="json").status_code == 404
