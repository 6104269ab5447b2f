"""The factors of the credit ratings (信誉等级), computed set-wise in the database from the facts as of a day.

Every figure is exact as of `as_of`, for today and any past date: an invoice counts from its issue day
until the day it is cancelled, an allocation from the day it was made until the day it was reversed (the
same rule as the ageing, customers.selectors). Values are Decimals rounded half up to 4 places; None where
the factor cannot be computed (the scheme's `if_missing` score applies).

Customers (one row per customer):
- overdue_share — open receivable past its due date ÷ open receivable; None with nothing open.
- days_beyond_terms — the overdue receivable's days past due, weighted by amount (0 when nothing is
  overdue); None with nothing open.
- oldest_overdue — days past due of the oldest invoice still partly open; 0 when nothing is overdue; None
  with nothing open.
- delay_trend — the average delay of payments (days from due date to allocation, 0 when paid in time,
  weighted by amount) over the last 3 months minus that over the 6 months before; positive = paying later.
  None when either window has no payment.
- limit_utilisation — open receivable ÷ credit limit (the limit as it is now: limits keep no history);
  None without a limit.
- tenure — whole months from the customer's first (not cancelled) invoice to `as_of`; None without one.

Sales staff (one row per active salesperson):
- customers_overdue_share — the overdue share of the invoices they are the salesperson of.
- collection_attainment — collected ÷ collections target over the three complete months before `as_of`
  (the monthly summaries and the person's current targets); None without a target.
- appraisal_score — the total of their latest appraisal among runs whose period ended by `as_of`.
- task_timeliness — of their tasks due in the six months up to `as_of` (not cancelled), the share
  completed by the due date; None without such tasks.
"""

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils import timezone

from appraisal.models import AppraisalRun, AppraisalScore
from core.money import CENT
from core.periods import Period
from core.roles import Role
from customers.models import Allocation, Customer, Invoice
from customers.selectors import changed_after
from performance.models import MonthlyFact
from plans.models import Target
from regions.models import StaffProfile
from workflow.choices import TaskState
from workflow.models import Task

PLACES = Decimal("0.0001")


def value(number):
    """A factor value as stored: a Decimal to 4 places, half up; None stays None."""
    if number is None:
        return None
    return Decimal(str(number)).quantize(PLACES, rounding=ROUND_HALF_UP)


def months_before(day, months):
    """The same day `months` calendar months earlier (the month's last day when it is shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_months(start, end):
    """Whole calendar months from `start` to `end` (0 within the first month)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def _days(later, earlier):
    """SQL: whole days from `earlier` to `later` (two date expressions)."""
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _tables():
    return {
        "invoice": Invoice._meta.db_table,
        "allocation": Allocation._meta.db_table,
        "customer": Customer._meta.db_table,
    }


def _day(param):
    return f"CAST(%({param})s AS DATE)" if connection.vendor == "postgresql" else f"%({param})s"


def _ids(ids):
    """A SQL list of invoice ids (integers from the database, so safe to inline)."""
    return ", ".join(str(int(pk)) for pk in sorted(ids))


def _open_sql(group_by, *, kept=False, only=None, skip=None):
    """Open receivable figures as of %(d)s grouped by an invoice column (customer_id or salesperson_id):
    total open, overdue open, overdue open × days past due, the oldest overdue invoice's days past due.

    From the facts (`kept=False`): every invoice issued and not cancelled by the day, less its allocations
    live on that day — exact for any day. From the kept figures (`kept=True`, for today and later): the open
    invoices' `amount − allocated`, read from the partial covering index of open invoices (customers 0013),
    as the ageing does (customers.selectors). `only` / `skip`: invoice ids to restrict to / leave out."""
    t = _tables()
    d = _day("d")
    past_due = _days(d, "o.due_date")
    if kept:
        source = f"""
            SELECT i.{group_by} AS owner, i.due_date, i.amount - i.allocated AS amount FROM {t["invoice"]} i
            WHERE i.status = 'open' AND i.issue_date <= %(d)s AND i.{group_by} IS NOT NULL
              {f"AND i.id NOT IN ({_ids(skip)})" if skip else ""}"""
    else:
        source = f"""
            WITH paid AS (
                SELECT a.invoice_id, SUM(a.amount) AS amount FROM {t["allocation"]} a
                WHERE a.allocated_on <= %(d)s AND (a.reversed_on IS NULL OR a.reversed_on > %(d)s)
                  {f"AND a.invoice_id IN ({_ids(only)})" if only is not None else ""}
                GROUP BY a.invoice_id
            )
            SELECT i.{group_by} AS owner, i.due_date, i.amount - COALESCE(p.amount, 0) AS amount
            FROM {t["invoice"]} i LEFT JOIN paid p ON p.invoice_id = i.id
            WHERE i.issue_date <= %(d)s AND (i.cancelled_on IS NULL OR i.cancelled_on > %(d)s)
              AND i.{group_by} IS NOT NULL {f"AND i.id IN ({_ids(only)})" if only is not None else ""}"""
    return f"""
        SELECT o.owner,
               SUM(o.amount),
               SUM(CASE WHEN o.due_date < %(d)s THEN o.amount ELSE 0 END),
               SUM(CASE WHEN o.due_date < %(d)s THEN o.amount * {past_due} ELSE 0 END),
               MAX(CASE WHEN o.due_date < %(d)s AND o.amount > 0 THEN {past_due} END)
        FROM ({source}) o GROUP BY o.owner
    """


def open_sums_sql(group_by, **kwargs):
    """_open_sql with named columns (owner, total, overdue, overdue_days, oldest), for a statement that adds
    them up (risk.rating_sql)."""
    return f"SELECT * FROM ({_open_sql(group_by, **kwargs)}) x(owner, total, overdue, overdue_days, oldest)"


def _first_invoices(as_of):
    """{customer id: the issue day of its first invoice not cancelled by `as_of`}."""
    t = _tables()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT i.customer_id, MIN(i.issue_date) FROM {t["invoice"]} i
                WHERE i.issue_date <= %(d)s AND (i.cancelled_on IS NULL OR i.cancelled_on > %(d)s)
                GROUP BY i.customer_id""",
            {"d": as_of},
        )
        return {
            pk: datetime.date.fromisoformat(first) if isinstance(first, str) else first  # SQLite: text
            for pk, first in cursor.fetchall()
        }


def _delay_sql():
    t = _tables()
    delay = f"CASE WHEN a.allocated_on > i.due_date THEN {_days('a.allocated_on', 'i.due_date')} ELSE 0 END"
    return f"""
        SELECT i.customer_id,
               SUM(CASE WHEN a.allocated_on > %(recent)s THEN a.amount * {delay} ELSE 0 END),
               SUM(CASE WHEN a.allocated_on > %(recent)s THEN a.amount ELSE 0 END),
               SUM(CASE WHEN a.allocated_on <= %(recent)s THEN a.amount * {delay} ELSE 0 END),
               SUM(CASE WHEN a.allocated_on <= %(recent)s THEN a.amount ELSE 0 END)
        FROM {t["allocation"]} a JOIN {t["invoice"]} i ON i.id = a.invoice_id
        WHERE a.allocated_on > %(earlier)s AND a.allocated_on <= %(d)s
          AND (a.reversed_on IS NULL OR a.reversed_on > %(d)s) AND a.origin <> 'write_off'
        GROUP BY i.customer_id
    """


def _cents(amount):
    """A sum of amounts (or of amount × days) to the cent: SQLite returns such sums as floats."""
    return Decimal(str(amount or 0)).quantize(CENT)


def _ratio(numerator, denominator):
    if numerator is None or not denominator:
        return None
    return value(Decimal(str(numerator)) / Decimal(str(denominator)))


# How far back the kept figures still answer faster than the facts: every invoice touched after the day is
# taken from the facts, and those grow with the distance. Measured at 10 million invoices, 30 days back:
# 283,809 invoices touched, 10.0 s against 53.6 s from the facts alone, the same figures for every customer.
KEPT_REACH = datetime.timedelta(days=45)


def _open_figures(group_by, as_of):
    """{owner id: (total open, overdue share, days beyond terms, oldest overdue)} as of `as_of`.

    From today back to KEPT_REACH the kept figures answer (a few seconds at 10 million invoices instead of a
    minute), and the invoices something dated after `as_of` already happened to come from the facts, exactly
    as the ageing does today — an invoice nothing touched since `as_of` stood then as it stands now; further
    back the facts alone."""
    statements = []
    if as_of >= timezone.localdate() - KEPT_REACH:
        later = changed_after(as_of)
        statements.append(_open_sql(group_by, kept=True, skip=later))
        if later:
            statements.append(_open_sql(group_by, only=later))
    else:
        statements.append(_open_sql(group_by))
    sums = {}
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, {"d": as_of})
            for owner, total, overdue, overdue_days, oldest in cursor.fetchall():
                got = sums.setdefault(owner, [Decimal(0), Decimal(0), Decimal(0), None])
                got[0] += _cents(total)
                got[1] += _cents(overdue)
                got[2] += _cents(overdue_days)
                if oldest is not None:
                    got[3] = oldest if got[3] is None else max(got[3], oldest)
    figures = {}
    for owner, (total, overdue, overdue_days, oldest) in sums.items():
        if total > 0:
            share = _ratio(overdue, total)
            beyond = _ratio(overdue_days, overdue) if overdue > 0 else value(0)
            oldest = value(oldest or 0)
        else:
            share = beyond = oldest = None
        figures[owner] = (total, share, beyond, oldest)
    return figures


def customer_overdue_shares(as_of):
    """{customer id: overdue share} as of `as_of` for the customers with something open (the one factor a
    rule comparing two days needs for the earlier day — without the other factors' scans)."""
    return {owner: share for owner, (_total, share, _beyond, _oldest) in _open_figures("customer_id", as_of).items()}


def customer_factors(as_of, *, tenure=True):
    """{customer id: {factor field: value}} for every customer, as of `as_of` (see the module's docstring).
    `tenure=False` leaves the tenure out (None) and its scan of every invoice: the warning rules need none."""
    opens = _open_figures("customer_id", as_of)
    firsts = _first_invoices(as_of) if tenure else {}
    delays = {}
    with connection.cursor() as cursor:
        cursor.execute(_delay_sql(), {"d": as_of, "recent": months_before(as_of, 3), "earlier": months_before(as_of, 9)})
        for customer_id, recent_days, recent_amount, earlier_days, earlier_amount in cursor.fetchall():
            recent = _ratio(_cents(recent_days), _cents(recent_amount))
            earlier = _ratio(_cents(earlier_days), _cents(earlier_amount))
            delays[customer_id] = None if recent is None or earlier is None else value(recent - earlier)
    result = {}
    for customer_id, limit in Customer.objects.unscoped().values_list("id", "credit_limit").iterator(chunk_size=20000):
        total, share, beyond, oldest = opens.get(customer_id, (Decimal(0), None, None, None))
        first = firsts.get(customer_id)
        result[customer_id] = {
            "days_beyond_terms": beyond,
            "overdue_share": share,
            "oldest_overdue": oldest,
            "delay_trend": delays.get(customer_id),
            "limit_utilisation": _ratio(total, limit) if limit else None,
            "tenure": value(whole_months(first, as_of)) if first else None,
        }
    return result


def rated_staff():
    """The people the staff scheme grades: active sales staff."""
    return StaffProfile.objects.unscoped().filter(role=Role.SALES_REP, is_active=True)


def staff_factors(as_of):
    """{staff id: {factor field: value}} for every active salesperson, as of `as_of`."""
    people = list(rated_staff().values_list("id", flat=True))
    opens = _open_figures("salesperson_id", as_of)

    # Collection attainment: the three complete months before as_of.
    first_of_month = as_of.replace(day=1)
    months = [months_before(first_of_month, n) for n in (3, 2, 1)]
    collected = {}
    for staff_id, amount in (
        MonthlyFact.objects.unscoped()
        .filter(salesperson_id__in=people, month__in=months)
        .values_list("salesperson_id", "collected")
    ):
        collected[staff_id] = collected.get(staff_id, Decimal(0)) + amount
    targets = {}
    for staff_id, amount in (
        Target.objects.unscoped()
        .filter(staff_id__in=people, is_current=True, metric="collections", period__in=[f"{m:%Y-%m}" for m in months])
        .values_list("staff_id", "value")
    ):
        targets[staff_id] = targets.get(staff_id, Decimal(0)) + amount

    # The latest appraisal whose period ended by as_of.
    runs = {}
    for run_id, period in AppraisalRun.objects.unscoped().filter(computed_at__isnull=False).values_list("id", "period"):
        end = Period.parse(str(period)).end
        if end <= as_of:
            runs[run_id] = end
    appraisal = {}
    for staff_id, run_id, total in (
        AppraisalScore.objects.unscoped()
        .filter(run_id__in=list(runs), staff_id__in=people)
        .values_list("staff_id", "run_id", "total")
    ):
        if staff_id not in appraisal or (runs[run_id], run_id) > appraisal[staff_id][0]:
            appraisal[staff_id] = ((runs[run_id], run_id), total)

    # Tasks due in the six months up to as_of.
    due, on_time = {}, {}
    for owner_id, due_on, completed_on in (
        Task.objects.unscoped()
        .filter(owner_id__in=people, due_on__gt=months_before(as_of, 6), due_on__lte=as_of)
        .exclude(state=TaskState.CANCELLED)
        .values_list("owner_id", "due_on", "completed_on")
    ):
        due[owner_id] = due.get(owner_id, 0) + 1
        if completed_on is not None and completed_on <= due_on and completed_on <= as_of:
            on_time[owner_id] = on_time.get(owner_id, 0) + 1

    result = {}
    for staff_id in people:
        _total, share, _beyond, _oldest = opens.get(staff_id, (Decimal(0), None, None, None))
        result[staff_id] = {
            "customers_overdue_share": share,
            "collection_attainment": _ratio(collected.get(staff_id, Decimal(0)), targets.get(staff_id)),
            "appraisal_score": value(appraisal[staff_id][1]) if staff_id in appraisal else None,
            "task_timeliness": _ratio(on_time.get(staff_id, 0), due.get(staff_id)),
        }
    return result
