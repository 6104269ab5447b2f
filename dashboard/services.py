"""Writes of the dashboard: (re)building the receivables snapshots from customers' invoices.

A snapshot is derived data. `receivables_snapshot_rebuild` replaces one date in one transaction with
one set-based statement per table (INSERT … SELECT … GROUP BY over the invoices and their allocations),
so a reader sees either the old snapshot or the new one, and rebuilding twice gives identical rows.
"""

import calendar
import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import check_supported_date
from core.errors import InvalidInput
from customers.models import Allocation, Customer, Invoice
from dashboard.choices import bucket_days
from dashboard.models import CreditSnapshot, DistrictReceivableSnapshot, ReceivableSnapshot

SNAPSHOT_MODELS = (ReceivableSnapshot, DistrictReceivableSnapshot, CreditSnapshot)

# Serialises rebuilds on PostgreSQL (two at once would insert the same date twice); SQLite serialises
# writers anyway.
_LOCK_KEY = 640_071


def is_month_end(day):
    return day.day == calendar.monthrange(day.year, day.month)[1]


def month_ends(*, today, months):
    """The last days of the `months` full months before today's month, oldest first."""
    result = []
    first = today.replace(day=1)
    for _n in range(months):
        last = first - datetime.timedelta(days=1)
        result.append(last)
        first = last.replace(day=1)
    return sorted(result)


def _open_invoices_sql(as_of):
    """Per counting invoice on `as_of`: district, salesperson, customer, due date and open amount —
    the definitions of customers.selectors (invoice_counts_on, allocation_counts_on, with_open_amount)."""
    invoice = connection.ops.quote_name(Invoice._meta.db_table)
    allocation = connection.ops.quote_name(Allocation._meta.db_table)
    sql = (
        "SELECT i.district_id AS district_id, i.salesperson_id AS salesperson_id, i.customer_id AS customer_id, "
        "i.due_date AS due_date, i.amount - COALESCE(a.total, 0) AS open_amount "
        f"FROM {invoice} i LEFT JOIN ("
        f"SELECT invoice_id, SUM(amount) AS total FROM {allocation} "
        "WHERE allocated_on <= %s AND (reversed_on IS NULL OR reversed_on > %s) GROUP BY invoice_id"
        ") a ON a.invoice_id = i.id "
        "WHERE i.issue_date <= %s AND (i.cancelled_on IS NULL OR i.cancelled_on > %s)"
    )
    return sql, [as_of, as_of, as_of, as_of]


def _date_param():
    return "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"


def _bucket_case(as_of):
    """SQL CASE giving an open invoice's ageing bucket. Days past due = as_of − due date, so
    `days ≤ last` is `due date ≥ as_of − last`."""
    whens, params = [], []
    days = bucket_days()
    for key, _first, last in days:
        if last is None:
            continue
        whens.append("WHEN due_date >= %s THEN %s")
        params += [as_of - datetime.timedelta(days=last), key]
    params.append(days[-1][0])
    return f"CASE {' '.join(whens)} ELSE %s END", params


def _ageing_select(as_of, source):
    """The ageing rows from `source` (open invoices with a non-zero open amount)."""
    case, params = _bucket_case(as_of)
    sql = (
        f"SELECT {_date_param()}, district_id, salesperson_id, bucket, ROUND(SUM(open_amount), 2), COUNT(*) "
        f"FROM (SELECT district_id, salesperson_id, open_amount, {case} AS bucket FROM {source}) b "
        "GROUP BY district_id, salesperson_id, bucket"
    )
    return sql, [as_of, *params]


def _district_select(as_of, source):
    """The same ageing rows with the salespeople of a district together."""
    case, params = _bucket_case(as_of)
    sql = (
        f"SELECT {_date_param()}, district_id, bucket, ROUND(SUM(open_amount), 2), COUNT(*) "
        f"FROM (SELECT district_id, open_amount, {case} AS bucket FROM {source}) b GROUP BY district_id, bucket"
    )
    return sql, [as_of, *params]


def _credit_select(as_of, source):
    """Customers whose open receivable exceeds a non-zero credit limit, by the customer's district and
    salesperson, from `source`."""
    customer = connection.ops.quote_name(Customer._meta.db_table)
    sql = (
        f"SELECT {_date_param()}, c.district_id, c.salesperson_id, COUNT(*), ROUND(SUM(o.open_amount - c.credit_limit), 2) "
        f"FROM {customer} c JOIN (SELECT customer_id, SUM(open_amount) AS open_amount FROM {source} "
        "GROUP BY customer_id) o ON o.customer_id = c.id "
        "WHERE c.credit_limit > 0 AND o.open_amount > c.credit_limit GROUP BY c.district_id, c.salesperson_id"
    )
    return sql, [as_of]


AGEING_COLUMNS = "(as_of, district_id, salesperson_id, bucket, open_amount, invoice_count)"
CREDIT_COLUMNS = "(as_of, district_id, salesperson_id, customers_over_limit, amount_over_limit)"
DISTRICT_COLUMNS = "(as_of, district_id, bucket, open_amount, invoice_count)"


def _insert_statements(as_of):
    """[(sql, params)]: on PostgreSQL one statement — the open invoices computed once (a materialised CTE)
    feeding both inserts; elsewhere one INSERT … SELECT per table (SQLite has no writable CTEs)."""
    open_sql, open_params = _open_invoices_sql(as_of)
    ageing_table = connection.ops.quote_name(ReceivableSnapshot._meta.db_table)
    credit_table = connection.ops.quote_name(CreditSnapshot._meta.db_table)
    district_table = connection.ops.quote_name(DistrictReceivableSnapshot._meta.db_table)
    if connection.vendor == "postgresql":
        ageing_sql, ageing_params = _ageing_select(as_of, "open_invoices")
        district_sql, district_params = _district_select(as_of, "open_invoices")
        credit_sql, credit_params = _credit_select(as_of, "open_invoices")
        sql = (
            f"WITH open_invoices AS MATERIALIZED (SELECT * FROM ({open_sql}) o WHERE open_amount <> 0), "
            f"credit AS (INSERT INTO {credit_table} {CREDIT_COLUMNS} {credit_sql} RETURNING 1), "
            f"district AS (INSERT INTO {district_table} {DISTRICT_COLUMNS} {district_sql} RETURNING 1) "
            f"INSERT INTO {ageing_table} {AGEING_COLUMNS} {ageing_sql}"
        )
        return [(sql, [*open_params, *credit_params, *district_params, *ageing_params])]
    source = f"({open_sql}) o WHERE open_amount <> 0"
    statements = []
    for table, columns, (select, params) in (
        (ageing_table, AGEING_COLUMNS, _ageing_select(as_of, source)),
        (district_table, DISTRICT_COLUMNS, _district_select(as_of, source)),
        (credit_table, CREDIT_COLUMNS, _credit_select(as_of, source)),
    ):
        # The source's own parameters come after the select's leading ones (as_of, bucket bounds).
        statements.append((f"INSERT INTO {table} {columns} {select}", params + open_params))
    return statements


def _prune(keep):
    """Drop every snapshot date but the latest one, month ends and `keep`."""
    dates = set(ReceivableSnapshot.objects.unscoped().values_list("as_of", flat=True).distinct())
    dates |= set(CreditSnapshot.objects.unscoped().values_list("as_of", flat=True).distinct())
    if not dates:
        return
    latest = max(dates | {keep})
    stale = [day for day in dates if day not in (latest, keep) and not is_month_end(day)]
    if stale:
        for model in SNAPSHOT_MODELS:
            rows = model.objects.unscoped().filter(as_of__in=stale)
            rows._raw_delete(rows.db)


@transaction.atomic
def receivables_snapshot_rebuild(*, as_of=None):
    """Replace the receivables and credit snapshots of a date (None: today, Beijing) with fresh ones from
    the invoices and allocations, in one transaction, then drop older dates that are neither the latest
    nor a month end. Returns {"as_of", "rows", "credit_rows"}. Safe to run twice and at once (the second
    waits for the first)."""
    if as_of is None:
        as_of = timezone.localdate()
    elif isinstance(as_of, str):
        try:
            as_of = datetime.date.fromisoformat(as_of)
        except ValueError:
            raise InvalidInput(_("Enter a valid date (YYYY-MM-DD)."), field="as_of") from None
    if isinstance(as_of, datetime.datetime) or not isinstance(as_of, datetime.date):
        raise InvalidInput(_("Enter a valid date (YYYY-MM-DD)."), field="as_of")
    check_supported_date(as_of, field="as_of")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
            # JIT compiling the grouped joins costs more than it saves here (as in performance's rebuild).
            cursor.execute("SET LOCAL jit = off")
    for model in SNAPSHOT_MODELS:
        rows = model.objects.unscoped().filter(as_of=as_of)
        rows._raw_delete(rows.db)
    with connection.cursor() as cursor:
        for sql, params in _insert_statements(as_of):
            cursor.execute(sql, params)
    _prune(as_of)
    rows = ReceivableSnapshot.objects.unscoped().filter(as_of=as_of).count()
    credit = CreditSnapshot.objects.unscoped().filter(as_of=as_of).count()
    return {"as_of": as_of, "rows": rows, "credit_rows": credit}


def receivables_snapshots_backfill(*, today=None, months=24):
    """Build today's snapshot and those of the last `months` month ends (the overdue-share trend)."""
    today = today or timezone.localdate()
    results = [receivables_snapshot_rebuild(as_of=day) for day in month_ends(today=today, months=months)]
    results.append(receivables_snapshot_rebuild(as_of=today))
    return results
