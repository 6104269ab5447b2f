"""Writes of the performance app: (re)building the monthly summaries from the raw facts.

The summaries are derived data. `summaries_rebuild` replaces whole months in one transaction with one
set-based statement (INSERT … SELECT … GROUP BY over the facts), so a reader sees either the old
months or the new ones, and rebuilding twice gives identical rows.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count, DateField, F, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest, Least, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from channels.metrics import first_contracts
from core.errors import InvalidInput
from core.money import ZERO, money
from core.periods import MONTH, Period, PeriodOutOfRange
from customers.choices import InvoiceStatus
from customers.models import COLLECTED, Allocation, Invoice, InvoiceLine
from performance.models import ChannelMonthFact, DistrictMonthFact, MonthlyFact
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
        .filter(COLLECTED, _in_ranges("allocated_on", ranges), reversed_on__isnull=True)
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
    # New channels: each channel's first move to contracted (channels.metrics.first_contracts), in the month of
    # that move, for the channel's district office and responsible salesperson.
    channels = (
        first_contracts()
        .filter(_in_ranges("on", ranges))
        .values(f_month=TruncMonth("on"), f_district=F("channel__unit_id"), f_salesperson=F("channel__salesperson_id"))
        .annotate(f_count=Count("pk"))
        .order_by()
    )
    # (queryset, product column, invoiced, invoice_count, collected, new_customers, new_channels)
    return [
        (invoices, "NULL", "f_value", "f_count", "0", "0", "0"),
        (lines, "f_product", "f_value", "0", "0", "0", "0"),
        (lines_total, "NULL", "-f_value", "0", "0", "0", "0"),
        (collected, "NULL", "0", "0", "f_value", "0", "0"),
        (customers, "NULL", "0", "0", "0", "f_count", "0"),
        (channels, "NULL", "0", "0", "0", "0", "f_count"),
    ]


def _insert_sql(ranges):
    parts, params = [], []
    for queryset, product, invoiced, count, collected, new, new_channels in _branches(ranges):
        sql, branch_params = queryset.query.get_compiler(connection=connection).as_sql()
        parts.append(
            f"SELECT f_month, f_district, f_salesperson, {product} AS f_product, {invoiced} AS f_invoiced, "
            f"{count} AS f_count, {collected} AS f_collected, {new} AS f_new, {new_channels} AS f_new_channels "
            f"FROM ({sql}) branch"
        )
        params.extend(branch_params)
    month = "CAST(f_month AS date)" if connection.vendor == "postgresql" else "f_month"
    table = connection.ops.quote_name(MonthlyFact._meta.db_table)
    sql = (
        f"INSERT INTO {table} (month, district_id, salesperson_id, product_id, invoiced, invoice_count, collected, "
        f"new_customers, new_channels) "
        f"SELECT {month}, f_district, f_salesperson, f_product, ROUND(SUM(f_invoiced), 2), SUM(f_count), "
        f"ROUND(SUM(f_collected), 2), SUM(f_new), SUM(f_new_channels) FROM ({' UNION ALL '.join(parts)}) facts "
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
    stale_channels = ChannelMonthFact.objects.unscoped()
    if firsts is not None:
        stale_channels = stale_channels.filter(month__in=firsts)
    stale_channels._raw_delete(stale_channels.db)
    ranges = _ranges(firsts) if firsts is not None else None
    sql, params = _insert_sql(ranges)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        written = cursor.rowcount
    _district_rows_write(firsts, ranges)
    _channel_rows_write(firsts, ranges)
    return written


# A date after every posting: the end of an interval that has not ended (not cancelled, not reversed).
_NEVER = date(9999, 12, 31)


def _open_delta_querysets(ranges, *, by_channel=False):
    """[(sign, queryset of {d: district, m: month, v: amount})]: the changes of the open receivable at
    month ends, placed in the month they take effect. `by_channel`: only invoices that name a channel, each
    row also with its channel (`c`).

    An invoice counts at a day D when issue_date ≤ D < cancelled_on, an allocation when allocated_on ≤ D <
    reversed_on and its invoice counts (customers.selectors). So at the end of month M an invoice counts
    when month(issue) ≤ M < month(cancelled_on), an allocation when month(max(allocated_on, issue)) ≤ M <
    month(min(reversed_on, cancelled_on)): +amount (an invoice) or −amount (an allocation) in the first
    month of that interval, the opposite in its end month, nothing when the two months are the same
    (issued and cancelled, or allocated and reversed, within one month: never open at a month end).
    Each change is read only for the months being rebuilt (`ranges`; None: all), each branch by a
    column that has an index — the month of the change is that column's month."""
    never = Value(_NEVER, output_field=DateField())
    invoices = (
        Invoice.objects.unscoped()
        .filter(Q(channel__isnull=False) if by_channel else Q())
        .annotate(f_start=TruncMonth("issue_date"), f_stop=TruncMonth(Coalesce("cancelled_on", never)))
        .filter(f_stop__gt=F("f_start"))
    )
    allocations = (
        Allocation.objects.unscoped()
        .filter(Q(invoice__channel__isnull=False) if by_channel else Q())
        .annotate(
            f_start=TruncMonth(Greatest("allocated_on", "invoice__issue_date")),
            f_stop=TruncMonth(Least(Coalesce("reversed_on", never), Coalesce("invoice__cancelled_on", never))),
        )
        .filter(f_stop__gt=F("f_start"))
    )
    # Allocations start with their own date, or with their invoice's when made before it was issued;
    # they end with their reversal or with their invoice's cancellation, whichever comes first.
    branches = [
        (1, invoices.filter(_in_ranges("issue_date", ranges)), "district_id", "f_start"),
        # A cancellation date is set only with the cancelled status; saying so lets the partial index of
        # cancelled invoices (invoice_cancelled_on) find them.
        (
            -1,
            invoices.filter(_in_ranges("cancelled_on", ranges), status=InvoiceStatus.CANCELLED, cancelled_on__isnull=False),
            "district_id",
            "f_stop",
        ),
        (
            -1,
            allocations.filter(_in_ranges("allocated_on", ranges), allocated_on__gte=F("invoice__issue_date")),
            "invoice__district_id",
            "f_start",
        ),
        (
            -1,
            allocations.filter(_in_ranges("invoice__issue_date", ranges), allocated_on__lt=F("invoice__issue_date")),
            "invoice__district_id",
            "f_start",
        ),
        (
            1,
            allocations.filter(_in_ranges("reversed_on", ranges), reversed_on__isnull=False).filter(
                Q(invoice__cancelled_on__isnull=True) | Q(reversed_on__lte=F("invoice__cancelled_on"))
            ),
            "invoice__district_id",
            "f_stop",
        ),
        (
            1,
            allocations.filter(
                _in_ranges("invoice__cancelled_on", ranges),
                invoice__status=InvoiceStatus.CANCELLED,
                invoice__cancelled_on__isnull=False,
            ).filter(Q(reversed_on__isnull=True) | Q(reversed_on__gt=F("invoice__cancelled_on"))),
            "invoice__district_id",
            "f_stop",
        ),
    ]
    result = []
    for sign, queryset, district, month in branches:
        keys = {"d": F(district), "m": F(month)}
        if by_channel:
            keys["c"] = F(district.replace("district_id", "channel_id"))
        result.append((sign, queryset.values(**keys).annotate(v=Sum("amount")).order_by()))
    return result


def _first_of(value):
    # TruncMonth gives a date; a datetime on some backends' expressions.
    return date(value.year, value.month, 1)


def _open_at_ends(firsts, ranges, *, by_channel=False):
    """{(month, district id): open receivable at the month's end} for the months rebuilt — every district
    with a non-zero one; a full rebuild covers every month from the first posting to this month.

    Each run of consecutive months starts from the figure kept for the month before it (0 for a full
    rebuild, which starts from the first posting) and adds the changes of its months: a rebuild of recent
    months reads only their postings. Like the other columns, a posting dated in an older month reaches
    the months after it with the nightly full rebuild; a partial rebuild on a database whose month before
    was never built starts from 0 (run a full rebuild first, as `manage.py rebuild_summaries` does)."""
    deltas = defaultdict(lambda: ZERO)
    for sign, queryset in _open_delta_querysets(ranges, by_channel=by_channel):
        for row in queryset:
            key = (row["d"], row["c"]) if by_channel else row["d"]
            deltas[(_first_of(row["m"]), key)] += sign * money(row["v"])
    if firsts is None:
        months = {month for month, _district in deltas}
        months |= set(MonthlyFact.objects.unscoped().values_list("month", flat=True).distinct())
        if not months:
            return {}
        # Through this month: a receivable stays open over months without postings, and the month
        # pages read it there (later months come with the refresh of the recent ones).
        months.add(Period.of(timezone.localdate(), MONTH).start)
        runs = [[Period.of(min(months), MONTH)]]
        while runs[0][-1].start < max(months):
            runs[0].append(runs[0][-1].next())
        bases = [{}]
    else:
        runs = [[Period.of(day, MONTH) for day in _months_between(first, last)] for first, last in ranges]
        before = [run[0].previous().start for run in runs]
        by_month = defaultdict(dict)
        if by_channel:
            kept = ChannelMonthFact.objects.unscoped().filter(month__in=before).exclude(open_at_end=0)
            for month, district, channel, value in kept.values_list("month", "district_id", "channel_id", "open_at_end"):
                by_month[month][(district, channel)] = value
        else:
            kept = DistrictMonthFact.objects.unscoped().filter(month__in=before).exclude(open_at_end=0)
            for month, district, value in kept.values_list("month", "district_id", "open_at_end"):
                by_month[month][district] = value
        bases = [by_month[month] for month in before]
    by_month_district = defaultdict(list)
    for (month, district), value in deltas.items():
        by_month_district[month].append((district, value))
    result = {}
    for run, base in zip(runs, bases, strict=True):
        running = defaultdict(lambda: ZERO, base)
        for period in run:
            for district, value in by_month_district.get(period.start, ()):
                running[district] += value
            for district, value in running.items():
                if value:
                    result[(period.start, district)] = value
    return result


def _months_between(first, last):
    month = Period.of(first, MONTH)
    while month.start <= last:
        yield month.start
        month = month.next()


def _district_rows_write(firsts, ranges):
    """The district rows of the months just written: the MonthlyFact rows added up in the database, with
    the open receivable at each month end (_open_at_ends); a district with an open receivable and no
    facts in a month gets a row of its own."""
    facts = MonthlyFact.objects.unscoped()
    if firsts is not None:
        facts = facts.filter(month__in=firsts)
    sums = {
        (row["month"], row["district_id"]): row
        for row in facts.values("month", "district_id")
        .annotate(i=Sum("invoiced"), n=Sum("invoice_count"), c=Sum("collected"), k=Sum("new_customers"), h=Sum("new_channels"))
        .order_by()
    }
    opens = _open_at_ends(firsts, ranges)
    rows = []
    for key in sorted(sums.keys() | opens.keys()):
        month, district = key
        row = sums.get(key)
        rows.append(
            DistrictMonthFact(
                month=month,
                district_id=district,
                invoiced=money(row["i"]) if row else ZERO,
                invoice_count=row["n"] if row else 0,
                collected=money(row["c"]) if row else ZERO,
                new_customers=row["k"] if row else 0,
                new_channels=row["h"] if row else 0,
                open_at_end=opens.get(key, ZERO),
            )
        )
    DistrictMonthFact.objects.bulk_create(rows, batch_size=2000)


def _channel_rows_write(firsts, ranges):
    """The per-channel rows of the months just written (ChannelMonthFact): sales and collections of the invoices
    that name a channel, grouped in the database, and the open receivable of those invoices at each month end
    (_open_at_ends by channel); a channel with an open receivable and no facts in a month gets a row of its own."""
    invoices = (
        Invoice.objects.unscoped()
        .filter(_in_ranges("issue_date", ranges), channel__isnull=False)
        .exclude(status=InvoiceStatus.CANCELLED)
        .values_list(TruncMonth("issue_date"), "district_id", "channel_id")
        .annotate(v=Sum("amount"), n=Count("pk"))
        .order_by()
    )
    collected = (
        Allocation.objects.unscoped()
        .filter(COLLECTED, _in_ranges("allocated_on", ranges), reversed_on__isnull=True, invoice__channel__isnull=False)
        .values_list(TruncMonth("allocated_on"), "invoice__district_id", "invoice__channel_id")
        .annotate(v=Sum("amount"))
        .order_by()
    )
    sales = {(_first_of(m), d, c): (money(v), n) for m, d, c, v, n in invoices}
    collections = {(_first_of(m), d, c): money(v) for m, d, c, v in collected}
    opens = {(month, d, c): value for (month, (d, c)), value in _open_at_ends(firsts, ranges, by_channel=True).items()}
    rows = []
    for key in sorted(sales.keys() | collections.keys() | opens.keys()):
        month, district, channel = key
        invoiced, count = sales.get(key, (ZERO, 0))
        rows.append(
            ChannelMonthFact(
                month=month,
                district_id=district,
                channel_id=channel,
                invoiced=invoiced,
                invoice_count=count,
                collected=collections.get(key, ZERO),
                open_at_end=opens.get(key, ZERO),
            )
        )
    ChannelMonthFact.objects.bulk_create(rows, batch_size=2000)


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
