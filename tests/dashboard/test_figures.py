"""The dashboard's figures equal independent computations from the raw facts (invoices, allocations,
customers, targets) of a generated data set, and it reads them in a constant number of queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.money import ZERO
from core.rights import SYSTEM
from core.roles import Role
from customers.models import Allocation, Customer, Invoice
from customers.selectors import ageing
from customers.services import customer_create, invoice_record, payment_record
from dashboard import selectors, services
from performance import services as performance_services
from plans.services import target_set
from regions.services import staff_hire
from tests.dashboard.conftest import TODAY
from tests.first_invoices import first_invoices

RATE = Decimal("0.0001")


def _shift(first, months):
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_of(day):
    return date(day.year, day.month, 1)


class Raw:
    """Sales, collections and new customers by month from the raw rows, for a predicate on (district, rep)."""

    def __init__(self, keep):
        self.sales, self.collected, self.new = {}, {}, {}
        for invoice in Invoice.objects.unscoped().select_related("district"):
            if invoice.cancelled_on is None and keep(invoice.district, invoice.salesperson_id):
                month = _month_of(invoice.issue_date)
                self.sales[month] = self.sales.get(month, ZERO) + invoice.amount
        for allocation in Allocation.objects.unscoped().select_related("invoice__district"):
            if allocation.reversed_on is None and keep(allocation.invoice.district, allocation.invoice.salesperson_id):
                month = _month_of(allocation.allocated_on)
                self.collected[month] = self.collected.get(month, ZERO) + allocation.amount
        # A new customer: its first invoice, in that invoice's month, for that invoice's district and rep.
        for invoice in first_invoices().values():
            if keep(invoice.district, invoice.salesperson_id):
                month = _month_of(invoice.issue_date)
                self.new[month] = self.new.get(month, 0) + 1

    def over(self, table, months):
        return sum((table.get(m, 0) for m in months), 0)


def _year_months(today):
    return [date(today.year, m, 1) for m in range(1, today.month + 1)]


def _rate(target, actual):
    return (Decimal(actual) / Decimal(target)).quantize(RATE) if target else None


def _close(a, b):
    return abs(Decimal(a) - Decimal(b)) <= RATE


def test_unit_figures_equal_the_raw_facts(facts, personas, units):
    zhejiang = units["330000"]
    target_set(metric="sales_amount", period="2026-04", unit=zhejiang, value="50000.00", by=SYSTEM)
    target_set(metric="sales_amount", period="2026", unit=zhejiang, value="900000.00", by=SYSTEM)
    target_set(metric="collections", period="2026", unit=zhejiang, value="400000.00", by=SYSTEM)
    target_set(metric="new_channels", period="2026", unit=zhejiang, value="5", by=SYSTEM)
    target_set(metric="sales_amount", period="2026-04", unit=units[("330100")], value="10000.00", by=SYSTEM)
    target_set(metric="sales_amount", period="2026-04", unit=units["330200"], value="90000000.00", by=SYSTEM)

    data = selectors.dashboard(user=personas["rm_east"].user, unit=zhejiang, today=TODAY)
    raw = Raw(lambda district, rep: district.path.startswith(zhejiang.path))
    month, year = [_month_of(TODAY)], _year_months(TODAY)

    head = data["head"]
    sales_month = raw.over(raw.sales, month)
    assert head["month"]["sales_amount"]["actual"] == sales_month
    assert head["month"]["sales_amount"]["target"] == Decimal("50000.00")
    assert head["month"]["sales_amount"]["rate"] == _rate(Decimal("50000"), sales_month)
    assert head["year"]["sales_amount"]["actual"] == raw.over(raw.sales, year)
    assert head["year"]["collections"]["actual"] == raw.over(raw.collected, year)
    assert head["year"]["collections"]["rate"] == _rate(Decimal("400000"), raw.over(raw.collected, year))
    assert head["year"]["new_customers"]["actual"] == raw.over(raw.new, year)
    assert head["month"]["collections"]["target"] is None and head["month"]["collections"]["rate"] is None
    # New channels: the target shows, the actual is counted from the channels' history (none here: zero).
    assert head["year"]["new_channels"]["target"] == Decimal("5") and head["year"]["new_channels"]["recorded"] is True
    assert head["year"]["new_channels"]["actual"] == 0 and head["year"]["new_channels"]["rate"] == 0

    # Rankings of the districts below by this month's sales attainment.
    ranked = [row["code"] for row in data["rankings"]["month"]]
    expected = sorted(
        (code for code in ("330100", "330200")),
        key=lambda code: -Decimal(next(c for c in data["children"] if c["code"] == code)["month"]["sales_amount"]["rate"]),
    )
    assert ranked == expected
    for child in data["children"]:
        unit = units[child["code"]]
        child_raw = Raw(lambda district, rep, unit=unit: district.path.startswith(unit.path))
        assert child["month"]["sales_amount"]["actual"] == child_raw.over(child_raw.sales, month)
        assert child["year"]["collections"]["actual"] == child_raw.over(child_raw.collected, year)

    # Receivables: the ageing of customers.selectors over the subtree's invoices.
    invoices = Invoice.objects.unscoped().filter(district__path__startswith=zhejiang.path)
    report = ageing(invoices=invoices, as_of=TODAY, group_by="district")
    receivables = data["receivables"]
    assert receivables["as_of"] == TODAY
    assert receivables["total"] == report.totals["total"] > 0
    overdue = sum((v for k, v in report.totals["buckets"].items() if k != "not_due"), ZERO)
    assert receivables["overdue"] == overdue
    assert receivables["overdue_share"] == (overdue / report.totals["total"]).quantize(RATE)
    assert {b["key"]: b["amount"] for b in receivables["buckets"]} == report.totals["buckets"]
    by_district = {row["key"]: row["total"] for row in report.rows}
    for child in data["children"]:
        assert child["receivables"]["total"] == by_district.get(units[child["code"]].pk, ZERO)

    # Trend: 24 months ending with this one; MoM and YoY from the raw months.
    trend = data["trend"]
    assert len(trend) == 24 and trend[-1]["month"] == "2026-04" and trend[0]["month"] == "2024-05"
    for row in trend:
        first = date.fromisoformat(row["month"] + "-01")
        current, before, year_ago = (raw.sales.get(d, ZERO) for d in (first, _shift(first, -1), _shift(first, -12)))
        assert row["sales"] == current
        assert row["collections"] == raw.collected.get(first, ZERO)
        assert row["sales_mom"] == ((current / before - 1).quantize(RATE) if before else None)
        assert row["sales_yoy"] == ((current / year_ago - 1).quantize(RATE) if year_ago else None)
    assert any(row["sales_mom"] is not None for row in trend)

    # Overdue share over the kept dates (the month ends before TODAY, and TODAY).
    dates = [point["as_of"] for point in data["overdue_trend"]]
    assert dates[-1] == TODAY and date(2026, 3, 31) in dates
    for point in data["overdue_trend"]:
        report = ageing(invoices=invoices, as_of=point["as_of"], group_by="district")
        assert point["total"] == report.totals["total"]

    # Alerts: below 80 % of the pace (330100 has a tiny target, 330200 a huge one).
    codes = {(a["code"], a["subject"]["id"]) for a in data["alerts"] if a["subject"]}
    assert ("below_pace", units["330200"].pk) in codes
    assert ("below_pace", units["330100"].pk) not in codes


def test_salesperson_figures_and_customers(facts, personas, units):
    rep = personas["rep_hangzhou"].staff
    target_set(metric="sales_amount", period="2026", staff=rep, value="100000.00", by=SYSTEM)
    data = selectors.dashboard(user=personas["dm_hangzhou"].user, unit=rep.unit, staff=rep, today=TODAY)
    raw = Raw(lambda district, person: person == rep.pk)
    year = _year_months(TODAY)
    assert data["level"] == "staff" and data["head"]["id"] == rep.pk
    assert data["head"]["year"]["sales_amount"]["actual"] == raw.over(raw.sales, year)
    assert data["head"]["year"]["sales_amount"]["target"] == Decimal("100000.00")
    assert data["head"]["month"]["collections"]["actual"] == raw.over(raw.collected, [_month_of(TODAY)])
    invoices = Invoice.objects.unscoped().filter(salesperson=rep)
    report = ageing(invoices=invoices, as_of=TODAY, group_by="salesperson")
    assert data["receivables"]["total"] == report.totals["total"]
    # Customers: this year's sales and today's open balance, from the raw invoices.
    mine = Customer.objects.unscoped().filter(salesperson=rep)
    assert {c["id"] for c in data["children"]} == set(mine.values_list("pk", flat=True))
    balances = {
        row["key"]: row["total"]
        for row in ageing(invoices=Invoice.objects.unscoped().filter(customer__in=mine), as_of=TODAY, group_by="customer").rows
    }
    for child in data["children"]:
        sales = sum(
            (
                i.amount
                for i in Invoice.objects.unscoped().filter(customer_id=child["id"])
                if i.cancelled_on is None and date(2026, 1, 1) <= i.issue_date <= date(2026, 12, 31)
            ),
            ZERO,
        )
        assert child["year_sales"] == sales
        assert child["open_amount"] == balances.get(child["id"], ZERO)


def _grow(units, personas, n):
    """More of everything: reps, customers, invoices, payments across the districts; summaries and
    snapshots rebuilt."""
    for k in range(n):
        for code in ("330100", "330200", "440100"):
            rep = staff_hire(
                by=SYSTEM,
                employee_no=f"G{code}{k}",
                name=f"新人{k}",
                unit=units[code],
                role=Role.SALES_REP,
                hire_date=date(2020, 1, 1),
            )
            for j in range(2):
                customer = customer_create(
                    by=SYSTEM,
                    name=f"增长客户{code}{k}{j}",
                    district=units[code],
                    salesperson=rep,
                    external_id=f"G-{code}-{k}-{j}",
                )
                for m in range(3):
                    issued = date(2026, 1 + m, 5 + j)
                    invoice_record(
                        by=SYSTEM,
                        customer=customer,
                        issue_date=issued,
                        due_date=issued + timedelta(days=30),
                        amount=f"{1000 + m}.50",
                    )
                payment_record(by=SYSTEM, customer=customer, received_on=date(2026, 3, 10), amount="1500.00")
    rep = personas["rep_hangzhou"].staff
    for j in range(n * 3):
        customer = customer_create(
            by=SYSTEM, name=f"业务员客户{j}", district=units["330100"], salesperson=rep, external_id=f"GR-{j}"
        )
        invoice_record(by=SYSTEM, customer=customer, issue_date=date(2026, 2, 1), due_date=date(2026, 3, 1), amount="800.00")
    performance_services.summaries_rebuild()
    services.receivables_snapshots_backfill(today=TODAY, months=6)


SUBJECTS = [
    ("director", "HQ", None),
    ("rm_east", "HD", None),
    ("pm_zhejiang", "330000", None),
    ("dm_hangzhou", "330100", None),
    ("dm_hangzhou", "330100", "rep_hangzhou"),
    ("rep_hangzhou", "330100", "rep_hangzhou"),
]


def _count(personas, units, persona, code, staff):
    user = personas[persona].user
    unit = units[code]
    person = personas[staff].staff if staff else None
    with CaptureQueriesContext(connection) as context:
        selectors.dashboard(user=user, unit=unit, staff=person, today=TODAY)
    return len(context.captured_queries)


def test_constant_number_of_queries_at_two_data_sizes(facts, personas, units):
    small = {subject: _count(personas, units, *subject) for subject in SUBJECTS}
    _grow(units, personas, 4)
    large = {subject: _count(personas, units, *subject) for subject in SUBJECTS}
    assert small == large
    # 25 before issue 18; its worklist counts (overdue visits: the visit rules and one count; complaints: one
    # aggregate) add three where the person has a worklist.
    assert max(large.values()) <= 28, large


@pytest.mark.parametrize("persona", ["director", "rm_east", "dm_hangzhou", "rep_hangzhou"])
def test_page_and_api_query_counts_do_not_grow(persona, facts, personas, units):
    from django.urls import reverse

    def count(path):
        client = personas[persona].web() if path.startswith("/dashboard") else personas[persona].api()
        with CaptureQueriesContext(connection) as context:
            assert client.get(path).status_code == 200
        return len(context.captured_queries)

    paths = [reverse("dashboard:dashboard"), reverse("dashboard-api")]
    before = [count(p) for p in paths]
    _grow(units, personas, 2)
    assert [count(p) for p in paths] == before


def test_without_any_snapshot_the_receivables_are_empty_not_made_up(personas, units):
    data = selectors.dashboard(user=personas["director"].user, unit=units["HQ"], today=TODAY)
    assert data["receivables"]["as_of"] is None and data["receivables"]["total"] == ZERO
    assert data["receivables"]["overdue_share"] is None
    assert data["overdue_trend"] == []
