"""Writes of the performance app: (re)building the monthly summaries from the raw facts.

The summaries are derived data. `summaries_rebuild` replaces whole months in one transaction with one
set-based statement (INSERT … SELECT … GROUP BY over the facts), so a reader sees either the old
months or the new ones, and rebuilding twice gives identical rows.
"""

from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from core.periods import MONTH, Period, PeriodOutOfRange
from customers.choices import InvoiceStatus
from customers.models import Allocation, Invoice, InvoiceLine
from performance.models import DistrictMonthFact, MonthlyFact
from plans.selectors import first_invoices

# Serialises rebuilds on PostgreSQL (two at once would both insert the same months); SQLite serialises
# writers anyway.
_LOCK_KEY = 640_061


def _months(months):
    """Month values (Period, "2026-07" or a date) → sorted distinct first days; None stays None."""
    if months is None:
        return None
    if isinstance(months, (str, date, Period)):
        months = [months]
    result = set()
    for value in months:
        if isinstance(value, date):
            result.add(date(value.year, value.month, 1))
            continue
        try:
            period = Period.parse(value)
        except ValueError as error:
            raise InvalidInput(str(error), field="months") from None
        for month in period.months() if period.kind != MONTH else [period]:
            result.add(month.start)
    return sorted(result)


def _ranges(firsts):
    """Consecutive months merged into (first day, last day) ranges."""
    ranges = []
    for first in firsts:
        last = Period.of(first, MONTH).end
        if ranges and ranges[-1][1] + timedelta(days=1) == first:
            ranges[-1][1] = last
        else:
            ranges.append([first, last])
    return ranges


def _in_ranges(lookup, ranges):
    if ranges is None:
        return Q()
    condition = Q(pk__in=[])
    for first, last in ranges:
        condition |= Q(**{f"{lookup}__range": (first, last)})
    return condition


def _branches(ranges):
    """The facts grouped by month × district × salesperson (× product): one queryset per measure,
    with the definitions of plans.selectors.actual."""
    invoices = (
        Invoice.objects.unscoped()
        .filter(_in_ranges("issue_date", ranges))
        .exclude(status=InvoiceStatus.CANCELLED)
        .values(f_month=TruncMonth("issue_date"), f_district=F("district_id"), f_salesperson=F("salesperson_id"))
        .annotate(f_value=Sum("amount"), f_count=Count("pk"))
        .order_by()
    )
    lines = (
        InvoiceLine.objects.filter(_in_ranges("invoice__issue_date", ranges))
        .exclude(invoice__status=InvoiceStatus.CANCELLED)
        .values(
            f_month=TruncMonth("invoice__issue_date"),
            f_district=F("invoice__district_id"),
            f_salesperson=F("invoice__salesperson_id"),
            f_product=F("product_id"),
        )
        .annotate(f_value=Sum("amount"))
        .order_by()
    )
    lines_total = (
        InvoiceLine.objects.filter(_in_ranges("invoice__issue_date", ranges))
        .exclude(invoice__status=InvoiceStatus.CANCELLED)
        .values(
            f_month=TruncMonth("invoice__issue_date"),
            f_district=F("invoice__district_id"),
            f_salesperson=F("invoice__salesperson_id"),
        )
        .annotate(f_value=Sum("amount"))
        .order_by()
    )
    collected = (
        Allocation.objects.unscoped()
        .filter(_in_ranges("allocated_on", ranges), reversed_on__isnull=True)
        .values(
            f_month=TruncMonth("allocated_on"),
            f_district=F("invoice__district_id"),
            f_salesperson=F("invoice__salesperson_id"),
        )
        .annotate(f_value=Sum("amount"))
        .order_by()
    )
    # New customers: each customer's first invoice (plans.selectors.first_invoices), in the month it was
    # issued, for its district and salesperson — a customer is new when it first buys. Cancelling a first
    # invoice of an older month moves its customer to the month of the next one; the 10-minute refresh of the
    # recent months sees that move into them, the nightly full rebuild also takes it out of the old month.
    customers = (
        first_invoices()
        .filter(_in_ranges("issue_date", ranges))
        .values(f_month=TruncMonth("issue_date"), f_district=F("district_id"), f_salesperson=F("salesperson_id"))
        .annotate(f_count=Count("pk"))
        .order_by()
    )
    # (queryset, product column, invoiced, invoice_count, collected, new_customers)
    return [
        (invoices, "NULL", "f_value", "f_count", "0", "0"),
        (lines, "f_product", "f_value", "0", "0", "0"),
        (lines_total, "NULL", "-f_value", "0", "0", "0"),
        (collected, "NULL", "0", "0", "f_value", "0"),
        (customers, "NULL", "0", "0", "0", "f_count"),
    ]


def _insert_sql(ranges):
    parts, params = [], []
    for queryset, product, invoiced, count, collected, new in _branches(ranges):
        sql, branch_params = queryset.query.get_compiler(connection=connection).as_sql()
        parts.append(
            f"SELECT f_month, f_district, f_salesperson, {product} AS f_product, {invoiced} AS f_invoiced, "
            f"{count} AS f_count, {collected} AS f_collected, {new} AS f_new FROM ({sql}) branch"
        )
        params.extend(branch_params)
    month = "CAST(f_month AS date)" if connection.vendor == "postgresql" else "f_month"
    table = connection.ops.quote_name(MonthlyFact._meta.db_table)
    sql = (
        f"INSERT INTO {table} (month, district_id, salesperson_id, product_id, invoiced, invoice_count, collected, new_customers) "
        f"SELECT {month}, f_district, f_salesperson, f_product, ROUND(SUM(f_invoiced), 2), SUM(f_count), "
        f"ROUND(SUM(f_collected), 2), SUM(f_new) FROM ({' UNION ALL '.join(parts)}) facts "
        f"GROUP BY f_month, f_district, f_salesperson, f_product"
    )
    return sql, params


@transaction.atomic
def summaries_rebuild(*, months=None):
    """Replace the monthly summaries of the given months (Periods, "2026-07"/"2026-Q3"/"2026" texts or
    dates; None: every month) with fresh ones from the raw facts, in one transaction. Returns the
    number of rows written. Safe to run twice and at the same time (the second waits for the first)."""
    firsts = _months(months)
    if firsts is not None and not firsts:
        return 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
            # JIT compiling the five grouped branches costs more than it saves (measured: 19 s → 11 s for
            # two months of the 10-million-invoice bench); LOCAL ends with this transaction.
            cursor.execute("SET LOCAL jit = off")
    stale = MonthlyFact.objects.unscoped()
    if firsts is not None:
        stale = stale.filter(month__in=firsts)
    stale._raw_delete(stale.db)
    stale_districts = DistrictMonthFact.objects.unscoped()
    if firsts is not None:
        stale_districts = stale_districts.filter(month__in=firsts)
    stale_districts._raw_delete(stale_districts.db)
    sql, params = _insert_sql(_ranges(firsts) if firsts is not None else None)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        written = cursor.rowcount
        cursor.execute(*_district_insert_sql(firsts))
    return written


def _district_insert_sql(firsts):
    """The district rows of the months just written, added up from them in the database."""
    rows = MonthlyFact.objects.unscoped()
    if firsts is not None:
        rows = rows.filter(month__in=firsts)
    rows = (
        rows.values("month", "district_id")
        .annotate(Sum("invoiced"), Sum("invoice_count"), Sum("collected"), Sum("new_customers"))
        .order_by()
    )
    sql, params = rows.query.get_compiler(connection=connection).as_sql()
    table = connection.ops.quote_name(DistrictMonthFact._meta.db_table)
    return (
        f"INSERT INTO {table} (month, district_id, invoiced, invoice_count, collected, new_customers) {sql}",
        params,
    )


def recent_months(*, today=None):
    """The current month and the previous one (Beijing days): what facts arriving now still change."""
    today = today or timezone.localdate()
    current = Period.of(today, MONTH)
    return [current.previous(), current]


def summaries_refresh_recent(*, today=None):
    """Re-aggregate the current and the previous month."""
    return summaries_rebuild(months=recent_months(today=today))


def parse_month(text):
    """ "2026-07" → Period, or InvalidInput on the field "month"."""
    try:
        period = Period.parse(text)
    except PeriodOutOfRange as error:
        raise InvalidInput(str(error), field="month", code="date_out_of_range") from None
    except ValueError:
        period = None
    if period is None or period.kind != MONTH:
        raise InvalidInput(_("%(value)s is not a month: write it as 2026-07.") % {"value": text}, field="month")
    return period
