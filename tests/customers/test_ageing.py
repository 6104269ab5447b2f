"""Receivables and ageing as of a date: exact examples, the xlsx export, and the property that for any
sequence of invoices, payments, reversals and cancellations, for every unit and date,
open = invoiced − allocated (computed independently here) and the ageing buckets add up to it."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import translation
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from core.errors import DomainError, InvalidInput
from core.rights import SYSTEM
from customers import selectors, services
from customers.exports import ageing_xlsx
from customers.models import Allocation, Customer, DistrictOpenBalance, Invoice, Payment
from regions.models import OrgUnit
from risk.models import CreditHold
from tests.customers.factories import CustomerFactory, StaffFactory

D = Decimal
AS_OF = date(2025, 6, 30)


def _invoice(customer, issued, due, amount):
    return services.invoice_record(by=SYSTEM, customer=customer, issue_date=issued, due_date=due, amount=D(amount)).invoice


def test_days_past_due_land_in_the_right_bucket(units):
    customer = CustomerFactory()
    # Due on the as-of date → not due; one day later past due → 1–30; 30 → 1–30; 31 → 31–60; 366 → over 365.
    cases = {0: "not_due", 1: "d1_30", 30: "d1_30", 31: "d31_60", 90: "d61_90", 91: "d91_180", 365: "d181_365", 366: "over_365"}
    expected = {key: D("0.00") for key in ("not_due", "d1_30", "d31_60", "d61_90", "d91_180", "d181_365", "over_365")}
    for n, (days, bucket) in enumerate(cases.items(), start=1):
        due = AS_OF - timedelta(days=days)
        _invoice(customer, due - timedelta(days=10), due, f"{n}.00")
        expected[bucket] += D(f"{n}.00")
    _invoice(customer, AS_OF, AS_OF + timedelta(days=30), "100.00")  # issued on the date, due later: not due
    expected["not_due"] += D("100.00")
    _invoice(customer, AS_OF + timedelta(days=1), AS_OF + timedelta(days=30), "999.00")  # issued after: ignored
    report = selectors.ageing(invoices=Invoice.objects.filter(customer=customer), as_of=AS_OF, group_by="customer")
    assert len(report.rows) == 1
    assert report.rows[0]["buckets"] == expected
    assert report.rows[0]["total"] == report.totals["total"] == sum(expected.values()) == D("136.00")
    assert report.rows[0]["label"] == customer.name


def test_ageing_groups_and_drills_down(units, personas):
    rep_a, rep_b = StaffFactory(name="甲"), StaffFactory(name="乙")
    hz_a = CustomerFactory(salesperson=rep_a)
    hz_b = CustomerFactory(salesperson=rep_b)
    nb = CustomerFactory(district=units["330200"])
    gz = CustomerFactory(district=units["440100"])
    _invoice(hz_a, date(2025, 1, 1), date(2025, 2, 1), "100")
    _invoice(hz_a, date(2025, 6, 1), date(2025, 7, 1), "50")
    _invoice(hz_b, date(2025, 1, 1), date(2025, 2, 1), "300")
    _invoice(nb, date(2025, 1, 1), date(2025, 2, 1), "70")
    _invoice(gz, date(2025, 1, 1), date(2025, 2, 1), "1000")
    services.payment_record(by=SYSTEM, customer=hz_b, received_on=date(2025, 3, 1), amount="300")  # fully paid: omitted

    center = selectors.ageing_for_unit(user=personas["director"].user, unit=units["HQ"], as_of=AS_OF)
    assert center.group_by == "region"
    assert [(row["label"], row["total"]) for row in center.rows] == [("华南大区", D("1000.00")), ("华东大区", D("220.00"))]
    zhejiang = selectors.ageing_for_unit(user=personas["director"].user, unit=units["330000"], as_of=AS_OF)
    assert zhejiang.group_by == "district"
    assert [(row["key"], row["total"]) for row in zhejiang.rows] == [
        (units["330100"].pk, D("150.00")),
        (units["330200"].pk, D("70.00")),
    ]
    hangzhou = selectors.ageing_for_unit(user=personas["dm_hangzhou"].user, unit=units["330100"], as_of=AS_OF)
    assert hangzhou.group_by == "salesperson"
    assert [(row["label"], row["buckets"]["not_due"], row["total"]) for row in hangzhou.rows] == [("甲", D("50.00"), D("150.00"))]
    by_invoice = selectors.ageing_for_unit(user=personas["dm_hangzhou"].user, unit=units["330100"], as_of=AS_OF, by="invoice")
    assert len(by_invoice.rows) == 2
    # Scope: the Hangzhou manager asking for the center sees only Hangzhou.
    scoped = selectors.ageing_for_unit(user=personas["dm_hangzhou"].user, unit=units["HQ"], as_of=AS_OF)
    assert scoped.totals["total"] == D("150.00")
    # Without a unit: the user's own unit.
    assert selectors.ageing_for_unit(user=personas["pm_guangdong"].user, as_of=AS_OF).totals["total"] == D("1000.00")
    with pytest.raises(InvalidInput) as info:
        selectors.ageing_for_unit(user=personas["director"].user, unit=units["HQ"], as_of=AS_OF, by="planet")
    assert info.value.field == "by"


def test_custom_buckets_are_checked(units):
    customer = CustomerFactory()
    _invoice(customer, date(2025, 1, 1), date(2025, 2, 1), "10")
    _invoice(customer, date(2025, 6, 1), date(2025, 7, 1), "5")
    report = selectors.ageing(
        invoices=Invoice.objects.all(), as_of=AS_OF, group_by="district", buckets=[("current", None, 0), ("overdue", 1, None)]
    )
    assert report.totals["buckets"] == {"current": D("5.00"), "overdue": D("10.00")}
    for bad in (
        [("a", None, 0), ("b", 2, None)],
        [("a", None, 10), ("b", 5, None)],
        [("a", 1, None)],
        [],
        [("a", None, 0), ("a", 1, None)],
    ):
        with pytest.raises(InvalidInput) as info:
            selectors.ageing(invoices=Invoice.objects.all(), as_of=AS_OF, group_by="district", buckets=bad)
        assert info.value.field == "buckets"


def test_ageing_xlsx(units):
    customer = CustomerFactory(name="=HYPERLINK(1)")
    _invoice(customer, date(2025, 1, 1), date(2025, 2, 1), "1234.56")
    report = selectors.ageing(invoices=Invoice.objects.all(), as_of=AS_OF, group_by="customer")
    with translation.override("zh-hans"):
        content = ageing_xlsx(report, title="账龄分析")
    sheet = load_workbook(BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "账龄分析"
    header = rows[3]
    assert len(header) == 9 and header[-1] is not None
    data, total = rows[4], rows[5]
    assert data[0] == "'=HYPERLINK(1)"  # never a formula
    assert data[-1] == 1234.56 and isinstance(data[-1], float | int)
    assert total[-1] == 1234.56
    assert sheet.cell(row=5, column=9).number_format == "#,##0.00"


# ------------------------------------------------------------------------------------ property test

BASE = date(2025, 1, 1)
DISTRICTS = ["330100", "330200", "440100"]
UNIT_CODES = ["330100", "330200", "440100", "330000", "440000", "HD", "HN", "HQ"]

# Dates on a coarse grid (every 15 days) so that events fall on each other's days and on the checked
# days: the boundaries (issued on D, reversed on D, due on D) are where off-by-one bugs hide.
cents = st.integers(min_value=1, max_value=2_000_000).map(lambda n: D(n) / 100)
day = st.integers(min_value=0, max_value=12).map(lambda n: n * 15)
later = st.integers(min_value=0, max_value=4).map(lambda n: n * 15)
invoice_op = st.tuples(st.just("invoice"), st.integers(0, 3), day, st.sampled_from([0, 15, 30, 60, 90]), cents)
operation = st.one_of(
    invoice_op,
    st.tuples(st.just("pay"), st.integers(0, 3), day, cents),
    st.tuples(st.just("pay_to"), st.integers(0, 3), day, cents, st.integers(0, 50), cents),
    st.tuples(st.just("reverse"), st.integers(0, 50), later),
    st.tuples(st.just("cancel"), st.integers(0, 50), later),
    st.tuples(st.just("credit"), st.integers(0, 3), day),
    # The branch systems' batch push, and corrections of a recorded invoice (amount, customer).
    st.tuples(st.just("batch"), st.lists(st.tuples(st.integers(0, 3), day, cents), min_size=1, max_size=4)),
    st.tuples(st.just("amend"), st.integers(0, 50), cents, st.integers(0, 3)),
    # A branch re-sends a payment with other allocations (none, one or two invoices), from a later day;
    # credit applied to invoices the caller names.
    st.tuples(st.just("reallocate"), st.integers(0, 50), st.lists(st.tuples(st.integers(0, 50), cents), max_size=2), later),
    st.tuples(st.just("credit_to"), st.integers(0, 3), st.integers(0, 50), cents, day),
    # Credit control and bad debts (issue 16): write-offs (all of an invoice's open amount, or a part) approved on
    # a day, reversed some days later, money recovered on written-off debt, credit-limit exceptions (approved or
    # not, from today or later, and one already over), holds placed by the overdue rule and released.
    st.tuples(st.just("write_off"), st.integers(0, 3), st.integers(0, 50), st.one_of(st.none(), cents), day),
    st.tuples(st.just("write_off_reverse"), st.integers(0, 50), later),
    st.tuples(st.just("recover"), st.integers(0, 3), cents, day),
    st.tuples(st.just("exception"), st.integers(0, 3), cents, st.sampled_from([0, 0, 15, -60]), st.booleans()),
    st.tuples(st.just("hold"), st.sampled_from([0, 30, 90])),
    st.tuples(st.just("release"), st.integers(0, 10)),
)
# "Today" for the postings that default to it (credit auto-applied on a new invoice), inside the grid.
TODAY = BASE + timedelta(days=150)


def _apply(op, customers, manager=None):
    kind = op[0]
    if kind == "invoice":
        _, c, issued, term, amount = op
        services.invoice_record(
            by=SYSTEM,
            customer=customers[c],
            issue_date=BASE + timedelta(days=issued),
            due_date=BASE + timedelta(days=issued + term),
            amount=amount,
        )
    elif kind == "pay":
        _, c, received, amount = op
        services.payment_record(by=SYSTEM, customer=customers[c], received_on=BASE + timedelta(days=received), amount=amount)
    elif kind == "pay_to":
        _, c, received, amount, pick, share = op
        invoices = list(Invoice.objects.filter(customer=customers[c]).order_by("id"))
        if invoices:
            services.payment_record(
                by=SYSTEM,
                customer=customers[c],
                received_on=BASE + timedelta(days=received),
                amount=amount,
                allocations=[{"invoice": invoices[pick % len(invoices)], "amount": share}],
            )
    elif kind == "reverse":
        _, pick, later = op
        payments = list(Payment.objects.filter(customer__in=customers).order_by("id"))
        if payments:
            payment = payments[pick % len(payments)]
            services.payment_reverse(by=SYSTEM, payment=payment, reason="退票", on=payment.received_on + timedelta(days=later))
    elif kind == "cancel":
        _, pick, later = op
        invoices = list(Invoice.objects.filter(customer__in=customers).order_by("id"))
        if invoices:
            invoice = invoices[pick % len(invoices)]
            services.invoice_cancel(by=SYSTEM, invoice=invoice, reason="错开", on=invoice.issue_date + timedelta(days=later))
    elif kind == "credit":
        _, c, on = op
        services.customer_credit_apply(by=SYSTEM, customer=customers[c], on=BASE + timedelta(days=on))
    elif kind == "batch":
        services.invoice_record_many(
            by=SYSTEM,
            records=[
                {
                    "customer": customers[c],
                    "issue_date": BASE + timedelta(days=issued),
                    "due_date": BASE + timedelta(days=issued + 30),
                    "amount": amount,
                }
                for c, issued, amount in op[1]
            ],
        )
    elif kind == "amend":
        _, pick, amount, c = op
        invoices = list(Invoice.objects.filter(customer__in=customers).order_by("id"))
        if invoices:
            services.invoice_update(by=SYSTEM, invoice=invoices[pick % len(invoices)], amount=amount, customer=customers[c])
    elif kind == "reallocate":
        _, pick, wanted, after = op
        payments = list(Payment.objects.filter(customer__in=customers).order_by("id"))
        if payments:
            payment = payments[pick % len(payments)]
            invoices = list(Invoice.objects.filter(customer=payment.customer).order_by("id"))
            allocations = [{"invoice": invoices[i % len(invoices)], "amount": amount} for i, amount in wanted] if invoices else []
            last = max(
                [
                    payment.received_on,
                    *payment.allocations.filter(reversed_on__isnull=True).values_list("allocated_on", flat=True),
                ]
            )
            services.payment_reallocate(
                by=SYSTEM, payment=payment, allocations=allocations, reason="分支系统重新核销", on=last + timedelta(days=after)
            )
    elif kind == "credit_to":
        _, c, pick, amount, on = op
        invoices = list(Invoice.objects.filter(customer=customers[c]).order_by("id"))
        if invoices:
            services.customer_credit_apply(
                by=SYSTEM,
                customer=customers[c],
                on=BASE + timedelta(days=on),
                allocations=[{"invoice": invoices[pick % len(invoices)], "amount": amount}],
            )
    else:
        _apply_credit(op, customers, manager)


def _approve(model, obj):
    """Put a subject in the approved state as the approvals' decision would (the chains are approvals' tests)."""
    model.objects.filter(pk=obj.pk).update(state="approved")
    obj.refresh_from_db()
    return obj


def _apply_credit(op, customers, manager):
    """The operations of credit control and bad debts, through risk's services; what goes to an approval is asked
    for by `manager` (a person: approvals records who submitted)."""
    from customers.services.writeoffs import write_off_open_amounts
    from risk import services as risk
    from risk.models import CreditException, CreditHold, CreditHoldRelease, WriteOff, WriteOffReversal

    kind = op[0]
    if kind == "write_off":
        _, c, pick, amount, on = op
        # Mostly an invoice with something open today (any invoice when none has: refused, nothing written).
        invoices = list(Invoice.objects.filter(customer=customers[c]).order_by("id"))
        invoices = [
            invoice for invoice in invoices if invoice.allocated < invoice.amount and not invoice.cancelled_on
        ] or invoices
        if not invoices:
            return
        invoice, posted = invoices[pick % len(invoices)], BASE + timedelta(days=on)
        if amount is None:  # all that is open of it on that day, not before its issue
            posted = max(posted, invoice.issue_date)
            amount = write_off_open_amounts(customer=customers[c], invoice_ids=[invoice.pk], on=posted).get(invoice.pk, D(0))
        write_off = risk.write_off_propose(
            by=SYSTEM, customer=customers[c], lines=[{"invoice": invoice.pk, "amount": str(amount)}], reason="多次催收无果"
        )
        risk.write_off_on_approved(write_off=_approve(WriteOff, write_off), today=posted)
    elif kind == "write_off_reverse":
        _, pick, after = op
        write_offs = list(WriteOff.objects.filter(state="approved").order_by("id"))
        if write_offs:
            write_off = write_offs[pick % len(write_offs)]
            reversal = risk.write_off_reversal_request(by=manager, write_off=write_off, reason="客户恢复经营")
            risk.write_off_reversal_on_approved(
                reversal=_approve(WriteOffReversal, reversal), today=write_off.written_off_on + timedelta(days=after)
            )
    elif kind == "recover":
        _, c, amount, on = op
        # Mostly a customer with written-off debt (the others are refused: nothing to recover).
        received = BASE + timedelta(days=on)
        debtors = sorted(
            set(WriteOff.objects.filter(state="approved", written_off_on__lte=received).values_list("customer_id", flat=True))
        )
        customer = Customer.objects.get(pk=debtors[c % len(debtors)]) if debtors else customers[c]
        if amount is None:  # all that is left to recover by that day
            amount = sum((left for _w, left in risk.recoverable(customer, on=received)), D("0.00"))
        risk.recovery_record(by=SYSTEM, customer=customer, amount=str(amount), received_on=received)
    elif kind == "exception":
        _, c, amount, start, approved = op
        # A start before today is an exception asked for in the past, over before today.
        asked = TODAY + timedelta(days=min(start, 0))
        exception = risk.credit_exception_request(
            by=SYSTEM,
            customer=customers[c],
            extra_amount=str(amount),
            valid_from=asked + timedelta(days=max(start, 0)),
            valid_to=asked + timedelta(days=max(start, 0) + 30),
            reason="客户提供担保",
            today=asked,
        )
        if approved:
            _approve(CreditException, exception)
    elif kind == "hold":
        risk.credit_holds_refresh(by=SYSTEM, today=TODAY, overdue_days=op[1])
    elif kind == "release":
        holds = list(CreditHold.objects.filter(state="on").order_by("id"))
        if holds:
            release = risk.credit_hold_release_request(by=manager, hold=holds[op[1] % len(holds)], reason="逾期已结清")
            risk.credit_hold_release_on_approved(release=_approve(CreditHoldRelease, release))


def _invoice_refused(customer_id, amount):
    """Whether a new invoice of `amount` for the customer must be refused today, from the facts: a hold on, or over
    its own limit plus the exceptions approved and valid today (the setting says refuse in these examples)."""
    from risk.models import CreditException, CreditHold

    customer = Customer.objects.get(pk=customer_id)
    if CreditHold.objects.filter(customer_id=customer_id, state="on", placed_on__lte=TODAY).exists():
        return True
    if not customer.credit_limit:
        return False
    extra = sum(
        CreditException.objects.filter(
            customer_id=customer_id, state="approved", valid_from__lte=TODAY, valid_to__gte=TODAY
        ).values_list("extra_amount", flat=True),
        D("0.00"),
    )
    return customer.open_balance + amount > customer.credit_limit + extra


def _overdue_customers(overdue_days):
    """Customers with an invoice not cancelled, due more than `overdue_days` before today and not wholly allocated
    by its live allocations (what the hold rule reads: today's kept figures), from the raw rows."""
    live = {}
    for invoice_id, amount in Allocation.objects.filter(reversed_on__isnull=True).values_list("invoice_id", "amount"):
        live[invoice_id] = live.get(invoice_id, D(0)) + amount
    cutoff = TODAY - timedelta(days=overdue_days)
    return {
        customer_id
        for pk, customer_id, amount, due in Invoice.objects.filter(cancelled_on__isnull=True).values_list(
            "pk", "customer_id", "amount", "due_date"
        )
        if due < cutoff and live.get(pk, D(0)) < amount
    }


# The provision rates (%) of the ageing buckets, in bucket order: distinct, so that a debt in the wrong bucket shows.
PROVISION_RATES = ["0.5", "3", "10", "25", "50", "100"]


def _check_company(days):
    """After every operation: the company's ageing and the provision for doubtful debts per (district, customer) as
    of each day equal a recomputation from the raw rows — a write-off closes debt from its day on, its reversal
    reopens it, a recovery changes nothing."""
    from core.money import money
    from risk.selectors.provisions import provision_by_district_sql, provision_cells

    buckets = selectors.ageing_buckets()
    rates = {bucket.key: rate for bucket, rate in zip(buckets, PROVISION_RATES, strict=False)}
    invoices = list(
        Invoice.objects.values("id", "customer_id", "district_id", "issue_date", "due_date", "cancelled_on", "amount")
    )
    allocations = list(Allocation.objects.values("invoice_id", "amount", "allocated_on", "reversed_on"))
    for on in days:
        allocated_to = {}
        for a in allocations:
            if _alloc_counts(a["allocated_on"], a["reversed_on"], on):
                allocated_to[a["invoice_id"]] = allocated_to.get(a["invoice_id"], D(0)) + a["amount"]
        expected_buckets = {bucket.key: D("0.00") for bucket in buckets}
        cells = {}
        for inv in invoices:
            if not _counts(inv["issue_date"], inv["cancelled_on"], on):
                continue
            open_amount = inv["amount"] - allocated_to.get(inv["id"], D(0))
            key = _bucket_of((on - inv["due_date"]).days, buckets)
            expected_buckets[key] += open_amount
            cell = cells.setdefault((inv["district_id"], inv["customer_id"]), [D("0.00"), D(0)])
            cell[0] += open_amount
            cell[1] += open_amount * D(rates.get(key, "0"))
        expected = {key: (amount, money(weighted / 100)) for key, (amount, weighted) in cells.items()}
        expected = {key: value for key, value in expected.items() if value[0] or value[1]}
        report = selectors.ageing(invoices=Invoice.objects.all(), as_of=on, group_by="district")
        assert report.totals["buckets"] == expected_buckets, on
        cells_found = provision_cells(invoices=Invoice.objects.all(), allocations=Allocation.objects.all(), as_of=on, rates=rates)
        assert cells_found == expected, on
        if connection.vendor == "postgresql":
            per_district = {}
            for (district, _customer), (amount, provision) in expected.items():
                row = per_district.setdefault(district, [D("0.00"), D("0.00")])
                row[0] += amount
                row[1] += provision
            found = provision_by_district_sql(
                invoices=Invoice.objects.all(), allocations=Allocation.objects.all(), as_of=on, rates=rates
            )
            assert found == {(d, None): tuple(v) for d, v in per_district.items() if v[0] or v[1]}, on


def _counts(issue, cancelled, on):
    return issue <= on and (cancelled is None or cancelled > on)


def _alloc_counts(allocated_on, reversed_on, on):
    return allocated_on <= on and (reversed_on is None or reversed_on > on)


def _bucket_of(days, buckets):
    for bucket in buckets:
        if (bucket.first is None or days >= bucket.first) and (bucket.last is None or days <= bucket.last):
            return bucket.key
    raise AssertionError(days)


def _check_ledger(units, check_days):
    """Recompute every figure in Python from the raw rows and compare with the selectors, exactly."""
    paths = dict(OrgUnit.objects.values_list("id", "path"))
    invoices = {
        row["id"]: row
        for row in Invoice.objects.values("id", "customer_id", "district_id", "issue_date", "due_date", "cancelled_on", "amount")
    }
    allocations = list(Allocation.objects.values("invoice_id", "payment_id", "amount", "allocated_on", "reversed_on"))
    payments = dict(Payment.objects.values_list("id", "amount"))
    buckets = selectors.ageing_buckets()
    # No payment is ever allocated beyond its amount.
    used = {}
    for a in allocations:
        if a["reversed_on"] is None and a["payment_id"] is not None:  # a write-off has no payment
            used[a["payment_id"]] = used.get(a["payment_id"], 0) + a["amount"]
    assert all(total <= payments[pid] for pid, total in used.items())
    # On every day something happened, no invoice and no payment is allocated beyond its amount (pure
    # Python, cheap): re-allocations and credit applied later must respect both on every day.
    event_days = {a["allocated_on"] for a in allocations} | {a["reversed_on"] for a in allocations if a["reversed_on"]}
    for on in event_days:
        per_invoice, per_payment = {}, {}
        for a in allocations:
            if _alloc_counts(a["allocated_on"], a["reversed_on"], on):
                per_invoice[a["invoice_id"]] = per_invoice.get(a["invoice_id"], D(0)) + a["amount"]
                per_payment[a["payment_id"]] = per_payment.get(a["payment_id"], D(0)) + a["amount"]
        per_payment.pop(None, None)
        assert all(total <= invoices[pk]["amount"] for pk, total in per_invoice.items()), on
        assert all(total <= payments[pk] for pk, total in per_payment.items()), on

    # The days drawn, plus the days of reversals and cancellations (where "as of" boundaries bite).
    boundaries = sorted(
        set(Allocation.objects.filter(reversed_on__isnull=False).values_list("reversed_on", flat=True))
        | set(Invoice.objects.filter(cancelled_on__isnull=False).values_list("cancelled_on", flat=True))
    )
    # Today and a day after it are always checked: from today on, ageing reads the figures the postings keep
    # (Invoice.allocated of the open invoices, and the facts of the invoices changed by later-dated postings).
    days = sorted({BASE + timedelta(days=n) for n in check_days} | set(boundaries[:3]) | {TODAY, TODAY + timedelta(days=15)})
    for on in days:
        allocated_to = {}
        for a in allocations:
            if _alloc_counts(a["allocated_on"], a["reversed_on"], on):
                allocated_to[a["invoice_id"]] = allocated_to.get(a["invoice_id"], D(0)) + a["amount"]
        for code in UNIT_CODES:
            unit = units[code]
            live = [
                inv
                for inv in invoices.values()
                if paths[inv["district_id"]].startswith(unit.path) and _counts(inv["issue_date"], inv["cancelled_on"], on)
            ]
            invoiced = sum((inv["amount"] for inv in live), D("0.00"))
            allocated = sum((allocated_to.get(inv["id"], D(0)) for inv in live), D("0.00"))
            expected_buckets = {bucket.key: D("0.00") for bucket in buckets}
            for inv in live:
                open_amount = inv["amount"] - allocated_to.get(inv["id"], D(0))
                # An invoice is never allocated beyond its amount on any date.
                assert open_amount >= 0, (inv, on)
                expected_buckets[_bucket_of((on - inv["due_date"]).days, buckets)] += open_amount

            summary = selectors.receivable_summary(scope_qs=Invoice.objects.for_unit(unit), as_of=on)
            assert summary == {"invoiced": invoiced, "allocated": allocated, "open": invoiced - allocated}, (code, on)

            group_by = selectors.CHILD_LEVEL[unit.kind]
            report = selectors.ageing(invoices=Invoice.objects.for_unit(unit), as_of=on, group_by=group_by)
            assert report.totals["total"] == summary["open"], (code, on)
            assert report.totals["buckets"] == expected_buckets, (code, on)
            assert sum((row["total"] for row in report.rows), D("0.00")) == summary["open"]
            for row in report.rows:
                assert sum(row["buckets"].values(), D("0.00")) == row["total"]
        # The customer list's open receivable today (kept figures + later-dated changes) equals the facts.
        if on == TODAY:
            expected = {}
            for inv in invoices.values():
                if _counts(inv["issue_date"], inv["cancelled_on"], on):
                    owner = inv["customer_id"]
                    expected[owner] = expected.get(owner, D("0.00")) + inv["amount"] - allocated_to.get(inv["id"], D(0))
            listed = dict(selectors.with_open_today(Customer.objects.all()).values_list("pk", "open_receivable"))
            assert {pk: amount for pk, amount in listed.items() if amount} == {
                pk: amount for pk, amount in expected.items() if amount
            }, on
        # Drill-down levels of the whole company agree with each other (one date is enough).
        levels = ("province", "district", "salesperson", "customer", "invoice") if on == days[0] else ()
        for group_by in levels:
            report = selectors.ageing(invoices=Invoice.objects.all(), as_of=on, group_by=group_by)
            assert report.totals["total"] == selectors.receivable_summary(scope_qs=Invoice.objects.all(), as_of=on)["open"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    # Some invoices first (so that payments have something to pay), then anything in any order.
    operations=st.tuples(st.lists(invoice_op, min_size=1, max_size=6), st.lists(operation, min_size=1, max_size=20)).map(
        lambda parts: parts[0] + parts[1]
    ),
    check_days=st.lists(st.integers(min_value=0, max_value=28).map(lambda n: n * 15), min_size=2, max_size=3, unique=True),
    auto_apply=st.booleans(),
    # A credit limit on the first customer, the setting refusing what goes beyond it (and beyond the exceptions).
    limit=st.sampled_from([None, D("20000.00")]),
)
def test_open_equals_invoiced_minus_allocated_for_every_unit_and_date(units, personas, operations, check_days, auto_apply, limit):
    _run_ledger(units, operations, check_days, auto_apply, limit, personas["director"].user)


small_cents = st.integers(min_value=1, max_value=800_000).map(lambda n: D(n) / 100)
# Credit control and bad debts drawn often: invoices (small enough that the limit bites after a few), payments,
# write-offs of all or part of an invoice, their reversals, recoveries, exceptions, holds and releases.
credit_operation = st.one_of(
    st.tuples(st.just("invoice"), st.integers(0, 3), day, st.sampled_from([0, 30, 90]), small_cents),
    st.tuples(st.just("invoice"), st.integers(0, 0), day, st.sampled_from([0, 30, 90]), small_cents),
    st.tuples(st.just("pay"), st.integers(0, 3), day, small_cents),
    st.tuples(st.just("cancel"), st.integers(0, 50), later),
    st.tuples(st.just("write_off"), st.integers(0, 3), st.integers(0, 50), st.none(), day),
    st.tuples(st.just("write_off"), st.integers(0, 3), st.integers(0, 50), st.none(), st.sampled_from([60, 90, 120])),
    st.tuples(st.just("write_off"), st.integers(0, 3), st.integers(0, 50), small_cents, day),
    st.tuples(st.just("write_off_reverse"), st.integers(0, 50), later),
    # Recovered today or a little before: after most write-offs, sometimes more than is left of them.
    st.tuples(
        st.just("recover"), st.integers(0, 3), st.integers(1, 300_000).map(lambda n: D(n) / 100), st.sampled_from([120, 150])
    ),
    st.tuples(st.just("exception"), st.integers(0, 3), small_cents, st.sampled_from([0, 0, 15, -60]), st.booleans()),
    st.tuples(st.just("hold"), st.sampled_from([0, 30, 90])),
    st.tuples(st.just("release"), st.integers(0, 10)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    operations=st.tuples(
        st.lists(
            st.tuples(st.just("invoice"), st.integers(0, 3), day, st.sampled_from([0, 30, 90]), small_cents),
            min_size=2,
            max_size=6,
        ),
        st.lists(credit_operation, min_size=4, max_size=20),
    ).map(lambda parts: parts[0] + parts[1]),
    check_days=st.lists(st.integers(min_value=0, max_value=28).map(lambda n: n * 15), min_size=2, max_size=3, unique=True),
    limit=st.sampled_from([None, D("12000.00")]),
)
def test_credit_control_and_bad_debts_keep_the_ledger_exact(units, personas, operations, check_days, limit):
    """The same property with the operations of issue 16 drawn often: after each, the open balances, the ageing
    and the provision as of any day equal the facts; a new invoice is refused exactly when a hold is on or it goes
    beyond the limit plus the exceptions valid today; recoveries, exceptions and releases leave the ledger alone."""
    _run_ledger(units, operations, check_days, False, limit, personas["director"].user)


def _run_ledger(units, operations, check_days, auto_apply, limit, manager):
    with (
        transaction.atomic(),
        override_settings(CREDIT_AUTO_APPLY=auto_apply, CREDIT_LIMIT_POLICY="refuse"),
        mock.patch("django.utils.timezone.localdate", return_value=TODAY),
    ):
        reps = {code: StaffFactory(unit=units[code]) for code in DISTRICTS}
        customers = [
            CustomerFactory(district=units["330100"], salesperson=reps["330100"]),
            CustomerFactory(district=units["330100"]),
            CustomerFactory(district=units["330200"], salesperson=reps["330200"]),
            CustomerFactory(district=units["440100"], salesperson=reps["440100"]),
        ]
        if limit:
            Customer.objects.filter(pk=customers[0].pk).update(credit_limit=limit)
        days = sorted({BASE + timedelta(days=n) for n in check_days} | {TODAY})
        for op in operations:
            counts = (Invoice.objects.count(), Payment.objects.count(), Allocation.objects.count())
            balances = dict(Customer.objects.values_list("pk", "open_balance"))
            facts = list(Allocation.objects.order_by("id").values_list("id", "amount", "allocated_on", "reversed_on"))
            must_refuse = _invoice_refused(customers[op[1]].pk, op[4]) if op[0] == "invoice" else None
            held_before = set(CreditHold.objects.filter(state="on").values_list("customer_id", flat=True))
            refused = False
            try:
                with transaction.atomic():
                    _apply(op, customers, manager)
            except DomainError:
                refused = True
                # A refused operation writes nothing.
                assert (Invoice.objects.count(), Payment.objects.count(), Allocation.objects.count()) == counts
                assert dict(Customer.objects.values_list("pk", "open_balance")) == balances
            event(f"{op[0]}: {'refused' if refused else 'done'}")  # --hypothesis-show-statistics: what was drawn ran
            if must_refuse is not None:
                # A hold on, or beyond the limit plus the exceptions valid today: refused; otherwise written.
                assert refused == must_refuse, op
            if op[0] in ("recover", "exception", "release"):
                # Recoveries, exceptions and releases never move the ledger.
                assert list(Allocation.objects.order_by("id").values_list("id", "amount", "allocated_on", "reversed_on")) == facts
                assert dict(Customer.objects.values_list("pk", "open_balance")) == balances
            if op[0] == "hold":
                held = set(CreditHold.objects.filter(state="on").values_list("customer_id", flat=True))
                released = set(CreditHold.objects.filter(state="released").values_list("customer_id", flat=True))
                overdue = _overdue_customers(op[1])
                assert held - held_before <= overdue, op
                assert overdue - released <= held, op
            # The open balance every credit check reads equals the ledger's open receivable, after every posting.
            balances = dict(Customer.objects.values_list("pk", "open_balance"))
            assert balances == services.exposures(list(balances)), op
            # On PostgreSQL the database also keeps what each district owes (the exposure caps read it): the sum of
            # its customers' balances, whatever the posting (customers.DistrictOpenBalance).
            if connection.vendor == "postgresql":
                owed = {}
                for district, balance in Customer.objects.values_list("district_id", "open_balance"):
                    owed[district] = owed.get(district, D("0.00")) + balance
                kept = dict(DistrictOpenBalance.objects.unscoped().values_list("district_id", "open_balance"))
                assert {k: v for k, v in kept.items() if v} == {k: v for k, v in owed.items() if v}, op
            # So does each invoice's kept `allocated` (today's ageing reads it): its live allocations.
            live = {}
            for invoice_id, amount in Allocation.objects.filter(reversed_on__isnull=True).values_list("invoice_id", "amount"):
                live[invoice_id] = live.get(invoice_id, D("0.00")) + amount
            kept = dict(Invoice.objects.values_list("pk", "allocated"))
            assert kept == {pk: live.get(pk, D("0.00")) for pk in kept}, op
            _check_company(days)
        _check_ledger(units, check_days)
        transaction.set_rollback(True)


def test_buckets_typed_by_a_user(personas, units):
    from django.urls import reverse

    from customers.selectors import buckets_from_days

    assert buckets_from_days("30, 90") == [("not_due", None, 0), ("d1_30", 1, 30), ("d31_90", 31, 90), ("over_90", 91, None)]
    for bad in ("", "abc", "90,30", "0,30", "30,30"):
        with pytest.raises(InvalidInput):
            buckets_from_days(bad)
    client = personas["director"].api()
    response = client.get(reverse("report-ageing"), {"buckets": "30,90"})
    assert response.status_code == 200
    assert [b["key"] for b in response.json()["buckets"]] == ["not_due", "d1_30", "d31_90", "over_90"]
    response = client.get(reverse("report-ageing"), {"buckets": "90,30"})
    assert response.status_code == 400 and "buckets" in response.json()["errors"]
    page = personas["director"].web().get(reverse("customers:ageing"), {"buckets": "x"})
    assert page.status_code == 400 and "buckets" in page.context["form"].errors
    page = personas["director"].web().get(reverse("customers:ageing"), {"buckets": "30,90"})
    assert page.status_code == 200 and [b.key for b in page.context["report"].buckets][-1] == "over_90"
