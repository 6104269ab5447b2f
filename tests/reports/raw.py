"""An independent computation of a report's figures from the RAW facts (customers.Invoice, Allocation,
Customer), row by row in Python — never the summaries — to hold the built reports against."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from core.periods import Period
from customers.models import Allocation, Invoice
from plans.models import Target
from regions.models import OrgUnit
from tests.first_invoices import first_invoices

CENT = Decimal("0.01")
RATE = Decimal("0.0001")


def _inside(path, unit):
    return path.startswith(unit.path)


def sales(unit, period):
    period = Period.parse(period)
    total = Decimal(0)
    for invoice in Invoice.objects.unscoped().select_related("district"):
        if invoice.status == "cancelled" or invoice.cancelled_on is not None:
            continue
        if period.start <= invoice.issue_date <= period.end and _inside(invoice.district.path, unit):
            total += invoice.amount
    return total.quantize(CENT)


def collections(unit, period):
    period = Period.parse(period)
    total = Decimal(0)
    for allocation in Allocation.objects.unscoped().select_related("invoice__district"):
        if allocation.reversed_on is not None:
            continue
        if period.start <= allocation.allocated_on <= period.end and _inside(allocation.invoice.district.path, unit):
            total += allocation.amount
    return total.quantize(CENT)


def new_customers(unit, period):
    """Customers whose first invoice (not cancelled) was issued in the period, by that invoice's district."""
    period = Period.parse(period)
    count = 0
    for invoice in first_invoices().values():
        if period.start <= invoice.issue_date <= period.end and _inside(invoice.district.path, unit):
            count += 1
    return Decimal(count).quantize(CENT)


ACTUALS = {"sales_amount": sales, "collections": collections, "new_customers": new_customers}


def rate(actual, target):
    if target is None or target == 0:
        return None
    return (actual / target).quantize(RATE, rounding=ROUND_HALF_UP)


def target(unit, period, metric):
    row = Target.objects.filter(is_current=True, unit=unit, period=str(period), metric=metric).first()
    return None if row is None else row.value


def open_by_invoice(as_of):
    """{invoice: open amount} for the invoices that count on the date."""
    result = {}
    allocations = {}
    for allocation in Allocation.objects.unscoped():
        allocations.setdefault(allocation.invoice_id, []).append(allocation)
    for invoice in Invoice.objects.unscoped().select_related("district", "customer__district"):
        if invoice.issue_date > as_of or (invoice.cancelled_on is not None and invoice.cancelled_on <= as_of):
            continue
        allocated = sum(
            (
                a.amount
                for a in allocations.get(invoice.pk, [])
                if a.allocated_on <= as_of and (a.reversed_on is None or a.reversed_on > as_of)
            ),
            Decimal(0),
        )
        result[invoice] = invoice.amount - allocated
    return result


def bucket_of(days):
    for key, first, last in settings.AGEING_BUCKETS:
        if (first is None or days >= first) and (last is None or days <= last):
            return key
    raise AssertionError(days)


def ageing_by(unit, level_depth, as_of):
    """{child unit code: {bucket: Decimal, "total", "overdue"}} for the unit's children at a depth."""
    children = {u.path: u for u in OrgUnit.objects.filter(path__startswith=unit.path, depth=level_depth)}
    rows = {}
    for invoice, amount in open_by_invoice(as_of).items():
        if not _inside(invoice.district.path, unit):
            continue
        child = next(u for path, u in children.items() if invoice.district.path.startswith(path))
        row = rows.setdefault(child.code, {key: Decimal(0) for key, _a, _b in settings.AGEING_BUCKETS})
        row[bucket_of((as_of - invoice.due_date).days)] += amount
    for row in rows.values():
        row["total"] = sum(row.values(), Decimal(0))
        row["overdue"] = row["total"] - row["not_due"]
    return {code: row for code, row in rows.items() if any(v for k, v in row.items() if k not in ("total", "overdue"))}


def over_credit_limit(unit, as_of):
    per_customer = {}
    for invoice, amount in open_by_invoice(as_of).items():
        per_customer[invoice.customer] = per_customer.get(invoice.customer, Decimal(0)) + amount
    over = [
        (customer, open_amount)
        for customer, open_amount in per_customer.items()
        if customer.credit_limit > 0 and open_amount > customer.credit_limit and _inside(customer.district.path, unit)
    ]
    return sorted(over, key=lambda pair: (-(pair[1] - pair[0].credit_limit), pair[0].pk))


def day_after(day):
    return day + datetime.timedelta(days=1)
