"""Reads of the performance app: actuals and attainment from the monthly summaries only (never the raw
invoices). The figures are those of `plans.selectors.actual` — the tests hold them equal."""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from channels.models import Channel
from core.db_router import read_connection
from core.errors import Unprocessable
from core.periods import Period
from core.roles import Role
from core.scoping import scope_of
from performance.models import ChannelMonthFact, DistrictMonthFact, MonthlyFact
from plans.choices import Metric
from plans.models import Target
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile

RATE = Decimal("0.0001")
CENT = Decimal("0.01")

# The summary column of each metric that has facts.
COLUMNS = {
    Metric.SALES_AMOUNT: "invoiced",
    Metric.COLLECTIONS: "collected",
    Metric.NEW_CUSTOMERS: "new_customers",
    Metric.NEW_CHANNELS: "new_channels",
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
    period = Period.parse(period)
    metrics = [Metric(m) for m in (metrics or METRICS)]
    for metric in metrics:
        _column(metric)
    scope = scope_of(user)
    if unit is None or not scope.covers_path(unit.path):
        # The views look the unit up in the caller's scope first; this guards any other caller.
        raise Http404
    month_range = _months(period)
    if unit.kind != UnitKind.DISTRICT and not scope.own_only:
        # Units: one statement does it all — the unit and its children, each with its districts' facts
        # added up from the district roll-up and its current targets (no queryset built: that alone
        # cost a seventh of this call).
        head_figures, children = _unit_rows(unit, period, metrics, month_range)
        head = {"kind": "unit", "id": unit.pk, "code": unit.code, "name": unit.name, "object": unit, "figures": head_figures}
        _rank(children, metrics)
        return {"unit": unit, "period": period, "metrics": metrics, "child_kind": "unit", "head": head, "children": children}

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

    # A district: its active sales staff.
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
    # The district itself from its roll-up: a row a month.
    head_actuals = _zero(
        DistrictMonthFact.objects.unscoped().filter(month__range=month_range, district_id=unit.pk).aggregate(**sums)
    )
    target_filter = Q(unit_id=unit.pk) | Q(staff_id__any=staff_ids)

    targets = defaultdict(dict)
    rows = Target.objects.filter(target_filter, is_current=True, period=str(period), metric__in=metrics).values_list(
        "staff_id", "unit_id", "metric", "value"
    )
    for staff_id, unit_id, metric, value in rows:
        targets[("staff", staff_id) if staff_id else ("unit", unit_id)][metric] = value

    head = {"kind": "unit", "id": unit.pk, "code": unit.code, "name": unit.name, "object": unit}
    head["figures"] = _figures(metrics, targets[("unit", unit.pk)], head_actuals)
    for child, achieved in zip(children, child_actuals, strict=True):
        child["figures"] = _figures(metrics, targets[(child["kind"], child["id"])], achieved)
    _rank(children, metrics)
    return {"unit": unit, "period": period, "metrics": metrics, "child_kind": "staff", "head": head, "children": children}


def _rank(children, metrics):
    """Rank siblings per metric by rate, highest first; ties and rows without a rate by code."""
    for metric in metrics:
        rated = sorted(
            (child for child in children if child["figures"][metric]["rate"] is not None),
            key=lambda child: (-child["figures"][metric]["rate"], child["code"]),
        )
        for rank, child in enumerate(rated, start=1):
            child["figures"][metric]["rank"] = rank


# The unit and its active children; per unit, its districts' facts of the months (the district roll-up;
# districts matched to a child by path prefix) and one row per current unit target of the period.
# In the model's field order, as Model.from_db expects them.
_UNIT_COLUMNS = tuple(
    f.attname
    for f in OrgUnit._meta.concrete_fields
    if f.attname in {"id", "kind", "code", "name", "name_en", "parent_id", "path", "depth", "is_active"}
)
_ACTIVE_AT = _UNIT_COLUMNS.index("is_active")
_UNIT_ROWS_SQL = f"""
    WITH kids AS (
        SELECT {", ".join(_UNIT_COLUMNS)} FROM regions_orgunit
        WHERE id = %(unit)s OR (parent_id = %(unit)s AND is_active = %(true)s)
    ), facts AS (
        {{facts}}
    )
    SELECT {", ".join("k." + c for c in _UNIT_COLUMNS)}, f.sales_amount, f.collections, f.new_customers, f.new_channels,
        t.metric, t.value
    FROM kids k
    LEFT JOIN facts f ON {{match}}
    LEFT JOIN plans_target t ON t.unit_id = k.id AND t.staff_id IS NULL AND t.period = %(period)s
         AND t.is_current = %(true)s AND t.metric IN ('sales_amount', 'collections', 'new_customers', 'new_channels')
    ORDER BY k.code
"""
_FACT_SUMS = (
    "SUM(f.invoiced) AS sales_amount, SUM(f.collected) AS collections, SUM(f.new_customers) AS new_customers, "
    "SUM(f.new_channels) AS new_channels"
)
_UNIT_ROWS_SQL_BY_VENDOR = {
    # PostgreSQL: each district's row goes to the child named by its path's next element, and ROLLUP adds
    # the unit's own total (the row whose child is NULL) — one pass over the district rows, no join of
    # districts to children by prefix (0.14 ms of a 1.1 ms statement, measured on the bench data set).
    "postgresql": _UNIT_ROWS_SQL.format(
        facts=f"""
        SELECT split_part(d.path, '/', %(depth)s)::bigint AS kid, {_FACT_SUMS}
        FROM performance_districtmonthfact f
        JOIN regions_orgunit d ON d.id = f.district_id AND d.path LIKE %(prefix)s
        WHERE f.month BETWEEN %(start)s AND %(end)s
        GROUP BY ROLLUP (1)""",
        match="f.kid = k.id OR (f.kid IS NULL AND k.id = %(unit)s)",
    ),
    # Elsewhere (SQLite has neither split_part nor ROLLUP): districts matched to the unit and each child by
    # path prefix.
    "other": _UNIT_ROWS_SQL.format(
        facts=f"""
        SELECT k.id AS kid, {_FACT_SUMS}
        FROM performance_districtmonthfact f
        JOIN regions_orgunit d ON d.id = f.district_id AND d.path LIKE %(prefix)s
        JOIN kids k ON d.path LIKE k.path || '%%'
        WHERE f.month BETWEEN %(start)s AND %(end)s
        GROUP BY k.id""",
        match="f.kid = k.id",
    ),
}


def _decimal(value):
    # PostgreSQL returns sums as Decimal; SQLite as int or float (the shortest repr is the stored cents).
    return None if value is None else value if isinstance(value, Decimal) else Decimal(str(value)).quantize(CENT)


def _unit_rows(unit, period, metrics, month_range):
    """(figures of the unit, [child rows with figures]) from one statement."""
    params = {
        "unit": unit.pk,
        "true": True,
        "prefix": unit.path + "%",
        "start": month_range[0],
        "end": month_range[1],
        "period": str(period),
        "depth": unit.path.count("/") + 1,  # the path element ("/1/84/<child>/") that names a child
    }
    db = read_connection()  # the replica inside core.db_router.use_replica() (the dashboard), else the primary
    sql = _UNIT_ROWS_SQL_BY_VENDOR.get(db.vendor, _UNIT_ROWS_SQL_BY_VENDOR["other"])
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    units, actuals, targets = {}, {}, defaultdict(dict)
    width = len(_UNIT_COLUMNS)
    for row in rows:
        pk = row[0]
        if pk not in units:
            values = list(row[:width])
            values[_ACTIVE_AT] = bool(values[_ACTIVE_AT])  # SQLite returns 0/1
            units[pk] = OrgUnit.from_db(db.alias, _UNIT_COLUMNS, values)
            actuals[pk] = _zero({m: _decimal(row[width + METRICS.index(m)]) for m in metrics})
        metric, value = row[-2], row[-1]
        if metric in metrics:
            targets[pk][metric] = _decimal(value)
    children = [
        {
            "kind": "unit",
            "id": pk,
            "code": u.code,
            "name": u.name,
            "object": u,
            "figures": _figures(metrics, targets[pk], actuals[pk]),
        }
        for pk, u in units.items()
        if pk != unit.pk
    ]
    return _figures(metrics, targets[unit.pk], actuals[unit.pk]), children


def ranking(table, metric):
    """The children of an attainment table in rank order for one metric (unranked ones last, by code)."""
    metric = Metric(metric)
    return sorted(
        table["children"],
        key=lambda child: (child["figures"][metric]["rank"] is None, child["figures"][metric]["rank"] or 0, child["code"]),
    )


def _cents(value):
    # Sums: Decimal on PostgreSQL, int or float on SQLite (whose shortest repr is the stored cents); None → 0.
    return Decimal(str(value or 0)).quantize(CENT)


def sales_by_channel(*, user, unit, period):
    """Sales through each channel (渠道销售) in a unit's subtree and a period, from the per-channel summaries read
    through the scope rule (a salesperson: the channels they are responsible for): per channel the sales and
    invoice count of the period, the collections (write-offs excluded) and the open receivable at the period's
    end — the last month's month-end figure. {unit, period, rows, total}; rows by sales, highest first. Two
    queries whatever the number of invoices. A unit outside the user's scope raises Http404."""
    period = Period.parse(period)
    if unit is None or not scope_of(user).covers_path(unit.path):
        raise Http404
    first, last = _months(period)
    sums = (
        ChannelMonthFact.objects.for_user(user)
        .filter(month__range=(first, last), district__path__startswith=unit.path)
        .values("channel_id")
        .annotate(
            invoiced=Sum("invoiced"),
            invoice_count=Sum("invoice_count"),
            collected=Sum("collected"),
            open_at_end=Sum("open_at_end", filter=Q(month=last)),
        )
        .order_by()
    )
    sums = {row.pop("channel_id"): row for row in sums}
    # Only what the page and the API show of each channel (a region has hundreds; whole rows cost 3× the time).
    channels = (
        Channel.objects.filter(pk__in=list(sums))
        .select_related("unit")
        .only("id", "external_id", "name", "kind", "state", "unit_id", "unit__name")
        .order_by()
    )
    rows = []
    for channel in channels:
        row = sums[channel.pk]
        rows.append(
            {
                "channel": channel,
                "invoiced": _cents(row["invoiced"]),
                "invoice_count": int(row["invoice_count"] or 0),
                "collected": _cents(row["collected"]),
                "open_at_end": _cents(row["open_at_end"]),
            }
        )
    rows.sort(key=lambda row: (-row["invoiced"], row["channel"].name, row["channel"].pk))
    total = {key: sum((row[key] for row in rows), _cents(0)) for key in ("invoiced", "collected", "open_at_end")}
    total["invoice_count"] = sum(row["invoice_count"] for row in rows)
    return {"unit": unit, "period": period, "rows": rows, "total": total}
