"""Reads of the improvement of under-performing branches (整改): which units fall below the thresholds (the
figures the nightly flagging stores), an improvement plan's expected figures against the actuals month by
month, and the units under improvement a person sees. Never writes.

Every figure comes from the summaries and the ledger set-wise, in a constant number of queries whatever the
number of units: sales and collections from performance.DistrictMonthFact (rolled up from districts to the
units above them by path), targets from the units' own current monthly sales targets (plans.Target), the
overdue share from the invoices and allocations as of a day (the ageing's rule: an invoice counts from its
issue day until cancelled, an allocation from the day it was made until reversed), grade drops from
risk.StaffGradeChange.
"""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.periods import MONTH, Period
from customers.models import Allocation, Invoice
from performance.models import DistrictMonthFact
from plans.choices import Metric
from plans.models import Target
from regions.choices import UnitKind
from regions.models import OrgUnit
from risk.choices import (
    GRADES,
    IMPROVEMENT_OPEN_STATES,
    LOWER_IS_BETTER,
    FlagReason,
    ImprovementMetric,
    ImprovementState,
)
from risk.models import ImprovementMeasure, ImprovementPlan, ImprovementTarget, StaffGradeChange, UnderperformanceFlag
from workflow.choices import TaskState

CENT = Decimal("0.01")
HUNDRED = Decimal(100)

# How a month of a plan (and a figure) is doing.
ON_TRACK, BEHIND, RUNNING, PENDING, NO_DATA = "on_track", "behind", "running", "pending", "no_data"
STATUS_LABELS = {
    ON_TRACK: _("On track"),
    BEHIND: _("Behind"),
    RUNNING: _("Month running"),
    PENDING: _("Not yet"),
    NO_DATA: _("No figures"),
}


def thresholds():
    """The flagging thresholds (settings RISK_IMPROVEMENT_*, documented in config/settings/base.py)."""
    return {
        "attainment_below": Decimal(settings.RISK_IMPROVEMENT_ATTAINMENT_BELOW),
        "attainment_months": max(int(settings.RISK_IMPROVEMENT_ATTAINMENT_MONTHS), 1),
        "overdue_above": Decimal(settings.RISK_IMPROVEMENT_OVERDUE_ABOVE),
        "grade_drops": max(int(settings.RISK_IMPROVEMENT_GRADE_DROPS), 1),
        "grade_drop_months": max(int(settings.RISK_IMPROVEMENT_GRADE_DROP_MONTHS), 1),
    }


# --- small helpers ------------------------------------------------------------------------------------------------
def month_of(day):
    return day.replace(day=1)


def shift_month(first, months):
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(first):
    return shift_month(first, 1) - datetime.timedelta(days=1)


def complete_months(as_of, n):
    """The first days of the `n` complete months before `as_of`'s month, oldest first."""
    this = month_of(as_of)
    return [shift_month(this, -k) for k in range(n, 0, -1)]


def _decimal(value):
    if value is None:
        return Decimal("0.00")
    return (value if isinstance(value, Decimal) else Decimal(str(value))).quantize(CENT)


def percent(part, whole):
    """part ÷ whole in per cent, two places, half up; None without a whole."""
    if whole is None or whole == 0 or part is None:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def _prefixes(path):
    """The paths of a unit and of every unit above it: "/1/84/90/" → "/1/", "/1/84/", "/1/84/90/"."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))]


def _roll_up(by_path):
    """{district path: (a, b, …)} → {unit path: sums}, each district's figures added to every unit above it."""
    totals = defaultdict(lambda: None)
    for path, values in by_path.items():
        for prefix in _prefixes(path):
            current = totals[prefix]
            totals[prefix] = values if current is None else tuple(x + y for x, y in zip(current, values, strict=True))
    return dict(totals)


# --- the figures ------------------------------------------------------------------------------------------------
def month_facts(months, *, path=None):
    """{(district path, month): (invoiced, collected)} of the given months (one query); `path` keeps a subtree."""
    rows = DistrictMonthFact.objects.unscoped().filter(month__in=months)
    if path is not None:
        rows = rows.filter(district__path__startswith=path)
    return {
        (district_path, month): (_decimal(invoiced), _decimal(collected))
        for district_path, month, invoiced, collected in rows.order_by().values_list(
            "district__path", "month", "invoiced", "collected"
        )
    }


def month_targets(months, *, unit_ids=None):
    """{(unit id, month): the unit's own current sales target of the month} (one query)."""
    periods = {str(Period(MONTH, m.year, m.month)): m for m in months}
    rows = Target.objects.filter(
        metric=Metric.SALES_AMOUNT, period__in=list(periods), is_current=True, staff__isnull=True, unit__isnull=False
    )
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    return {
        (unit_id, periods[str(period)]): _decimal(value)
        for unit_id, period, value in rows.values_list("unit_id", "period", "value")
    }


def overdue_by_district(as_of, *, path=None):
    """{district path: (open receivable, overdue part)} as of a day, from the invoices and allocations (one
    statement). Overdue: the open part of invoices whose due date is before the day."""
    invoice, allocation, unit = Invoice._meta.db_table, Allocation._meta.db_table, OrgUnit._meta.db_table
    params = {"d": as_of, "prefix": (path or "/") + "%"}
    sql = f"""
        WITH paid AS (
            SELECT a.invoice_id, SUM(a.amount) AS amount FROM {allocation} a
            WHERE a.allocated_on <= %(d)s AND (a.reversed_on IS NULL OR a.reversed_on > %(d)s)
            GROUP BY a.invoice_id
        )
        SELECT u.path,
               SUM(i.amount - COALESCE(p.amount, 0)),
               SUM(CASE WHEN i.due_date < %(d)s THEN i.amount - COALESCE(p.amount, 0) ELSE 0 END)
        FROM {invoice} i
        JOIN {unit} u ON u.id = i.district_id
        LEFT JOIN paid p ON p.invoice_id = i.id
        WHERE i.issue_date <= %(d)s AND (i.cancelled_on IS NULL OR i.cancelled_on > %(d)s) AND u.path LIKE %(prefix)s
        GROUP BY u.path
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: (_decimal(row[1]), _decimal(row[2])) for row in cursor.fetchall()}


def grade_drops(as_of, months):
    """{unit id: number of its sales staff whose credit grade fell} within the `months` months up to `as_of`
    (one query): a change from a grade to a worse one; a first grade is no fall."""
    since = shift_month(month_of(as_of), -months)
    order = {grade: n for n, grade in enumerate(GRADES)}
    fallen = defaultdict(set)
    rows = StaffGradeChange.objects.unscoped().filter(on__gt=since, on__lte=as_of).exclude(old_grade="")
    for staff_id, unit_id, old, new in rows.values_list("staff_id", "staff__unit_id", "old_grade", "new_grade"):
        if old in order and new in order and order[new] > order[old]:
            fallen[unit_id].add(staff_id)
    return {unit_id: len(staff) for unit_id, staff in fallen.items()}


def underperformance(as_of):
    """Which units are below the thresholds as of `as_of`: {(unit id, reason): (figure, months)} — the flags
    the nightly job keeps. A handful of queries whatever the number of units (see the module's docstring)."""
    limits = thresholds()
    units = {
        path: pk for pk, path in OrgUnit.objects.filter(is_active=True).exclude(kind=UnitKind.CENTER).values_list("pk", "path")
    }
    result = {}

    # Attainment: below the threshold in each of the last N complete months (units with a target each month).
    months = complete_months(as_of, limits["attainment_months"])
    targets = month_targets(months, unit_ids=list(units.values()))
    facts = month_facts(months)
    sales = defaultdict(lambda: Decimal("0.00"))
    for (district_path, month), (invoiced, _collected) in facts.items():
        for prefix in _prefixes(district_path):
            sales[(prefix, month)] += invoiced
    for path, pk in units.items():
        rates = []
        for month in months:
            target = targets.get((pk, month))
            rate = percent(sales[(path, month)], target) if target else None
            if rate is None or rate >= limits["attainment_below"]:
                break
            rates.append((sales[(path, month)], target))
        else:
            total = percent(sum(s for s, _t in rates), sum(t for _s, t in rates))
            result[(pk, FlagReason.ATTAINMENT)] = (total, len(months))

    # Overdue share as of the day.
    for path, (open_amount, overdue) in _roll_up(overdue_by_district(as_of)).items():
        share = percent(overdue, open_amount) if open_amount > 0 else None
        if path in units and share is not None and share > limits["overdue_above"]:
            result[(units[path], FlagReason.OVERDUE_SHARE)] = (share, 1)

    # Sales staff whose grades fell.
    active_ids = set(units.values())
    for unit_id, count in grade_drops(as_of, limits["grade_drop_months"]).items():
        if unit_id in active_ids and count >= limits["grade_drops"]:
            result[(unit_id, FlagReason.STAFF_GRADE_DROP)] = (Decimal(count).quantize(CENT), limits["grade_drop_months"])
    return result


# --- progress of a plan -----------------------------------------------------------------------------------------
def _actuals(unit, months, today):
    """{(month, metric): actual} of a unit's subtree for the months (4 + one per month queries)."""
    facts = month_facts(months, path=unit.path)
    targets = month_targets(months, unit_ids=[unit.pk])
    sums = defaultdict(lambda: (Decimal("0.00"), Decimal("0.00")))
    for (_path, month), (invoiced, collected) in facts.items():
        s = sums[month]
        sums[month] = (s[0] + invoiced, s[1] + collected)
    actual = {}
    for month in months:
        invoiced, collected = sums[month]
        actual[(month, ImprovementMetric.SALES_AMOUNT)] = invoiced
        actual[(month, ImprovementMetric.COLLECTIONS)] = collected
        actual[(month, ImprovementMetric.ATTAINMENT)] = percent(invoiced, targets.get((unit.pk, month)))
        day = min(month_end(month), today)
        open_amount = overdue = Decimal("0.00")
        for o, d in overdue_by_district(day, path=unit.path).values():
            open_amount, overdue = open_amount + o, overdue + d
        actual[(month, ImprovementMetric.OVERDUE_SHARE)] = percent(overdue, open_amount) if open_amount > 0 else None
    return actual


def _judge(metric, expected, actual):
    if actual is None:
        return NO_DATA
    if metric in LOWER_IS_BETTER:
        return ON_TRACK if actual <= expected else BEHIND
    return ON_TRACK if actual >= expected else BEHIND


def plan_progress(plan, *, today=None):
    """An improvement plan's expected figures against the actuals: {months: [{month, status, figures: [{metric,
    label, expected, actual, status}]}], status, measures: {total, done, open, overdue}}.

    A complete month's figure is on track when the actual reaches the expected one (at most it, for the overdue
    share) and behind otherwise; the running month shows the actual so far (running), a future month is
    pending. The plan is behind when a figure of its latest complete month is behind, on track when they all
    are, and pending before its first month is complete."""
    today = today or timezone.localdate()
    this_month = month_of(today)
    targets = list(ImprovementTarget.objects.filter(plan=plan).order_by("month", "metric"))
    months = sorted({t.month for t in targets})
    actual = _actuals(plan.unit, [m for m in months if m <= this_month], today) if months else {}
    by_month = defaultdict(list)
    for target in targets:
        value = actual.get((target.month, target.metric))
        if target.month > this_month:
            status = PENDING
        elif target.month == this_month:
            status = RUNNING
        else:
            status = _judge(target.metric, target.expected, value)
        by_month[target.month].append(
            {
                "metric": target.metric,
                "label": ImprovementMetric(target.metric).label,
                "expected": target.expected,
                "actual": value,
                "status": status,
                "status_label": STATUS_LABELS[status],
                "is_rate": target.metric in (ImprovementMetric.ATTAINMENT, ImprovementMetric.OVERDUE_SHARE),
            }
        )
    rows = []
    for month in months:
        figures = by_month[month]
        statuses = {f["status"] for f in figures}
        if month > this_month:
            status = PENDING
        elif month == this_month:
            status = RUNNING
        elif BEHIND in statuses:
            status = BEHIND
        elif statuses == {ON_TRACK}:
            status = ON_TRACK
        else:
            status = NO_DATA
        rows.append({"month": month, "status": status, "status_label": STATUS_LABELS[status], "figures": figures})
    complete = [row for row in rows if row["month"] < this_month]
    overall = complete[-1]["status"] if complete else PENDING
    return {
        "months": rows,
        "status": overall,
        "status_label": STATUS_LABELS[overall],
        "measures": measure_counts(plan, today=today),
    }


def measure_counts(plan, *, today=None):
    """How the plan's measures are doing from their tasks' states: {total, done, open, overdue} (one query)."""
    today = today or timezone.localdate()
    counts = {"total": 0, "done": 0, "open": 0, "overdue": 0}
    for state, due_on in ImprovementMeasure.objects.filter(plan=plan).values_list("task__state", "due_on"):
        counts["total"] += 1
        if state == TaskState.DONE:
            counts["done"] += 1
        else:
            counts["open"] += 1
            if due_on < today:
                counts["overdue"] += 1
    return counts


def plan_measures(plan):
    return ImprovementMeasure.objects.filter(plan=plan).select_related("owner", "task").order_by("order", "pk")


# --- lists ------------------------------------------------------------------------------------------------------
def open_flags(user):
    """The open flags of the person's scope, worst units first (most flags)."""
    return UnderperformanceFlag.objects.for_user(user).open().select_related("unit").order_by("unit__path", "reason")


def flagged_units(user):
    """The units of the person's scope with open flags and no open plan yet: [{unit, flags}] (one query)."""
    planned = set(ImprovementPlan.objects.for_user(user).open().values_list("unit_id", flat=True))
    units = {}
    for flag in open_flags(user):
        if flag.unit_id in planned:
            continue
        units.setdefault(flag.unit_id, {"unit": flag.unit, "flags": []})["flags"].append(flag)
    return list(units.values())


def improvement_panel(user):
    """The risk overview's panel: units flagged, plans waiting for a decision and plans in progress, of the
    person's scope (two queries)."""
    flagged = UnderperformanceFlag.objects.for_user(user).open().aggregate(units=Count("unit", distinct=True))["units"]
    states = dict(
        ImprovementPlan.objects.for_user(user)
        .filter(state__in=IMPROVEMENT_OPEN_STATES)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    return {
        "flagged_units": flagged or 0,
        "drafts": states.get(ImprovementState.DRAFT, 0),
        "submitted": states.get(ImprovementState.SUBMITTED, 0),
        "in_progress": states.get(ImprovementState.IN_PROGRESS, 0) + states.get(ImprovementState.APPROVED, 0),
    }
