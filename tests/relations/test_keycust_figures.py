"""A quarterly review's actual figures equal an independent computation from the raw ledger (issue 18, Done when).

On a generated ledger — invoices by amount or by product lines for the plan's customer and another customer,
payments allocated oldest first, some invoices cancelled and some payments reversed — and objectives of every
ledger metric with drawn windows inside the plan's term, each quarterly review's lines (the quarter's actual and
the actual to date) are recomputed here in Python from the raw rows (invoices, their lines, allocations), not
through the selector's queries."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DomainError
from core.periods import Period
from core.rights import SYSTEM
from customers.models import Allocation, AllocationOrigin, Invoice, InvoiceLine, Payment
from customers.services import invoice_cancel, invoice_record, payment_record, payment_reverse
from relations import services
from relations.models import PlanReviewLine
from tests.customers.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db

TERM = (date(2026, 1, 1), date(2026, 12, 31))
TODAY = date(2026, 12, 20)
QUARTERS = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
# Days of 2025-11-01 … 2027-01-31: some fall outside the term, so the windows must cut them off.
FIRST = date(2025, 11, 1)
day = st.integers(min_value=0, max_value=(date(2027, 1, 31) - FIRST).days).map(lambda n: FIRST + timedelta(days=n))
cents = st.integers(min_value=1, max_value=5_000_000).map(lambda n: Decimal(n) / 100)
term_day = st.integers(min_value=0, max_value=(TERM[1] - TERM[0]).days).map(lambda n: TERM[0] + timedelta(days=n))

operation = st.one_of(
    st.tuples(st.just("invoice"), st.integers(0, 1), day, cents),
    st.tuples(
        st.just("lines"),
        st.integers(0, 1),
        day,
        st.lists(st.tuples(st.integers(0, 2), st.integers(1, 5)), min_size=1, max_size=3),
    ),
    st.tuples(st.just("payment"), st.integers(0, 1), day, cents),
    st.tuples(st.just("cancel"), st.integers(0, 50)),
    st.tuples(st.just("reverse"), st.integers(0, 50)),
)
window = st.tuples(term_day, term_day).map(sorted)


def _apply(op, customers, products):
    kind = op[0]
    if kind == "invoice":
        _, who, on, amount = op
        invoice_record(by=SYSTEM, customer=customers[who], issue_date=on, due_date=on + timedelta(days=30), amount=amount)
    elif kind == "lines":
        _, who, on, lines = op
        rows = [{"product": products[p], "quantity": str(q), "unit_price": "123.45"} for p, q in lines]
        invoice_record(by=SYSTEM, customer=customers[who], issue_date=on, due_date=on + timedelta(days=30), lines=rows)
    elif kind == "payment":
        _, who, on, amount = op
        payment_record(by=SYSTEM, customer=customers[who], received_on=on, amount=amount)
    elif kind == "cancel":
        invoices = list(Invoice.objects.order_by("id"))
        if invoices:
            invoice = invoices[op[1] % len(invoices)]
            invoice_cancel(by=SYSTEM, invoice=invoice, reason="开错", on=max(invoice.issue_date, date(2026, 1, 5)))
    elif kind == "reverse":
        payments = list(Payment.objects.filter(status="posted").order_by("id"))
        if payments:
            payment = payments[op[1] % len(payments)]
            payment_reverse(by=SYSTEM, payment=payment, reason="退票", on=max(payment.received_on, date(2026, 1, 5)))


def _expected(objective, first, last):
    """The objective's figure over first…last, from the raw rows, in Python."""
    if last < first:
        return Decimal("0.00")
    customer = objective.plan.customer_id
    live = {
        pk: issued
        for pk, issued, status, owner in Invoice.objects.values_list("pk", "issue_date", "status", "customer_id")
        if owner == customer and status != "cancelled"
    }
    if objective.metric == "sales":
        rows = Invoice.objects.values_list("pk", "amount")
        return sum((amount for pk, amount in rows if pk in live and first <= live[pk] <= last), Decimal("0.00"))
    if objective.metric == "collections":
        customer_invoices = set(Invoice.objects.filter(customer_id=customer).values_list("pk", flat=True))
        total = Decimal("0.00")
        for invoice, amount, on, reversed_on, origin in Allocation.objects.values_list(
            "invoice_id", "amount", "allocated_on", "reversed_on", "origin"
        ):
            if (
                invoice in customer_invoices
                and first <= on <= last
                and reversed_on is None
                and origin != AllocationOrigin.WRITE_OFF
            ):
                total += amount
        return total
    lines = [
        (product, amount)
        for invoice, product, amount in InvoiceLine.objects.values_list("invoice_id", "product_id", "amount")
        if invoice in live and first <= live[invoice] <= last
    ]
    if objective.metric == "product_sales":
        return sum((amount for product, amount in lines if product == objective.product_id), Decimal("0.00"))
    return Decimal(len({product for product, _ in lines}))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operations=st.lists(operation, min_size=3, max_size=14), windows=st.lists(window, min_size=4, max_size=4))
def test_review_figures_equal_the_raw_ledger(units, personas, operations, windows):
    with (
        transaction.atomic(),
        override_settings(CREDIT_LIMIT_POLICY="flag"),
        time_machine.travel(datetime(2026, 12, 20, 4, 0, tzinfo=UTC), tick=False),
    ):
        sid = transaction.savepoint()
        customers = [CustomerFactory(district=units["330100"]), CustomerFactory(district=units["330100"])]
        products = [ProductFactory(), ProductFactory(), ProductFactory()]
        for op in operations:
            try:
                with transaction.atomic():
                    _apply(op, customers, products)
            except DomainError:
                pass  # e.g. cancelling an invoice that payments are allocated to: refused, nothing written
        services.key_customer_designate(by=SYSTEM, customer=customers[0], reason="测试")
        plan = services.key_plan_create(by=SYSTEM, customer=customers[0], title="规划", starts_on=TERM[0], ends_on=TERM[1])
        metrics = [("sales", None), ("collections", None), ("product_sales", products[0]), ("products_held", None)]
        objectives = [
            services.key_plan_objective_add(
                by=SYSTEM, plan=plan, title=metric, metric=metric, target="10", starts_on=first, due_on=last, product=product
            )
            for (metric, product), (first, last) in zip(metrics, windows, strict=True)
        ]
        for quarter in QUARTERS:
            review = services.key_plan_review_write(by=SYSTEM, plan=plan, period=quarter, rating="on_track", assessment="核对")
            period = Period.parse(quarter)
            lines = {line.objective_id: line for line in PlanReviewLine.objects.filter(review=review)}
            for objective in objectives:
                if objective.starts_on > period.end:
                    assert objective.pk not in lines
                    continue
                line = lines[objective.pk]
                in_quarter = _expected(objective, max(objective.starts_on, period.start), min(objective.due_on, period.end))
                to_date = _expected(objective, objective.starts_on, min(objective.due_on, period.end))
                assert line.actual_period == in_quarter, (objective.metric, quarter)
                assert line.actual_to_date == to_date, (objective.metric, quarter)
                assert line.target == Decimal("10.00")
        transaction.savepoint_rollback(sid)
