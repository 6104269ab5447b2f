"""Reads of business reports: the figures of a report (`report_figures`), computed in the database from
the monthly summaries (their district roll-up, performance.DistrictMonthFact), the current targets (plans.Target) and the receivables
(customers, with the ageing definitions of customers.selectors), in a constant number of queries."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from core.db_router import read_connection
from core.money import ZERO, money
from core.periods import MONTH, Period
from core.scoping import Scope
from customers.models import Allocation, Customer, Invoice
from customers.selectors import CHILD_LEVEL, ageing, ageing_buckets
from performance.models import DistrictMonthFact
from performance.selectors import COLUMNS
from performance.turnover import turnover_of_units
from plans.choices import Metric
from plans.models import Target
from regions.choices import UnitKind
from regions.models import OrgUnit
from relations.selectors.complaints import complaint_report_section
from reports.choices import ReportKind
from risk.selectors import period_events, provision_section

CENT = Decimal("0.01")
RATE = Decimal("0.0001")

# Thresholds of the exceptions section (named here so that the report, its tests and the manual agree).
LOW_ATTAINMENT = Decimal("0.80")  # a unit below 80 % of its sales target is an exception
HIGH_OVERDUE_SHARE = Decimal("0.30")  # a unit whose overdue receivables exceed 30 % of its open ones
RANKED = 5  # top 5 and bottom 5 units by sales attainment
OVER_LIMIT_SHOWN = 10  # customers over their credit limit: the count and the 10 largest excesses

METRICS = (Metric.SALES_AMOUNT, Metric.COLLECTIONS, Metric.NEW_CUSTOMERS)
# Summed for the three compared periods besides METRICS: the new channels (a count, no attainment row in the report).
SUMMED = (*METRICS, Metric.NEW_CHANNELS)
# The three periods every comparison reads: the report's, the one before (MoM/QoQ) and last year's (YoY).
COMPARED = ("current", "previous", "last_year")
# Bump when the shape of `data` changes, so that pages can tell an old report from a new one.
# 2: the receivable turnover section (`turnover`); reports of version 1 have none.
# 3: `new_channels` holds the counts of the compared periods ({"recorded": True, "current": …}); before: {"recorded": False}.
DATA_VERSION = 3
# The turnover figures a report keeps per unit and month (performance.turnover's definitions).
TURNOVER_FIGURES = ("sales", "open_at_end", "average_receivable", "turnover_times", "turnover_days", "dso")


def _rate(numerator, denominator):
    if denominator is None or numerator is None or denominator == 0:
        return None
    return (numerator / denominator).quantize(RATE, rounding=ROUND_HALF_UP)


def _growth(current, before):
    if before is None or before == 0:
        return None
    return ((current - before) / before).quantize(RATE, rounding=ROUND_HALF_UP)


def jsonable(value):
    """Decimals as strings (exact), dates as ISO text; everything else as it is."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def report_units(unit):
    """The units a report lists below its own: the regions for the company; the provinces and the
    districts for a region (in tree order). `ranked` are the ones compared with each other (regions, or
    the region's districts)."""
    depths = [unit.depth + 1] if unit.kind == UnitKind.CENTER else [unit.depth + 1, unit.depth + 2]
    listed = list(
        OrgUnit.objects.filter(path__startswith=unit.path, depth__in=depths, is_active=True)
        .order_by("path")
        .only("id", "code", "name", "kind", "path", "depth")
    )
    ranked_depth = depths[-1]
    return listed, [u for u in listed if u.depth == ranked_depth]


def _unit_row(unit):
    return {"unit_id": unit.pk, "code": unit.code, "name": unit.name, "kind": unit.kind}


def _fact_sums(unit, periods):
    """{unit path: {(compared, metric): Decimal, (compared, "rows"): int}} summed per district in ONE
    grouped query over the three compared periods; the caller rolls districts up the tree."""
    aggregates = {}
    months = Q()
    for n, key in enumerate(COMPARED):
        bounds = (periods[key].start, periods[key].months()[-1].start)
        months |= Q(month__range=bounds)
        within = Q(month__range=bounds)
        for m, metric in enumerate(SUMMED):
            aggregates[f"s{n}_{m}"] = Sum(COLUMNS[metric], filter=within)
        aggregates[f"r{n}"] = Count("pk", filter=within)
    rows = (
        DistrictMonthFact.objects.unscoped()
        .filter(months, district__path__startswith=unit.path)
        .values("district__path")
        .annotate(**aggregates)
        .order_by()
    )
    result = {}
    for row in rows:
        sums = {}
        for n, key in enumerate(COMPARED):
            for m, metric in enumerate(SUMMED):
                sums[(key, metric)] = Decimal(row[f"s{n}_{m}"] or 0)
            sums[(key, "rows")] = row[f"r{n}"] or 0
        result[row["district__path"]] = sums
    return result


def _roll_up(district_sums, paths):
    """Sums of the districts below each of `paths` (a district row adds to every listed ancestor)."""
    wanted = set(paths)
    totals = {path: {} for path in paths}
    for district_path, sums in district_sums.items():
        parts = district_path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            ancestor = "/" + "/".join(parts[:depth]) + "/"
            if ancestor in wanted:
                bucket = totals[ancestor]
                for key, value in sums.items():
                    bucket[key] = bucket.get(key, 0) + value
    return totals


def _attainment(targets, sums):
    figures = {}
    for metric in METRICS:
        target = targets.get(metric)
        actual = Decimal(sums.get(("current", metric), 0)).quantize(CENT)
        figures[metric] = {"target": None if target is None else money(target), "actual": actual, "rate": _rate(actual, target)}
    return figures


def _comparison(sums):
    figures = {}
    for metric in METRICS:
        current, previous, last_year = (Decimal(sums.get((key, metric), 0)).quantize(CENT) for key in COMPARED)
        figures[metric] = {
            "current": current,
            "previous": previous,
            "last_year": last_year,
            "change": _growth(current, previous),  # month on month / quarter on quarter
            "yoy": _growth(current, last_year),
        }
    return figures


def _ageing_section(unit, as_of):
    """Open receivables as of the period's last day by child unit (customers.selectors.ageing)."""
    level = CHILD_LEVEL[UnitKind(unit.kind)]
    result = ageing(
        invoices=Invoice.objects.for_unit(unit),
        allocations=Allocation.objects.for_unit(unit),
        as_of=as_of,
        group_by=level,
    )
    overdue_keys = [bucket.key for bucket in result.buckets if bucket.first is not None]

    def shaped(row, extra):
        overdue = sum((row["buckets"][key] for key in overdue_keys), ZERO)
        return {
            **extra,
            "buckets": dict(row["buckets"]),
            "total": row["total"],
            "overdue": overdue,
            "overdue_share": _rate(overdue, row["total"]) if row["total"] > 0 else None,
        }

    names = dict(OrgUnit.objects.filter(pk__in=[row["key"] for row in result.rows if row["key"]]).values_list("pk", "code"))
    rows = [
        shaped(row, {"unit_id": row["key"], "code": names.get(row["key"], ""), "name": row["label"]})
        for row in sorted(result.rows, key=lambda row: names.get(row["key"], ""))
    ]
    return {
        "level": level,
        "as_of": as_of,
        "buckets": [bucket.key for bucket in result.buckets],
        "overdue_buckets": overdue_keys,
        "rows": rows,
        "total": shaped(result.totals, {}),
    }


def _over_credit_limit(unit, as_of):
    """Customers of the unit whose open receivable as of the date exceeds a (non-zero) credit limit, as
    customers.services._credit_check reads a limit: the count and the largest excesses.

    One statement: what was invoiced and what was allocated are each summed per customer in one pass and
    then joined to the customers (a subquery per customer took 40 s and more on 400,000 customers)."""
    invoice = Invoice._meta.db_table
    allocation = Allocation._meta.db_table
    customer = Customer._meta.db_table
    orgunit = OrgUnit._meta.db_table
    counts = "i.issue_date <= %(d)s AND (i.cancelled_on IS NULL OR i.cancelled_on > %(d)s)"
    # A unit's customers are a semi-join; the whole company needs none (it cost a third of the statement:
    # 11.3 s against 8.1 s at 10 million invoices, bench "monthly report, company").
    ours = (
        "TRUE"
        if unit.parent_id is None
        else f"i.customer_id IN (SELECT c.id FROM {customer} c JOIN {orgunit} u ON u.id = c.district_id WHERE u.path LIKE %(prefix)s)"
    )
    sql = f"""
        WITH invoiced AS (
            SELECT i.customer_id, SUM(i.amount) AS amount FROM {invoice} i
            WHERE {counts} AND {ours} GROUP BY i.customer_id
        ), allocated AS (
            SELECT i.customer_id, SUM(a.amount) AS amount FROM {allocation} a JOIN {invoice} i ON i.id = a.invoice_id
            WHERE {counts} AND {ours}
              AND a.allocated_on <= %(d)s AND (a.reversed_on IS NULL OR a.reversed_on > %(d)s)
            GROUP BY i.customer_id
        ), open AS (
            SELECT c.id, c.name, u.code, c.credit_limit, COALESCE(v.amount, 0) - COALESCE(a.amount, 0) AS open_amount
            FROM {customer} c JOIN {orgunit} u ON u.id = c.district_id
            LEFT JOIN invoiced v ON v.customer_id = c.id LEFT JOIN allocated a ON a.customer_id = c.id
            WHERE u.path LIKE %(prefix)s AND c.credit_limit > 0
        )
        SELECT id, name, code, credit_limit, open_amount, COUNT(*) OVER () FROM open
        WHERE open_amount > credit_limit
        ORDER BY open_amount - credit_limit DESC, id
        LIMIT {OVER_LIMIT_SHOWN}
    """
    with read_connection().cursor() as cursor:  # the replica during a build's figures (core/db_router.py)
        cursor.execute(sql, {"d": as_of, "prefix": unit.path + "%"})
        rows = cursor.fetchall()
    top = []
    for pk, name, code, limit, open_amount, _count in rows:
        limit, open_amount = money(Decimal(str(limit))), money(Decimal(str(open_amount)))
        top.append(
            {
                "customer_id": pk,
                "name": name,
                "district": code,
                "credit_limit": limit,
                "open": open_amount,
                "excess": open_amount - limit,
            }
        )
    return {"count": rows[0][5] if rows else 0, "top": top}


def report_figures(unit, period, kind, *, progress=None):
    """Every figure of the business report of `unit` (a region or the company) for `period`, as plain
    JSON-able data (Decimals as strings). Aggregated in the database: one grouped query over the summaries
    for all three compared periods, one for the targets, the ageing's grouped aggregates, two for the
    customers over their credit limit and two for the period's special events, whatever the number of invoices.

    `progress(percent)` is called between the sections (the build shows it on the run)."""

    def step(percent):
        if progress is not None:
            progress(percent)

    period = Period.parse(period)
    as_of = period.end
    periods = {"current": period, "previous": period.previous(), "last_year": period.same_period_last_year()}
    listed, ranked = report_units(unit)

    district_sums = _fact_sums(unit, periods)
    sums = _roll_up(district_sums, [unit.path, *(u.path for u in listed)])
    step(30)

    targets = {}
    for target in Target.objects.filter(
        is_current=True, period=str(period), metric__in=METRICS, unit_id__in=[unit.pk, *(u.pk for u in listed)]
    ).only("unit_id", "metric", "value"):
        targets.setdefault(target.unit_id, {})[target.metric] = target.value

    def unit_figures(u):
        return {
            **_unit_row(u),
            "attainment": _attainment(targets.get(u.pk, {}), sums[u.path]),
            "comparison": _comparison(sums[u.path]),
        }

    head = unit_figures(unit)
    children = [unit_figures(u) for u in listed]
    step(45)

    ranked_ids = {u.pk for u in ranked}
    rated = sorted(
        (row for row in children if row["unit_id"] in ranked_ids and row["attainment"][Metric.SALES_AMOUNT]["rate"] is not None),
        key=lambda row: (-row["attainment"][Metric.SALES_AMOUNT]["rate"], row["code"]),
    )
    ranking = {
        "level": ranked[0].kind if ranked else None,
        "top": [_ranked_row(row) for row in rated[:RANKED]],
        "bottom": [_ranked_row(row) for row in reversed(rated[-RANKED:])],
    }

    ageing_section = _ageing_section(unit, as_of)
    turnover = _turnover_section(unit, listed, period)
    step(70)
    over_limit = _over_credit_limit(unit, as_of)
    events = period_events(unit, period)
    step(85)

    below = [
        _ranked_row(row)
        for row in children
        if row["attainment"][Metric.SALES_AMOUNT]["rate"] is not None
        and row["attainment"][Metric.SALES_AMOUNT]["rate"] < LOW_ATTAINMENT
    ]
    high_overdue = [
        {
            "unit_id": row["unit_id"],
            "code": row["code"],
            "name": row["name"],
            "overdue": row["overdue"],
            "total": row["total"],
            "share": row["overdue_share"],
        }
        for row in ageing_section["rows"]
        if row["overdue_share"] is not None and row["overdue_share"] > HIGH_OVERDUE_SHARE
    ]
    data = {
        "version": DATA_VERSION,
        "unit": _unit_row(unit),
        "period": str(period),
        "kind": kind,
        "as_of": as_of,
        "periods": {key: str(value) for key, value in periods.items()},
        "head": head,
        "children": children,
        "ranking": ranking,
        "ageing": ageing_section,
        "turnover": turnover,
        "new_customers": {key: head["comparison"][Metric.NEW_CUSTOMERS][key] for key in COMPARED},
        # Channels that first reached "contracted" in each compared period (channels.metrics, via the summaries).
        "new_channels": {
            "recorded": True,
            **{key: Decimal(sums[unit.path].get((key, Metric.NEW_CHANNELS), 0)).quantize(CENT) for key in COMPARED},
        },
        "exceptions": {
            "thresholds": {"low_attainment": LOW_ATTAINMENT, "high_overdue_share": HIGH_OVERDUE_SHARE},
            "below_target": below,
            "high_overdue": high_overdue,
            "over_credit_limit": over_limit,
        },
        # The special events (risk) of the unit's subtree that happened in the period.
        "events": events,
        # The provision for doubtful debts (risk) as of the period's last month end and its movement in that month.
        "provisions": provision_section(unit, period),
        # Complaints (投诉, relations) of the unit's subtree in the period: monthly reports only (issue 18).
        **({"complaints": complaint_report_section(unit, period)} if kind == ReportKind.MONTHLY else {}),
        "source": {
            "summary_rows": {key: sums[unit.path].get((key, "rows"), 0) for key in COMPARED},
            "districts_with_facts": len(district_sums),
        },
    }
    return jsonable(data)


def _turnover_section(unit, listed, period):
    """Receivable turnover (应收周转) of the report's unit and of each unit it lists, in the period's last
    month and the month before — DSO, turnover days, turnover times with the sales, open receivable and
    average receivable they come from (performance.turnover): one query over the district month rows. Read
    as the unit's own scope (a report is built for its unit, not for a person)."""
    month = period.months()[-1] if period.kind != MONTH else period
    by_unit = turnover_of_units(user=Scope(path=unit.path), unit=unit, units=listed, month=month)

    def kept(figures):
        return {key: figures[key] for key in TURNOVER_FIGURES}

    return {
        "month": str(month),
        "previous_month": str(month.previous()),
        "rows": [
            {**_unit_row(u), "current": kept(by_unit[u.pk]["current"]), "previous": kept(by_unit[u.pk]["previous"])}
            for u in [unit, *listed]
        ],
    }


def _ranked_row(row):
    figure = row["attainment"][Metric.SALES_AMOUNT]
    return {
        "unit_id": row["unit_id"],
        "code": row["code"],
        "name": row["name"],
        "target": figure["target"],
        "actual": figure["actual"],
        "rate": figure["rate"],
    }


def bucket_labels():
    """{bucket key: label} of the configured ageing buckets, in the reader's language."""
    return {bucket.key: bucket.label for bucket in ageing_buckets()}
