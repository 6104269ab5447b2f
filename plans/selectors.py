"""Reads for plans: the actual figure of a metric (from the sales and receivables facts) and attainment.

Actuals of a period, for a unit's subtree, a salesperson or the whole company:
- sales amount: invoices issued in the period that are not cancelled;
- collections: allocations of payments to invoices made in the period that are not reversed;
- new customers: customers whose archive was opened in the period (Beijing time).
New channels and key-customer contracts have no facts yet; their apps add a source to `ACTUAL_SOURCES`.
"""

from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Unprocessable
from core.periods import Period
from customers.choices import InvoiceStatus
from customers.models import Allocation, Customer, Invoice
from plans.choices import Metric

RATE = Decimal("0.0001")


def _owner_filter(*, path_lookup, staff_lookup, unit, staff):
    if staff is not None:
        return {staff_lookup: staff}
    if unit is not None:
        return {f"{path_lookup}__startswith": unit.path}
    return {}


def _sales_amount(period, unit, staff):
    rows = Invoice.objects.unscoped().filter(
        issue_date__range=(period.start, period.end),
        **_owner_filter(path_lookup="district__path", staff_lookup="salesperson", unit=unit, staff=staff),
    )
    return rows.exclude(status=InvoiceStatus.CANCELLED).aggregate(s=Sum("amount"))["s"] or Decimal("0.00")


def _collections(period, unit, staff):
    rows = Allocation.objects.unscoped().filter(
        allocated_on__range=(period.start, period.end),
        reversed_on__isnull=True,
        **_owner_filter(path_lookup="invoice__district__path", staff_lookup="invoice__salesperson", unit=unit, staff=staff),
    )
    return rows.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")


def _new_customers(period, unit, staff):
    # created_at is a moment; the period's days are Beijing days (TIME_ZONE), half-open at the end.
    zone = timezone.get_default_timezone()
    since = timezone.make_aware(datetime.combine(period.start, time.min), zone)
    until = timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min), zone)
    rows = Customer.objects.unscoped().filter(
        created_at__gte=since,
        created_at__lt=until,
        **_owner_filter(path_lookup="district__path", staff_lookup="salesperson", unit=unit, staff=staff),
    )
    return Decimal(rows.aggregate(n=Count("pk"))["n"])


ACTUAL_SOURCES = {
    Metric.SALES_AMOUNT: _sales_amount,
    Metric.COLLECTIONS: _collections,
    Metric.NEW_CUSTOMERS: _new_customers,
}


def actual(*, metric, period, unit=None, staff=None):
    """The actual figure of a metric in a period: for a salesperson, for a unit's subtree, or (neither)
    for the whole company. Money to the cent; counts as whole Decimals. Raises Unprocessable for a
    metric whose facts are not recorded yet."""
    source = ACTUAL_SOURCES.get(metric)
    if source is None:
        raise Unprocessable(
            _("Actuals of %(metric)s are not recorded yet.")
            % {"metric": Metric(metric).label if metric in Metric.values else metric},
            field="metric",
        )
    value = source(Period.parse(period), unit, staff)
    return value.quantize(Decimal("0.01"))


def attainment(*, target):
    """Attainment (完成率) of a target: {target, actual, rate}; rate = actual ÷ target to 4 places (half
    up), None when the target is zero; actual and rate are None when the metric has no facts yet."""
    try:
        achieved = actual(metric=target.metric, period=target.period, unit=target.unit, staff=target.staff)
    except Unprocessable:
        return {"target": target.value, "actual": None, "rate": None}
    rate = None if target.value == 0 else (achieved / target.value).quantize(RATE, rounding=ROUND_HALF_UP)
    return {"target": target.value, "actual": achieved, "rate": rate}
