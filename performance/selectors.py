"""Reads of the performance app: actuals and attainment from the monthly summaries only (never the raw
invoices). The figures are those of `plans.selectors.actual` — the tests hold them equal."""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput, Unprocessable
from core.periods import Period
from core.roles import Role
from core.scoping import scope_of
from performance.models import DistrictMonthFact, MonthlyFact
from plans.choices import Metric
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile

RATE = Decimal("0.0001")
CENT = Decimal("0.01")

# The summary column of each metric that has facts.
COLUMNS = {
    Metric.SALES_AMOUNT: "invoiced",
    Metric.COLLECTIONS: "collected",
    Metric.NEW_CUSTOMERS: "new_customers",
}
METRICS = tuple(COLUMNS)


def _column(metric):
    column = COLUMNS.get(metric)
    if column is None:
        raise Unprocessable(
            _("Actuals of %(metric)s are not recorded yet.")
            % {"metric": Metric(metric).label if metric in Metric.values else metric},
            field="metric",
        )
    return column


def _months(period):
    return (period.start, period.months()[-1].start)


def actual_from_summary(*, metric, period, unit=None, staff=None):
    """The actual figure of a metric in a period, for a salesperson, a unit's subtree or (neither) the
    whole company — as plans.selectors.actual, read from the summaries."""
    column = _column(metric)
    period = Period.parse(period)
    if staff is not None:
        rows = MonthlyFact.objects.unscoped().filter(month__range=_months(period), salesperson=staff)
    else:
        rows = DistrictMonthFact.objects.unscoped().filter(month__range=_months(period))
        if unit is not None:
            rows = rows.filter(district__path__startswith=unit.path)
    value = rows.aggregate(v=Sum(column))["v"] or 0
    return Decimal(value).quantize(CENT)


def parse_period(text, *, today=None):
    """A period from the query: malformed or starting after today → InvalidInput on "period"."""
    try:
        period = Period.parse(text)
    except ValueError:
        raise InvalidInput(
            _("%(value)s is not a period: write a year (2026), a quarter (2026-Q3) or a month (2026-07).") % {"value": text},
            field="period",
        ) from None
    today = today or timezone.localdate()
    if period.start > today:
        raise InvalidInput(_("The period %(period)s has not begun yet.") % {"period": period}, field="period")
    return period


def default_unit(user):
    """The unit a person's tables start from: their own (the whole company for the center)."""
    scope = scope_of(user)
    if scope.everything:
        return OrgUnit.objects.filter(kind=UnitKind.CENTER).first()
    if scope.path is None:
        return None
    return OrgUnit.objects.filter(path=scope.path).first()


def _rate(target, achieved):
    if target is None or achieved is None or target == 0:
        return None
    return (achieved / target).quantize(RATE, rounding=ROUND_HALF_UP)


def _figures(metrics, targets, actuals):
    result = {}
    for metric in metrics:
        target = targets.get(metric)
        achieved = actuals.get(metric)
        result[metric] = {"target": target, "actual": achieved, "rate": _rate(target, achieved), "rank": None}
    return result


def _zero(values):
    return {metric: Decimal(values.get(metric) or 0).quantize(CENT) for metric in values}


def attainment_table(*, user, unit, period, metrics=None):
    """Attainment of a unit and of what sits directly below it, from the summaries, in a constant number
    of queries: {unit, period, metrics, child_kind, head, children}.

    `head` is the unit itself; `children` its active child units — or, for a district, its active sales
    staff — each with, per metric, the current target, the actual, the rate (actual ÷ target, None
    without a target or with a zero one) and the rank among the siblings (by rate, highest first; ties
    and rows without a rate by code; rows without a rate get no rank). A salesperson (own scope) sees
    only their own row: `head` is the person and there are no children. A unit outside the user's scope
    raises Http404."""
    from plans.models import Target

    period = Period.parse(period)
    metrics = [Metric(m) for m in (metrics or METRICS)]
    for metric in metrics:
        _column(metric)
    scope = scope_of(user)
    if unit is None or not scope.covers_path(unit.path):
        # The views look the unit up in the caller's scope first; this guards any other caller.
        raise Http404
    month_range = _months(period)
    facts = MonthlyFact.objects.unscoped().filter(month__range=month_range)
    sums = {metric: Sum(COLUMNS[metric]) for metric in metrics}

    if scope.own_only:
        staff = StaffProfile.objects.select_related("unit").get(pk=scope.staff_id)
        head = {"kind": "staff", "id": staff.pk, "code": staff.employee_no, "name": staff.name, "unit": staff.unit}
        head_actuals = _zero(facts.filter(salesperson_id=staff.pk).aggregate(**sums))
        targets = Target.objects.filter(is_current=True, period=str(period), metric__in=metrics, staff_id=staff.pk)
        head_targets = {t.metric: t.value for t in targets}
        head["figures"] = _figures(metrics, head_targets, head_actuals)
        return {"unit": staff.unit, "period": period, "metrics": metrics, "child_kind": None, "head": head, "children": []}

    if unit.kind == UnitKind.DISTRICT:
        child_kind = "staff"
        children = [
            {"kind": "staff", "id": s.pk, "code": s.employee_no, "name": s.name, "object": s}
            for s in StaffProfile.objects.filter(unit_id=unit.pk, role=Role.SALES_REP, is_active=True).order_by("employee_no")
        ]
        staff_ids = [child["id"] for child in children]
        by_staff = {
            row.pop("salesperson_id"): row
            for row in facts.filter(salesperson_id__in=staff_ids).values("salesperson_id").annotate(**sums).order_by()
        }
        child_actuals = [_zero({m: by_staff.get(child["id"], {}).get(m) for m in metrics}) for child in children]
        head_actuals = _zero(facts.filter(district__path__startswith=unit.path).aggregate(**sums))
        target_filter = Q(unit_id=unit.pk) | Q(staff_id__in=staff_ids)
    else:
        child_kind = "unit"
        children = [
            {"kind": "unit", "id": u.pk, "code": u.code, "name": u.name, "object": u, "path": u.path}
            for u in OrgUnit.objects.filter(parent_id=unit.pk, is_active=True).order_by("code")
        ]
        # Units add up their districts: read the district roll-up (a few rows per district and month), not the
        # salesperson × product rows.
        by_district = list(
            DistrictMonthFact.objects.unscoped()
            .filter(month__range=month_range, district__path__startswith=unit.path)
            .values("district__path")
            .annotate(**sums)
            .order_by()
        )
        head_actuals = _zero({m: sum((row[m] or 0 for row in by_district), Decimal(0)) for m in metrics})
        child_actuals = []
        for child in children:
            rows = [row for row in by_district if row["district__path"].startswith(child["path"])]
            child_actuals.append(_zero({m: sum((row[m] or 0 for row in rows), Decimal(0)) for m in metrics}))
        target_filter = Q(unit_id__in=[unit.pk, *(child["id"] for child in children)])

    targets = defaultdict(dict)
    for target in Target.objects.filter(target_filter, is_current=True, period=str(period), metric__in=metrics):
        key = ("staff", target.staff_id) if target.staff_id else ("unit", target.unit_id)
        targets[key][target.metric] = target.value

    head = {"kind": "unit", "id": unit.pk, "code": unit.code, "name": unit.name, "object": unit}
    head["figures"] = _figures(metrics, targets[("unit", unit.pk)], head_actuals)
    for child, achieved in zip(children, child_actuals, strict=True):
        child["figures"] = _figures(metrics, targets[(child["kind"], child["id"])], achieved)
        child.pop("path", None)
    for metric in metrics:
        rated = sorted(
            (child for child in children if child["figures"][metric]["rate"] is not None),
            key=lambda child: (-child["figures"][metric]["rate"], child["code"]),
        )
        for rank, child in enumerate(rated, start=1):
            child["figures"][metric]["rank"] = rank
    return {"unit": unit, "period": period, "metrics": metrics, "child_kind": child_kind, "head": head, "children": children}


def ranking(table, metric):
    """The children of an attainment table in rank order for one metric (unranked ones last, by code)."""
    metric = Metric(metric)
    return sorted(
        table["children"],
        key=lambda child: (child["figures"][metric]["rank"] is None, child["figures"][metric]["rank"] or 0, child["code"]),
    )
