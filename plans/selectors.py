"""Reads for plans: the actual figure of a metric (from the sales and receivables facts) and attainment.

Actuals of a period, for a unit's subtree, a salesperson or the whole company:
- sales amount: invoices issued in the period that are not cancelled;
- collections: allocations of payments to invoices made in the period that are not reversed;
- new customers: customers whose first invoice was issued in the period — the first invoice that is not
  cancelled, by issue date (then id) — counted for that invoice's district office and salesperson. A
  customer becomes one when it first buys, not when its archive is typed in (an archive opened years
  before the first sale, or an imported book of old customers, would otherwise count as new).
- new channels and key-customer contracts: their facts live in apps above plans (channels), which plans must
  not import (docs/ARCHITECTURE.md: the layers); such an app registers its sources when it starts
  (`actual_source_register`, called from its AppConfig.ready) — as customers.services.limits takes sources of
  extra credit limit from risk. A metric nobody registered stays "not recorded yet".
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from approvals.models import ApprovalRequest
from core.errors import Unprocessable
from core.periods import Period
from customers.choices import InvoiceStatus
from customers.models import COLLECTED, Allocation, Invoice
from plans.choices import COUNT_METRICS, Metric
from plans.diff import diff_versions
from plans.models import PlanVersion, Target
from regions.choices import Role, UnitKind
from regions.models import OrgUnit, StaffProfile

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
        COLLECTED,
        allocated_on__range=(period.start, period.end),
        reversed_on__isnull=True,
        **_owner_filter(path_lookup="invoice__district__path", staff_lookup="invoice__salesperson", unit=unit, staff=staff),
    )
    return rows.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")


def first_invoices():
    """The invoices that made their customer a customer: each customer's first invoice that is not
    cancelled (earliest issue date, then lowest id) — at most one per customer, unscoped. Filter it by
    issue date for "new customers in a period"; its district and salesperson say whose new customer it is.
    A cancelled invoice counts nowhere (as for sales), so cancelling a customer's first invoice moves
    the customer to the month of the next one."""
    earlier = (
        Invoice.objects.unscoped()
        .filter(customer_id=OuterRef("customer_id"))
        .exclude(status=InvoiceStatus.CANCELLED)
        .filter(Q(issue_date__lt=OuterRef("issue_date")) | Q(issue_date=OuterRef("issue_date"), pk__lt=OuterRef("pk")))
    )
    return Invoice.objects.unscoped().exclude(status=InvoiceStatus.CANCELLED).filter(~Exists(earlier))


def _new_customers(period, unit, staff):
    rows = first_invoices().filter(
        issue_date__range=(period.start, period.end),
        **_owner_filter(path_lookup="district__path", staff_lookup="salesperson", unit=unit, staff=staff),
    )
    return Decimal(rows.aggregate(n=Count("pk"))["n"])


ACTUAL_SOURCES = {
    Metric.SALES_AMOUNT: _sales_amount,
    Metric.COLLECTIONS: _collections,
    Metric.NEW_CUSTOMERS: _new_customers,
}
# Metric → fn(start, end) -> [(district id, salesperson id, month's first day, value)]: the facts of the
# registered metrics grouped by month, for `attainments` (the built-in metrics are in `_monthly_rows`).
MONTHLY_SOURCES = {}


def actual_source_register(metric, *, actual, monthly):
    """Register the facts of a metric recorded by an app above plans: `actual(period, unit, staff) -> Decimal`
    (as the sources of ACTUAL_SOURCES) and `monthly(start, end)` (as MONTHLY_SOURCES). Registering a metric
    again replaces its sources (an app's ready() may run twice in tests)."""
    metric = Metric(metric)
    ACTUAL_SOURCES[metric] = actual
    MONTHLY_SOURCES[metric] = monthly


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


# --- plans ----------------------------------------------------------------------------------------
def child_candidates(unit):
    """What a unit's targets split to: ("staff", active reps) for a district, else ("unit", active children)."""
    if unit.kind == UnitKind.DISTRICT:
        return "staff", list(
            StaffProfile.objects.filter(unit_id=unit.pk, role=Role.SALES_REP, is_active=True).order_by("employee_no")
        )
    return "unit", list(OrgUnit.objects.filter(parent_id=unit.pk, is_active=True).order_by("code"))


def child_split_columns(plan):
    """("unit", active child units) — or ("staff", active sales staff) for a district's plan: the columns
    of the split table and the ids plan_lines_save accepts in `children`."""
    return child_candidates(plan.unit)


def plan_request(plan):
    """The plan's latest approval request (any state), or None before the first submission."""
    return (
        ApprovalRequest.objects.unscoped()
        .filter(content_type=ContentType.objects.get_for_model(plan), object_id=plan.pk)
        .order_by("-version", "-pk")
        .first()
    )


def plan_versions(plan):
    return plan.versions.select_related("request").order_by("number")


def _money_text(value):
    return f"{Decimal(value):.2f}"


def plan_lines(plan):
    """The live draft's lines as JSON (the shape frozen into PlanVersion.lines)."""
    targets = []
    for line in plan.target_lines.prefetch_related("splits__unit", "splits__staff").order_by("order", "id"):
        children, months = [], []
        for split in line.splits.all():
            if split.month is not None:
                months.append({"month": str(split.month), "value": _money_text(split.value)})
            elif split.unit_id is not None:
                children.append(
                    {
                        "kind": "unit",
                        "id": split.unit_id,
                        "code": split.unit.code,
                        "name": split.unit.name,
                        "value": _money_text(split.value),
                    }
                )
            else:
                children.append(
                    {
                        "kind": "staff",
                        "id": split.staff_id,
                        "code": split.staff.employee_no,
                        "name": split.staff.name,
                        "value": _money_text(split.value),
                    }
                )
        children.sort(key=lambda child: (child["code"], child["id"]))
        months.sort(key=lambda month: month["month"])
        targets.append(
            {
                "metric": line.metric,
                "metric_label": str(Metric(line.metric).label),
                "period": str(line.period),
                "value": _money_text(line.value),
                "split_method": line.split_method,
                "distribution": line.distribution_id,
                "children": children,
                "months": months,
            }
        )
    actions = [
        {
            "what": line.what,
            "owner": line.owner_id,
            "owner_name": line.owner.name,
            "due_on": line.due_on.isoformat(),
            "notes": line.notes,
        }
        for line in plan.action_lines.select_related("owner").order_by("order", "id")
    ]
    budget = [
        {"category": line.category, "amount": _money_text(line.amount), "note": line.note}
        for line in plan.budget_lines.order_by("order", "id")
    ]
    return {"targets": targets, "actions": actions, "budget": budget}


def plan_totals(plan):
    budget = sum((line.amount for line in plan.budget_lines.all()), Decimal("0.00"))
    targets = {f"{line.metric} {line.period}": _money_text(line.value) for line in plan.target_lines.order_by("order", "id")}
    return {"budget": _money_text(budget), "targets": targets}


def _version_content(version):
    return {"title": version.title, "body": version.body, **version.lines}


def plan_diff(plan, *, old=None, new=None):
    """The difference between two versions (numbers; default the last two), or None with fewer than two
    versions. `new` may be "draft": the live draft against version `old` (default the last)."""
    versions = {version.number: version for version in plan.versions.all()}
    if new == "draft":
        base = versions.get(old) if old is not None else (versions[max(versions)] if versions else None)
        if base is None:
            return None
        return diff_versions(_version_content(base), {"title": plan.title, "body": plan.body, **plan_lines(plan)})
    if old is None and new is None:
        if len(versions) < 2:
            return None
        numbers = sorted(versions)
        old, new = numbers[-2], numbers[-1]
    elif new is None:
        new = max(versions) if versions else None
    elif old is None:
        old = max((n for n in versions if n < new), default=None)
    if old not in versions or new not in versions:
        return None
    return diff_versions(_version_content(versions[old]), _version_content(versions[new]))


def _pct(part, whole):
    if whole is None or part is None or whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _fmt(metric):
    """The kind of figure a metric's values are written as (`|figure:fmt`): counts whole, the rest money."""
    return "count" if metric in COUNT_METRICS else "money"


def plan_review_context(*, plan, request):
    """What an approver needs to decide on a plan: per target line, its value against last year's actual
    and the parent unit's current target; the splits; actions, budget; and what changed since the
    previous version. Reads the version frozen for this request (the live draft if none)."""
    version = PlanVersion.objects.filter(request=request).first() if request is not None else None
    lines = version.lines if version is not None else plan_lines(plan)
    parent_unit = plan.unit.parent
    rows = []
    for line in lines.get("targets", []):
        value = Decimal(line["value"])
        period = Period.parse(line["period"])
        try:
            last_year = actual(metric=line["metric"], period=period.same_period_last_year(), unit=plan.unit)
        except Unprocessable:
            last_year = None
        growth = None
        if last_year:
            growth = ((value - last_year) * 100 / last_year).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        parent_target = None
        if parent_unit is not None:
            parent_target = (
                Target.objects.filter(metric=line["metric"], period=str(period), unit=parent_unit, is_current=True)
                .values_list("value", flat=True)
                .first()
            )
        rows.append(
            {
                **line,
                "value": value,
                "metric_label": Metric(line["metric"]).label,
                "fmt": _fmt(line["metric"]),
                "last_year": last_year,
                "growth_pct": growth,
                "parent_unit": parent_unit,
                "parent_target": parent_target,
                "share_pct": _pct(value, parent_target),
                "children": [{**child, "value": Decimal(child["value"])} for child in line.get("children", [])],
                "months": [{**month, "value": Decimal(month["value"])} for month in line.get("months", [])],
            }
        )
    budget = [{**row, "amount": Decimal(row["amount"])} for row in lines.get("budget", [])]
    previous = None
    diff = None
    if version is not None:
        previous = plan.versions.filter(number__lt=version.number).order_by("-number").first()
        if previous is not None:
            diff = diff_versions(_version_content(previous), _version_content(version))
            for kind in ("added", "removed", "changed"):
                for changed in diff["targets"][kind]:
                    changed["fmt"] = _fmt(changed.get("metric"))
    return {
        "plan": plan,
        "version": version,
        "previous_version": previous,
        "targets": rows,
        "actions": lines.get("actions", []),
        "budget": budget,
        "budget_total": sum((row["amount"] for row in budget), Decimal("0.00")),
        "diff": diff,
    }


# --- attainment of many targets at once (the lists) -------------------------------------------------
def _monthly_rows(metric, start, end):
    """[(district id, salesperson id, (year, month), value)] of a metric's facts between two dates,
    in one query grouped by month — the same facts and rules as the sources of `actual`."""
    if metric == Metric.SALES_AMOUNT:
        rows = (
            Invoice.objects.unscoped()
            .filter(issue_date__range=(start, end))
            .exclude(status=InvoiceStatus.CANCELLED)
            .annotate(m=TruncMonth("issue_date"))
            .values_list("district_id", "salesperson_id", "m")
            .annotate(v=Sum("amount"))
            .order_by()
        )
    elif metric == Metric.COLLECTIONS:
        rows = (
            Allocation.objects.unscoped()
            .filter(COLLECTED, allocated_on__range=(start, end), reversed_on__isnull=True)
            .annotate(m=TruncMonth("allocated_on"))
            .values_list("invoice__district_id", "invoice__salesperson_id", "m")
            .annotate(v=Sum("amount"))
            .order_by()
        )
    elif metric == Metric.NEW_CUSTOMERS:
        rows = (
            first_invoices()
            .filter(issue_date__range=(start, end))
            .annotate(m=TruncMonth("issue_date"))
            .values_list("district_id", "salesperson_id", "m")
            .annotate(v=Count("pk"))
            .order_by()
        )
    elif metric in MONTHLY_SOURCES:
        rows = MONTHLY_SOURCES[metric](start, end)
    else:
        return None
    return [(district, staff, (month.year, month.month), Decimal(value or 0)) for district, staff, month, value in rows]


def attainments(*, targets):
    """{target id: attainment(target)} for many targets with one query per metric (plus one for the
    districts' paths) instead of one per target; the same figures as `attainment`."""
    targets = list(targets)
    result = {}
    by_metric = defaultdict(list)
    for target in targets:
        by_metric[target.metric].append(target)
    for metric, rows in by_metric.items():
        periods = [Period.parse(target.period) for target in rows]
        facts = _monthly_rows(metric, min(p.start for p in periods), max(p.end for p in periods))
        if facts is None:
            for target in rows:
                result[target.pk] = {"target": target.value, "actual": None, "rate": None}
            continue
        paths = dict(OrgUnit.objects.filter(pk__in={f[0] for f in facts if f[0] is not None}).values_list("pk", "path"))
        for target, period in zip(rows, periods, strict=True):
            months = {(m.year, m.index) for m in period.months()}
            if target.staff_id is not None:
                achieved = sum((v for _d, s, m, v in facts if s == target.staff_id and m in months), Decimal(0))
            else:
                prefix = target.unit.path
                achieved = sum(
                    (v for d, _s, m, v in facts if m in months and d is not None and paths.get(d, "").startswith(prefix)),
                    Decimal(0),
                )
            achieved = achieved.quantize(Decimal("0.01"))
            rate = None if target.value == 0 else (achieved / target.value).quantize(RATE, rounding=ROUND_HALF_UP)
            result[target.pk] = {"target": target.value, "actual": achieved, "rate": rate}
    return result
