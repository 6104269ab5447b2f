"""The ledger: customers, invoices, payments, allocations, reversals, credit and collection plans."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import override_settings
from django.utils import translation

from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM
from customers import selectors, services
from customers.models import Allocation, Contact, Customer, Invoice, InvoiceLine, Payment
from tests.customers.factories import (
    CustomerFactory,
    InvoiceFactory,
    PaymentFactory,
    ProductFactory,
    ProductPriceFactory,
    StaffFactory,
)

D = Decimal


def _invoice(customer, issued, due, amount, **kwargs):
    return services.invoice_record(
        by=SYSTEM, customer=customer, issue_date=issued, due_date=due, amount=D(amount), **kwargs
    ).invoice


def _allocated(invoice):
    return sum((a.amount for a in invoice.allocations.filter(reversed_on__isnull=True)), D("0"))


# ------------------------------------------------------------------------------------------ customers


def test_customer_create_sets_initials_and_contacts(units):
    rep = StaffFactory(unit=units["330100"])
    customer = services.customer_create(
        by=SYSTEM,
        name="杭州银行",
        district=units["330100"],
        salesperson=rep,
        credit_code="91350100m000100y43",
        credit_limit="500000",
        contacts=[{"name": "王经理", "phone": "0571-1234", "is_primary": True}],
    )
    assert customer.name_initials == "hzyh"
    assert customer.credit_code == "91350100M000100Y43"
    assert customer.credit_limit == D("500000.00")
    assert list(Contact.objects.filter(customer=customer).values_list("name", "is_primary")) == [("王经理", True)]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"credit_code": "91350100M000100Y44"}, "credit_code"),
        ({"credit_limit": "-1"}, "credit_limit"),
        ({"credit_limit": "1.005"}, "credit_limit"),
        ({"name": "  "}, "name"),
        ({"kind": "alien"}, "kind"),
        ({"contacts": [{"title": "no name"}]}, "contacts"),
    ],
)
def test_customer_create_refuses_bad_input(units, kwargs, field):
    before = Customer.objects.count()
    with pytest.raises(InvalidInput) as info:
        services.customer_create(by=SYSTEM, **{"name": "某公司", "district": units["330100"], **kwargs})
    assert info.value.field == field
    assert Customer.objects.count() == before


def test_customer_district_must_be_a_district_and_salesperson_sit_there(units):
    with pytest.raises(InvalidInput) as info:
        services.customer_create(by=SYSTEM, name="某公司", district=units["330000"])
    assert info.value.field == "district"
    guangzhou_rep = StaffFactory(unit=units["440100"])
    with pytest.raises(InvalidInput) as info:
        services.customer_create(by=SYSTEM, name="某公司", district=units["330100"], salesperson=guangzhou_rep)
    assert info.value.field == "salesperson"


def test_duplicate_credit_code_is_a_conflict(units):
    CustomerFactory(credit_code="91440300708461136T")
    with pytest.raises(Conflict) as info:
        CustomerFactory(credit_code="91440300708461136t")
    assert info.value.field == "credit_code"


def test_customer_update_keeps_history_and_checks_salesperson(units):
    customer = CustomerFactory(name="旧名称")
    services.customer_update(by=SYSTEM, customer=customer, name="杭州银行", credit_limit="1000.00")
    customer.refresh_from_db()
    assert customer.name_initials == "hzyh"
    assert [h.name for h in customer.history.order_by("history_id")] == ["旧名称", "杭州银行"]
    # Nothing changed → no new history row.
    services.customer_update(by=SYSTEM, customer=customer, name="杭州银行")
    assert customer.history.count() == 2
    # Moving to Guangzhou with a Hangzhou salesperson is refused.
    services.customer_update(by=SYSTEM, customer=customer, salesperson=StaffFactory(unit=units["330100"]))
    with pytest.raises(InvalidInput) as info:
        services.customer_update(by=SYSTEM, customer=customer, district=units["440100"])
    assert info.value.field == "salesperson"
    with pytest.raises(InvalidInput) as info:
        services.customer_update(by=SYSTEM, customer=customer, history="x")
    assert info.value.field == "history"


# ------------------------------------------------------------------------------------------ invoices


def test_invoice_with_lines_uses_the_price_list_of_the_issue_date(units):
    product = ProductFactory()
    ProductPriceFactory(product=product, price=D("100.00"), effective_from=date(2024, 1, 1))
    ProductPriceFactory(product=product, price=D("120.00"), effective_from=date(2025, 1, 1))
    assert services.product_price_on(product=product, on=date(2024, 12, 31)) == D("100.00")
    assert services.product_price_on(product=product, on=date(2025, 1, 1)) == D("120.00")
    assert services.product_price_on(product=product, on=date(2023, 1, 1)) is None
    customer = CustomerFactory()
    result = services.invoice_record(
        by=SYSTEM,
        customer=customer,
        issue_date=date(2025, 3, 1),
        due_date=date(2025, 4, 1),
        lines=[{"product": product, "quantity": D("2.5")}, {"product": product, "quantity": 1, "unit_price": "33.33"}],
    )
    assert result.invoice.amount == D("333.33")  # 2.5 × 120.00 + 33.33
    assert sorted(InvoiceLine.objects.filter(invoice=result.invoice).values_list("amount", flat=True)) == [
        D("33.33"),
        D("300.00"),
    ]
    assert result.invoice.district_id == units["330100"].pk


def test_line_amounts_are_rounded_half_up_to_the_cent(units):
    product = ProductFactory()
    invoice = services.invoice_record(
        by=SYSTEM,
        customer=CustomerFactory(),
        issue_date=date(2025, 3, 1),
        due_date=date(2025, 3, 1),
        lines=[
            {"product": product, "quantity": D("0.5"), "unit_price": D("0.01")},
            {"product": product, "quantity": 3, "unit_price": "0.01"},
        ],
    ).invoice
    assert invoice.amount == D("0.04")  # 0.005 → 0.01 (half up), + 0.03


def test_invoice_lines_without_price_or_with_wrong_amount_are_refused(units):
    product = ProductFactory()
    customer = CustomerFactory()
    with pytest.raises(InvalidInput) as info:
        services.invoice_record(
            by=SYSTEM,
            customer=customer,
            issue_date=date(2025, 3, 1),
            due_date=date(2025, 4, 1),
            lines=[{"product": product, "quantity": 1}],
        )
    assert info.value.field == "lines"
    with pytest.raises(InvalidInput) as info:
        services.invoice_record(
            by=SYSTEM,
            customer=customer,
            issue_date=date(2025, 3, 1),
            due_date=date(2025, 4, 1),
            amount="10.00",
            lines=[{"product": product, "quantity": 1, "unit_price": "9.99"}],
        )
    assert info.value.field == "amount"
    assert not Invoice.objects.filter(customer=customer).exists()


@pytest.mark.parametrize(
    ("amount", "issued", "due", "field"),
    [
        ("100.001", date(2025, 1, 1), date(2025, 2, 1), "amount"),
        ("-5", date(2025, 1, 1), date(2025, 2, 1), "amount"),
        ("0", date(2025, 1, 1), date(2025, 2, 1), "amount"),
        ("abc", date(2025, 1, 1), date(2025, 2, 1), "amount"),
        ("NaN", date(2025, 1, 1), date(2025, 2, 1), "amount"),
        ("1e20", date(2025, 1, 1), date(2025, 2, 1), "amount"),
        ("100", date(2025, 2, 1), date(2025, 1, 31), "due_date"),
        ("100", "2025-13-01", date(2025, 1, 31), "issue_date"),
    ],
)
def test_invoice_bad_input_names_the_field(units, amount, issued, due, field):
    customer = CustomerFactory()
    with pytest.raises(InvalidInput) as info:
        services.invoice_record(by=SYSTEM, customer=customer, issue_date=issued, due_date=due, amount=amount)
    assert info.value.field == field
    assert not Invoice.objects.filter(customer=customer).exists()


def test_invoice_of_an_inactive_customer_is_refused(units):
    customer = CustomerFactory(status="suspended")
    with pytest.raises(InvalidInput) as info:
        _invoice(customer, date(2025, 1, 1), date(2025, 2, 1), "10")
    assert info.value.field == "customer"


def test_invoice_copies_district_and_salesperson(units):
    rep, other = StaffFactory(), StaffFactory()
    customer = CustomerFactory(salesperson=rep)
    assert _invoice(customer, date(2025, 1, 1), date(2025, 2, 1), "10").salesperson == rep
    assert _invoice(customer, date(2025, 1, 1), date(2025, 2, 1), "10", salesperson=other).salesperson == other
    with pytest.raises(InvalidInput) as info:
        _invoice(customer, date(2025, 1, 1), date(2025, 2, 1), "10", salesperson=StaffFactory(unit=units["440100"]))
    assert info.value.field == "salesperson"


def test_over_credit_limit_is_flagged_by_default(units, settings):
    settings.CREDIT_LIMIT_POLICY = "flag"
    customer = CustomerFactory(credit_limit=D("1000.00"))
    first = services.invoice_record(
        by=SYSTEM, customer=customer, issue_date=date(2025, 1, 1), due_date=date(2025, 2, 1), amount="600"
    )
    assert not first.over_credit_limit and first.exposure == D("600.00")
    PaymentFactory(customer=customer, amount=D("100.00"), received_on=date(2025, 1, 5))
    second = services.invoice_record(
        by=SYSTEM, customer=customer, issue_date=date(2025, 1, 10), due_date=date(2025, 2, 1), amount="500.01"
    )
    assert second.over_credit_limit and second.invoice.over_credit_limit
    assert second.exposure == D("1000.01") and second.credit_limit == D("1000.00")


@override_settings(CREDIT_LIMIT_POLICY="refuse")
def test_over_credit_limit_is_refused_under_the_refuse_policy(units):
    customer = CustomerFactory(credit_limit=D("1000.00"))
    ok = services.invoice_record(
        by=SYSTEM, customer=customer, issue_date=date(2025, 1, 1), due_date=date(2025, 2, 1), amount="1000.00"
    )
    assert not ok.over_credit_limit  # exactly at the limit is allowed
    with translation.override("en"), pytest.raises(Conflict) as info:
        _invoice(customer, date(2025, 1, 2), date(2025, 2, 1), "0.01")
    assert info.value.field == "amount"
    assert "1000.00" in str(info.value) and "1000.01" in str(info.value)
    assert Invoice.objects.filter(customer=customer).count() == 1


def test_zero_credit_limit_means_no_limit(units, settings):
    settings.CREDIT_LIMIT_POLICY = "refuse"
    customer = CustomerFactory()
    assert not services.invoice_record(
        by=SYSTEM, customer=customer, issue_date=date(2025, 1, 1), due_date=date(2025, 2, 1), amount="99999999"
    ).over_credit_limit


def test_cancel_needs_a_reason_and_no_live_allocations(units):
    invoice = InvoiceFactory()
    with pytest.raises(InvalidInput) as info:
        services.invoice_cancel(by=SYSTEM, invoice=invoice, reason=" ")
    assert info.value.field == "reason"
    payment = PaymentFactory(customer=invoice.customer, amount=D("10.00"))
    with pytest.raises(Conflict):
        services.invoice_cancel(by=SYSTEM, invoice=invoice, reason="开错了", on=date(2025, 3, 1))
    services.payment_reverse(by=SYSTEM, payment=payment, reason="退票", on=date(2025, 2, 10))
    with pytest.raises(InvalidInput) as info:
        services.invoice_cancel(by=SYSTEM, invoice=invoice, reason="开错了", on=date(2025, 2, 5))  # before the reversal
    assert info.value.field == "on"
    cancelled = services.invoice_cancel(by=SYSTEM, invoice=invoice, reason="开错了", on=date(2025, 3, 1))
    assert (cancelled.status, cancelled.cancelled_on, cancelled.cancel_reason) == ("cancelled", date(2025, 3, 1), "开错了")
    with pytest.raises(Conflict):
        services.invoice_cancel(by=SYSTEM, invoice=invoice, reason="again", on=date(2025, 3, 2))


def test_an_invoice_once_paid_keeps_its_amount_and_customer_even_after_the_payment_is_reversed(units):
    # As of a day between the allocation and its reversal the payment still paid this invoice: lowering the
    # amount (or moving it to another customer) would leave that day's ageing with an invoice paid beyond its
    # amount. Found by the ledger property test (test_ageing).
    invoice = InvoiceFactory(amount=D("100.00"))
    payment = PaymentFactory(customer=invoice.customer, amount=D("60.00"))
    services.payment_reverse(by=SYSTEM, payment=payment, reason="退票", on=payment.received_on)
    with pytest.raises(Conflict) as info:
        services.invoice_update(by=SYSTEM, invoice=invoice, amount="10.00")
    assert info.value.field == "amount"
    invoice.refresh_from_db()
    assert invoice.amount == D("100.00")
    # What never touched the allocations may still change.
    services.invoice_update(by=SYSTEM, invoice=invoice, number="INV-2")
    invoice.refresh_from_db()
    assert invoice.number == "INV-2"


# ------------------------------------------------------------------------------------------ payments


def test_payment_allocates_oldest_due_first_and_keeps_overpayment_as_credit(units):
    customer = CustomerFactory()
    late = _invoice(customer, date(2025, 1, 1), date(2025, 3, 31), "300")
    early = _invoice(customer, date(2025, 1, 15), date(2025, 2, 15), "200")
    future = _invoice(customer, date(2025, 6, 1), date(2025, 6, 2), "50")  # issued after the payment
    payment = services.payment_record(by=SYSTEM, customer=customer, received_on=date(2025, 2, 1), amount="600.00")
    rows = {a.invoice_id: a.amount for a in Allocation.objects.filter(payment=payment)}
    assert rows == {early.pk: D("200.00"), late.pk: D("300.00")}
    assert all(a.allocated_on == date(2025, 2, 1) for a in payment.allocations.all())
    for invoice in (early, late, future):
        invoice.refresh_from_db()
    assert (early.status, late.status, future.status) == ("paid", "paid", "open")
    balance = selectors.customer_balance(customer=customer, as_of=date(2025, 5, 1))
    assert balance == {"invoiced": D("500.00"), "allocated": D("500.00"), "open": D("0.00"), "credit": D("100.00")}
    # The credit is applied later, to the invoice issued since.
    applied = services.customer_credit_apply(by=SYSTEM, customer=customer, on=date(2025, 6, 5))
    assert [(a.invoice_id, a.amount, a.allocated_on) for a in applied] == [(future.pk, D("50.00"), date(2025, 6, 5))]
    assert selectors.customer_balance(customer=customer, as_of=date(2025, 6, 5))["credit"] == D("50.00")
    assert selectors.customer_balance(customer=customer, as_of=date(2025, 6, 4))["credit"] == D("100.00")


def test_ties_on_due_date_go_by_issue_date_then_id(units):
    customer = CustomerFactory()
    second = _invoice(customer, date(2025, 1, 2), date(2025, 2, 1), "100")
    first = _invoice(customer, date(2025, 1, 1), date(2025, 2, 1), "100")
    third = _invoice(customer, date(2025, 1, 2), date(2025, 2, 1), "100")
    payment = services.payment_record(by=SYSTEM, customer=customer, received_on=date(2025, 1, 3), amount="150")
    rows = {a.invoice_id: a.amount for a in payment.allocations.all()}
    assert rows == {first.pk: D("100.00"), second.pk: D("50.00")}
    assert third.pk not in rows


def test_explicit_allocation_beyond_the_balance_is_refused_and_nothing_written(units):
    customer = CustomerFactory()
    invoice = _invoice(customer, date(2025, 1, 1), date(2025, 2, 1), "100")
    PaymentFactory(customer=customer, amount=D("30.00"), received_on=date(2025, 1, 5))
    before = (Payment.objects.count(), Allocation.objects.count())
    with translation.override("en"), pytest.raises(InvalidInput) as info:
        services.payment_record(
            by=SYSTEM,
            customer=customer,
            received_on=date(2025, 1, 10),
            amount="100",
            allocations=[{"invoice": invoice, "amount": "70.01"}],
        )
    assert info.value.field == "allocations"
    assert str(invoice) in str(info.value) and "70.00" in str(info.value)
    assert (Payment.objects.count(), Allocation.objects.count()) == before
    # The same invoice twice counts twice.
    with pytest.raises(InvalidInput):
        services.payment_record(
            by=SYSTEM,
            customer=customer,
            received_on=date(2025, 1, 10),
            amount="100",
            allocations=[{"invoice": invoice, "amount": "40"}, {"invoice": invoice, "amount": "40"}],
        )
    assert (Payment.objects.count(), Allocation.objects.count()) == before


@pytest.mark.parametrize("case", ["other_customer", "cancelled", "issued_later", "sum_exceeds", "bad_amount", "unknown"])
def test_explicit_allocation_rules(units, case):
    customer = CustomerFactory()
    invoice = _invoice(customer, date(2025, 1, 1), date(2025, 2, 1), "100")
    allocations = [{"invoice": invoice, "amount": "50"}]
    amount = "100"
    if case == "other_customer":
        allocations = [{"invoice": InvoiceFactory(), "amount": "50"}]
    elif case == "cancelled":
        services.invoice_cancel(by=SYSTEM, invoice=invoice, reason="错开", on=date(2025, 1, 2))
    elif case == "issued_later":
        allocations = [{"invoice": _invoice(customer, date(2025, 3, 1), date(2025, 4, 1), "100"), "amount": "50"}]
    elif case == "sum_exceeds":
        amount = "49.99"
    elif case == "bad_amount":
        allocations = [{"invoice": invoice, "amount": "-1"}]
    elif case == "unknown":
        allocations = [{"invoice": 987654321, "amount": "1"}]
    with pytest.raises(InvalidInput) as info:
        services.payment_record(
            by=SYSTEM, customer=customer, received_on=date(2025, 2, 1), amount=amount, allocations=allocations
        )
    assert info.value.field == "allocations"
    assert not Payment.objects.filter(customer=customer).exists()


def test_explicit_partial_allocation_leaves_credit(units):
    customer = CustomerFactory()
    a = _invoice(customer, date(2025, 1, 1), date(2025, 2, 1), "100")
    b = _invoice(customer, date(2025, 1, 1), date(2025, 1, 15), "100")
    payment = services.payment_record(
        by=SYSTEM, customer=customer, received_on=date(2025, 2, 1), amount="150", allocations=[{"invoice": a.pk, "amount": "100"}]
    )
    assert {x.invoice_id: x.amount for x in payment.allocations.all()} == {a.pk: D("100.00")}
    assert _allocated(b) == 0  # explicit allocations do not spill to other invoices
    assert selectors.customer_balance(customer=customer, as_of=date(2025, 2, 1))["credit"] == D("50.00")


def test_reversal_reopens_invoices_from_its_date(units):
    customer = CustomerFactory()
    invoice = _invoice(customer, date(2025, 1, 1), date(2025, 2, 1), "100")
    payment = services.payment_record(by=SYSTEM, customer=customer, received_on=date(2025, 1, 20), amount="100")
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    with pytest.raises(InvalidInput) as info:
        services.payment_reverse(by=SYSTEM, payment=payment, reason="", on=date(2025, 3, 1))
    assert info.value.field == "reason"
    services.payment_reverse(by=SYSTEM, payment=payment, reason="银行退票", on=date(2025, 3, 1))
    invoice.refresh_from_db()
    payment.refresh_from_db()
    assert invoice.status == "open"
    assert (payment.status, payment.reversed_on, payment.reverse_reason) == ("reversed", date(2025, 3, 1), "银行退票")
    assert set(payment.allocations.values_list("reversed_on", flat=True)) == {date(2025, 3, 1)}
    scope = Invoice.objects.filter(customer=customer)
    assert selectors.receivable_summary(scope_qs=scope, as_of=date(2025, 2, 28))["open"] == D("0.00")
    assert selectors.receivable_summary(scope_qs=scope, as_of=date(2025, 3, 1))["open"] == D("100.00")
    with pytest.raises(Conflict):
        services.payment_reverse(by=SYSTEM, payment=payment, reason="again", on=date(2025, 3, 2))
    # The reversed payment leaves no credit behind.
    assert selectors.customer_balance(customer=customer, as_of=date(2025, 3, 1))["credit"] == D("0.00")


def test_an_allocation_cannot_use_balance_freed_by_a_later_reversal(units):
    customer = CustomerFactory()
    invoice = _invoice(customer, date(2025, 1, 1), date(2025, 2, 1), "100")
    first = services.payment_record(by=SYSTEM, customer=customer, received_on=date(2025, 1, 10), amount="100")
    services.payment_reverse(by=SYSTEM, payment=first, reason="退票", on=date(2025, 3, 1))
    # Received before the reversal: on 2025-02-xx the first payment still counts, so nothing is open then.
    early = services.payment_record(by=SYSTEM, customer=customer, received_on=date(2025, 2, 15), amount="100")
    assert not early.allocations.exists()
    late = services.payment_record(by=SYSTEM, customer=customer, received_on=date(2025, 3, 1), amount="100")
    assert [a.invoice_id for a in late.allocations.all()] == [invoice.pk]
    scope = Invoice.objects.filter(customer=customer)
    for day in (date(2025, 2, 15), date(2025, 2, 28), date(2025, 3, 1)):
        assert selectors.receivable_summary(scope_qs=scope, as_of=day)["allocated"] <= D("100.00")


def test_as_of_date_ignores_later_facts(units):
    customer = CustomerFactory()
    _invoice(customer, date(2025, 1, 1), date(2025, 2, 1), "100")
    _invoice(customer, date(2025, 3, 1), date(2025, 4, 1), "40")
    services.payment_record(by=SYSTEM, customer=customer, received_on=date(2025, 2, 10), amount="60")
    scope = Invoice.objects.filter(customer=customer)
    assert selectors.receivable_summary(scope_qs=scope, as_of=date(2025, 2, 9)) == {
        "invoiced": D("100.00"),
        "allocated": D("0.00"),
        "open": D("100.00"),
    }
    assert selectors.receivable_summary(scope_qs=scope, as_of=date(2025, 2, 10))["open"] == D("40.00")
    assert selectors.receivable_summary(scope_qs=scope, as_of=date(2025, 3, 1))["open"] == D("80.00")
    assert selectors.receivable_summary(scope_qs=scope, as_of=date(2024, 12, 31))["invoiced"] == D("0.00")


def test_payment_bad_input(units):
    customer = CustomerFactory()
    for kwargs, field in [
        ({"amount": "0"}, "amount"),
        ({"amount": "1.234"}, "amount"),
        ({"received_on": "yesterday"}, "received_on"),
        ({"method": "bitcoin"}, "method"),
        ({"allocations": "all"}, "allocations"),
    ]:
        with pytest.raises(InvalidInput) as info:
            services.payment_record(
                by=SYSTEM, **{"customer": customer, "received_on": date(2025, 1, 1), "amount": "10", **kwargs}
            )
        assert info.value.field == field
    services.payment_record(by=SYSTEM, customer=customer, received_on=date(2025, 1, 1), amount="10", external_id="P-1")
    with pytest.raises(Conflict) as info:
        services.payment_record(by=SYSTEM, customer=customer, received_on=date(2025, 1, 1), amount="10", external_id="P-1")
    assert info.value.field == "external_id"


# ---------------------------------------------------------------------------------- collection plans


def test_collection_plan_progress(units, personas):
    rep = StaffFactory(user=get_user_model().objects.create_user("rep-collecting"))  # signs the follow-up
    customer = CustomerFactory(salesperson=rep)
    invoice = _invoice(customer, date(2025, 1, 1), date(2025, 2, 1), "1000")
    plan = services.collection_plan_create(
        by=SYSTEM,
        customer=customer,
        owner=rep,
        invoice=invoice,
        lines=[(date(2025, 3, 1), "400"), {"due_on": date(2025, 4, 1), "amount": "600"}],
    )
    plan.created_at = plan.created_at.replace(year=2025, month=2, day=1)
    plan.save(update_fields=["created_at"])
    assert plan.district_id == units["330100"].pk
    services.payment_record(by=SYSTEM, customer=customer, received_on=date(2025, 1, 15), amount="100")  # before the plan
    services.payment_record(by=SYSTEM, customer=customer, received_on=date(2025, 3, 5), amount="250")
    progress = selectors.collection_plan_progress(plan=plan, as_of=date(2025, 3, 31))
    assert progress["planned_total"] == D("1000.00")
    assert progress["planned_to_date"] == D("400.00")
    assert progress["collected"] == D("250.00")
    assert progress["shortfall"] == D("150.00")
    follow_up = services.collection_plan_follow_up(by=rep.user, plan=plan, note="电话催收，承诺月底付款")
    assert follow_up.plan == plan and follow_up.by == rep


def test_collection_plan_owner_and_lines_are_checked(units, personas):
    customer = CustomerFactory()
    # A manager above the district may own it; a manager elsewhere may not.
    assert services.collection_plan_create(
        by=SYSTEM, customer=customer, owner=personas["pm_zhejiang"].staff, lines=[(date(2025, 3, 1), "1")]
    )
    with pytest.raises(InvalidInput) as info:
        services.collection_plan_create(
            by=SYSTEM, customer=customer, owner=personas["dm_guangzhou"].staff, lines=[(date(2025, 3, 1), "1")]
        )
    assert info.value.field == "owner"
    with pytest.raises(InvalidInput) as info:
        services.collection_plan_create(
            by=SYSTEM, customer=customer, owner=personas["dm_hangzhou"].staff, lines=[(date(2025, 3, 1), "0")]
        )
    assert info.value.field == "lines"
    with pytest.raises(InvalidInput) as info:
        services.collection_plan_create(
            by=SYSTEM,
            customer=customer,
            owner=personas["dm_hangzhou"].staff,
            lines=[(date(2025, 3, 1), "1")],
            invoice=InvoiceFactory(),
        )
    assert info.value.field == "invoice"


# ---------------------------------------------------------------------------------------- concurrency


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_never_over_allocate_an_invoice():
    from regions.models import OrgUnit
    from regions.services import load_default_organisation

    load_default_organisation(by=SYSTEM)  # transactional tests flush the database
    customer = services.customer_create(by=SYSTEM, name="并发客户", district=OrgUnit.objects.get(code="330100"))
    invoice = _invoice(customer, date(2025, 1, 1), date(2025, 2, 1), "100")
    barrier = threading.Barrier(2)
    errors = []

    def pay(n):
        try:
            barrier.wait()
            services.payment_record(
                by=SYSTEM,
                customer=customer,
                received_on=date(2025, 1, 10),
                amount="100",
                allocations=[{"invoice": invoice, "amount": "100"}],
            )
        except InvalidInput as error:
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection; leave none open

    def pay_auto(n):
        try:
            barrier.wait()
            services.payment_record(by=SYSTEM, customer=customer, received_on=date(2025, 1, 10), amount="100")
        finally:
            connection.close()  # each thread has its own connection; leave none open

    threads = [threading.Thread(target=pay, args=(1,)), threading.Thread(target=pay, args=(2,))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(errors) == 1 and errors[0].field == "allocations"
    assert Allocation.objects.filter(invoice=invoice).count() == 1
    assert _allocated(invoice) == D("100.00")

    # Oldest-due-first payments racing for a second invoice: one takes it, the other becomes credit.
    second = _invoice(customer, date(2025, 1, 2), date(2025, 2, 2), "100")
    barrier.reset()
    threads = [threading.Thread(target=pay_auto, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert _allocated(second) == D("100.00")
    assert selectors.customer_balance(customer=customer, as_of=date(2025, 1, 10))["credit"] == D("100.00")
