"""Reads of the home pages. `sales_home` is everything a salesperson's home (业务人员工作台) shows: their
own sales, targets and attainment, their receivables and worst overdue customers, their tasks due and
what waits for them.

Every figure comes from an existing read, through the scope rule (`for_user`), so a salesperson sees only
their own rows and the figures are the ones the other pages show:

- sales and collections of the month and year: the monthly summaries (performance.MonthlyFact, the
  definitions of `plans.selectors.actual`; refreshed every ten minutes), as the dashboard reads them;
- targets: the current targets set on the person (plans.Target);
- receivables: `customers.selectors.ageing` of the person's invoices as of today, grouped by customer —
  the very figures of the ageing page the card links to;
- tasks: `workflow.selectors.my_tasks`; submissions, decisions and messages: `core.worklist`.

A constant number of queries whatever the number of customers, invoices or tasks
(tests/home/test_sales_home.py holds it).

There is no visit record (拜访记录) in the system yet, so the home shows no visits.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from core.money import ZERO, money
from core.periods import MONTH, YEAR, Period
from core.roles import staff_of
from core.worklist import worklist
from customers.models import Allocation, Customer, Invoice
from customers.selectors import ageing
from dashboard.selectors import pace
from performance.models import MonthlyFact
from plans.choices import Metric
from plans.models import Target
from workflow.choices import TaskState
from workflow.selectors import my_tasks

RATE = Decimal("0.0001")
OVERDUE_CUSTOMERS_SHOWN = 5
TASKS_SHOWN = 6
# The metrics with facts a salesperson is measured on, and the summary column of each.
COLUMNS = {Metric.SALES_AMOUNT: "invoiced", Metric.COLLECTIONS: "collected"}


def _rate(target, actual):
    """Attainment as a fraction (0.4375), None without a target or with a zero one."""
    if target is None or target == 0:
        return None
    return (Decimal(actual) / Decimal(target)).quantize(RATE, rounding=ROUND_HALF_UP)


def _bar(rate):
    """Width of a progress bar, whole percent between 0 and 100 (not a figure people read)."""
    if rate is None:
        return 0
    return int(max(Decimal(0), min(Decimal(100), rate * 100)).to_integral_value(rounding=ROUND_HALF_UP))


def _figure(target, actual):
    rate = _rate(target, actual)
    return {"target": target, "actual": actual, "rate": rate, "bar": _bar(rate)}


def _performance(user, staff, month, year):
    """{"month": {metric: figure}, "year": {...}}: one query on the summaries, one on the targets."""
    sums = {}
    for metric, column in COLUMNS.items():
        sums[f"month_{metric.value}"] = Sum(column, filter=Q(month=month.start))
        sums[f"year_{metric.value}"] = Sum(column)
    actuals = (
        MonthlyFact.objects.for_user(user)
        .filter(salesperson_id=staff.pk, month__range=(year.start, month.start))
        .aggregate(**sums)
    )
    targets = {
        (str(period), str(metric)): value
        for period, metric, value in Target.objects.for_user(user)
        .filter(staff_id=staff.pk, is_current=True, period__in=[str(month), str(year)], metric__in=list(COLUMNS))
        .values_list("period", "metric", "value")
    }
    result = {}
    for key, period in (("month", month), ("year", year)):
        result[key] = {
            metric.value: _figure(targets.get((str(period), metric.value)), money(actuals[f"{key}_{metric.value}"] or 0))
            for metric in COLUMNS
        }
    return result


def _receivables(user, staff, today):
    """The person's open receivables as of today and their overdue customers, worst (most overdue) first."""
    invoices = Invoice.objects.for_user(user).filter(salesperson_id=staff.pk)
    allocations = Allocation.objects.for_user(user).filter(invoice__salesperson_id=staff.pk)
    report = ageing(invoices=invoices, allocations=allocations, as_of=today, group_by="customer")
    overdue_buckets = [bucket for bucket in report.buckets if bucket.first is not None and bucket.first > 0]
    rows = []
    for row in report.rows:
        overdue = sum((row["buckets"][bucket.key] for bucket in overdue_buckets), ZERO)
        if overdue <= 0:
            continue
        # The oldest bucket with money in it: how late the worst invoice is.
        oldest = next((bucket for bucket in reversed(overdue_buckets) if row["buckets"][bucket.key] > 0), None)
        rows.append(
            {
                "id": row["key"],
                "name": row["label"],
                "code": row["code"],
                "overdue": overdue,
                "total": row["total"],
                "oldest": oldest.label if oldest is not None else "",
            }
        )
    rows.sort(key=lambda r: (-r["overdue"], r["name"], r["id"]))
    shown = rows[:OVERDUE_CUSTOMERS_SHOWN]
    # A customer handed to a colleague keeps its invoices with this person: link only to the customers the
    # person may open now (one query for the few shown).
    visible = set(Customer.objects.for_user(user).filter(pk__in=[r["id"] for r in shown]).values_list("pk", flat=True))
    for row in shown:
        row["may_open"] = row["id"] in visible
    total = report.totals["total"]
    overdue_total = sum((report.totals["buckets"][bucket.key] for bucket in overdue_buckets), ZERO)
    return {
        "as_of": report.as_of,
        "total": total,
        "overdue": overdue_total,
        "overdue_share": _rate(total, overdue_total) if total > 0 else None,
        "overdue_customer_count": len(rows),
        "overdue_customers": shown,
    }


def _tasks(user, today):
    """The person's open tasks past their due date and due by the end of this week (Sunday)."""
    week_end = today + datetime.timedelta(days=6 - today.weekday())
    due = my_tasks(user).filter(state=TaskState.OPEN, due_on__lte=week_end)
    counts = due.aggregate(overdue=Count("pk", filter=Q(due_on__lt=today)), this_week=Count("pk", filter=Q(due_on__gte=today)))
    rows = list(due.order_by("due_on", "pk").values("pk", "title", "due_on")[:TASKS_SHOWN])
    for row in rows:
        row["overdue"] = row["due_on"] < today
        row["days_late"] = (today - row["due_on"]).days if row["overdue"] else 0
    return {"week_end": week_end, "overdue": counts["overdue"], "this_week": counts["this_week"], "rows": rows}


def sales_home(*, user, today=None):
    """Every figure of a salesperson's home on a day. None for someone without a staff profile."""
    staff = staff_of(user)
    if staff is None:
        return None
    today = today or timezone.localdate()
    month, year = Period.of(today, MONTH), Period.of(today, YEAR)
    return {
        "today": today,
        "month": month,
        "year": year,
        "pace": pace(today),
        "performance": _performance(user, staff, month, year),
        "receivables": _receivables(user, staff, today),
        "tasks": _tasks(user, today),
        "customer_count": Customer.objects.for_user(user).filter(salesperson_id=staff.pk).count(),
        "worklist": worklist(user),
    }
