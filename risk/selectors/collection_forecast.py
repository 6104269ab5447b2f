"""Collection forecast (回款预测): what each unit is expected to collect in the next three months, from its open
invoices' due dates shifted by each customer's own payment delay, and afterwards how close the forecast of each
month came to what was collected in it.

Definitions, for a forecast made at the start S of a month (from the facts as of the day before, S − 1, by the
ageing's rules — customers.selectors):
- a customer's delay is the average, weighted by amount, of the days from due date to payment (0 when paid in
  time) of its allocations made in the twelve months before S and not reversed by S − 1; a customer without such
  payments takes the average delay of all customers read (0 when nobody paid);
- each open invoice (its amount open as of S − 1) is expected on its due date + the customer's delay (rounded to
  whole days); expected before S, it is expected in the first month if at most `LATE_GRACE_DAYS` late, else not
  forecast (doubtful: the provisions cover it);
- collected in a month: the allocations made in it (not reversed by its end) to invoices issued before its start —
  the receivable the forecast was about.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, F, Func, IntegerField, Sum, Value, When

from core.money import ZERO, money
from core.periods import MONTH, Period
from customers.models import COLLECTED, Allocation, Invoice
from customers.selectors import MONEY, allocation_counts_on, invoice_counts_on
from regions.choices import UnitKind
from regions.models import OrgUnit

HORIZON = 3
LATE_GRACE_DAYS = 90
HISTORY_DAYS = 365
ACCURACY_MONTHS = 6


class DaysBetween(Func):
    """Whole days from the second date to the first."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) AS INTEGER)", arg_joiner=") - julianday(", **extra
        )


def _scoped(user, unit):
    invoices = Invoice.objects.for_user(user)
    allocations = Allocation.objects.for_user(user)
    if unit is None:
        return invoices.none(), allocations.none()
    return (
        invoices.filter(district__path__startswith=unit.path),
        allocations.filter(invoice__district__path__startswith=unit.path),
    )


def customer_delays(allocations, start):
    """({customer id: delay in days}, the average delay of them all) over the twelve months before `start`."""
    before = start - datetime.timedelta(days=1)
    late = Case(
        When(allocated_on__gt=F("invoice__due_date"), then=DaysBetween(F("allocated_on"), F("invoice__due_date"))),
        default=Value(0),
        output_field=IntegerField(),
    )
    rows = (
        allocations.filter(
            COLLECTED, allocation_counts_on(before), allocated_on__gte=start - datetime.timedelta(days=HISTORY_DAYS)
        )
        .order_by()
        .values_list("invoice__customer_id")
        .annotate(weighted=Sum(F("amount") * late, output_field=MONEY), paid=Sum("amount", output_field=MONEY))
    )
    delays, weighted_all, paid_all = {}, Decimal(0), Decimal(0)
    for customer, weighted, paid in rows:
        if paid:
            delays[customer] = int((Decimal(weighted) / Decimal(paid)).to_integral_value())
            weighted_all += Decimal(weighted)
            paid_all += Decimal(paid)
    average = int((weighted_all / paid_all).to_integral_value()) if paid_all else 0
    return delays, average


def _open_by_due_date(invoices, allocations, before):
    """{(district id, customer id, due date): open amount} as of `before`: two grouped aggregates."""
    cells = {}
    invoiced = (
        invoices.filter(invoice_counts_on(before))
        .order_by()
        .values_list("district_id", "customer_id", "due_date")
        .annotate(total=Sum("amount", output_field=MONEY))
    )
    for district, customer, due, total in invoiced:
        cells[(district, customer, due)] = money(total)
    paid = (
        allocations.filter(allocation_counts_on(before), invoice_counts_on(before, prefix="invoice__"))
        .order_by()
        .values_list("invoice__district_id", "invoice__customer_id", "invoice__due_date")
        .annotate(total=Sum("amount", output_field=MONEY))
    )
    for district, customer, due, total in paid:
        key = (district, customer, due)
        cells[key] = cells.get(key, ZERO) - money(total)
    return {key: amount for key, amount in cells.items() if amount}


def forecast_cells(invoices, allocations, first):
    """{(district id, month index 0–2): expected amount} of a forecast made at the start of month `first`."""
    start = first.start
    before = start - datetime.timedelta(days=1)
    months = [first]
    for _ in range(HORIZON - 1):
        months.append(months[-1].next())
    delays, average = customer_delays(allocations, start)
    cells = {}
    for (district, customer, due), amount in _open_by_due_date(invoices, allocations, before).items():
        expected = due + datetime.timedelta(days=delays.get(customer, average))
        if expected < start:
            if (start - expected).days > LATE_GRACE_DAYS:
                continue
            index = 0
        else:
            index = next((n for n, month in enumerate(months) if month.start <= expected <= month.end), None)
            if index is None:
                continue
        cells[(district, index)] = cells.get((district, index), ZERO) + amount
    return cells, months


def collected_in(allocations, month):
    """{district id: collected} in `month` against invoices issued before it began."""
    rows = (
        allocations.filter(
            COLLECTED, allocation_counts_on(month.end), allocated_on__gte=month.start, invoice__issue_date__lt=month.start
        )
        .order_by()
        .values_list("invoice__district_id")
        .annotate(total=Sum("amount", output_field=MONEY))
    )
    return {district: money(total) for district, total in rows}


CHILD_KIND = {UnitKind.CENTER: "region", UnitKind.REGION: "province", UnitKind.PROVINCE: "district"}


def _children_of(unit, districts):
    """{district id: the child unit of `unit` it lies under} (a district itself for a district)."""
    if unit.kind == UnitKind.DISTRICT:
        return dict.fromkeys(districts, unit.pk)
    children = list(OrgUnit.objects.filter(parent=unit).values_list("pk", "path"))
    paths = dict(OrgUnit.objects.filter(pk__in=districts).values_list("pk", "path"))
    return {d: next((pk for pk, child in children if paths.get(d, "").startswith(child)), None) for d in districts}


@dataclass
class CollectionForecast:
    unit: OrgUnit
    made_on: datetime.date
    months: list
    rows: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    accuracy: list = field(default_factory=list)


def collection_forecast(*, user, unit, today, accuracy_months=ACCURACY_MONTHS):
    """The forecast made at the start of the current month for it and the next two, per child unit, and the
    accuracy of the forecasts of the `accuracy_months` complete months before."""
    invoices, allocations = _scoped(user, unit)
    current = Period.of(today, MONTH)
    cells, months = forecast_cells(invoices, allocations, current)
    parents = _children_of(unit, {district for district, _n in cells})
    grouped = {}
    for (district, index), amount in cells.items():
        row = grouped.setdefault(parents.get(district), [ZERO] * HORIZON)
        row[index] += amount
    units = OrgUnit.objects.in_bulk([key for key in grouped if key is not None])
    report = CollectionForecast(unit=unit, made_on=current.start, months=[str(m) for m in months])
    for key, amounts in grouped.items():
        label = units[key].display_name if key in units else "—"
        report.rows.append({"key": key, "label": label, "months": amounts, "total": sum(amounts, ZERO)})
    report.rows.sort(key=lambda row: (-row["total"], row["label"]))
    report.totals = {
        "months": [sum((row["months"][n] for row in report.rows), ZERO) for n in range(HORIZON)],
        "total": sum((row["total"] for row in report.rows), ZERO),
    }
    month = current
    for _ in range(accuracy_months):
        month = month.previous()
        expected = sum(
            (amount for (_d, index), amount in forecast_cells(invoices, allocations, month)[0].items() if index == 0), ZERO
        )
        actual = sum(collected_in(allocations, month).values(), ZERO)
        error = actual - expected
        accuracy = None
        if actual:
            accuracy = max(Decimal(0), 1 - abs(error) / actual).quantize(Decimal("0.0001"))
        report.accuracy.append(
            {"month": str(month), "forecast": expected, "collected": actual, "difference": error, "accuracy": accuracy}
        )
    return report
