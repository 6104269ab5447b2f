"""Reads of the dashboard (驾驶舱): attainment, receivables, rankings, trends and alerts of a unit or a
salesperson, from the summaries only — performance.MonthlyFact, dashboard.ReceivableSnapshot and
CreditSnapshot, plans.Target — plus a few small indexed reads (the salesperson's customers, the
worklist). The number of queries does not depend on the size of the data (the tests hold it constant).

`dashboard(user=, unit=, staff=)` is the one entry point of the page and the API; `resolve_subject`
turns the query's `unit`/`staff` into objects inside the user's scope (outside → 404).
"""

import calendar
import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import BigIntegerField, Case, Count, Max, Q, Subquery, Sum, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core import formats
from core import worklist as work
from core.errors import InvalidInput
from core.filters import MAX_ID
from core.money import ZERO, money
from core.periods import MONTH, YEAR, Period
from core.scoping import scope_of
from customers.models import Customer, Invoice
from customers.selectors import invoice_counts_on, with_open_amount
from dashboard.choices import buckets as ageing_bucket_list
from dashboard.choices import not_due_key
from dashboard.models import CreditSnapshot, DistrictReceivableSnapshot, ReceivableSnapshot
from performance.models import DistrictMonthFact, MonthlyFact
from performance.selectors import attainment_table, default_unit
from performance.turnover import last_months, turnover
from plans.choices import Metric
from plans.models import Target
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile
from risk.models import Warning
from risk.selectors import open_warnings

RATE = Decimal("0.0001")
TREND_MONTHS = 24
# Receivable turnover (应收周转): the last complete month and the 11 before it.
TURNOVER_MONTHS = 12
# Alert thresholds: attainment below 80 % of the share of the period already elapsed; overdue share
# (overdue ÷ open receivables) above 30 %.
PACE_ALERT = Decimal("0.80")
OVERDUE_ALERT = Decimal("0.30")
# Metrics with facts in the summaries, and those without (shown as "not recorded yet"): none since the new
# channels are counted from the channels' state history (channels.metrics, MonthlyFact.new_channels).
FACT_METRICS = (Metric.SALES_AMOUNT, Metric.COLLECTIONS, Metric.NEW_CUSTOMERS, Metric.NEW_CHANNELS)
UNRECORDED_METRICS = ()
METRICS = (*FACT_METRICS, *UNRECORDED_METRICS)
COLUMNS = {
    Metric.SALES_AMOUNT: "invoiced",
    Metric.COLLECTIONS: "collected",
    Metric.NEW_CUSTOMERS: "new_customers",
    Metric.NEW_CHANNELS: "new_channels",
}
CHILD_LEVEL = {
    UnitKind.CENTER: UnitKind.REGION,
    UnitKind.REGION: UnitKind.PROVINCE,
    UnitKind.PROVINCE: UnitKind.DISTRICT,
}


# ------------------------------------------------------------------------------------------ input


def _id(raw, field):
    text = str(raw).strip()
    if not text.isdigit() or len(text) > 12 or not 1 <= int(text) <= MAX_ID:
        raise InvalidInput(
            _("%(value)s is not an id: give the number of an org unit or a salesperson.") % {"value": text[:40]},
            field=field,
        )
    return int(text)


def resolve_subject(user, *, unit=None, staff=None):
    """(unit, staff) the dashboard shows, from the raw query values: a malformed id → InvalidInput (400);
    an unknown id or one outside the user's scope → Http404. Without either, the user's own unit — or,
    for a salesperson, themself."""
    scope = scope_of(user)
    unit_id = _id(unit, "unit") if unit not in (None, "") else None
    staff_id = _id(staff, "staff") if staff not in (None, "") else None
    found_unit = None
    if unit_id is not None:
        found_unit = OrgUnit.objects.for_user(user).filter(pk=unit_id).first()
        if found_unit is None:
            raise Http404(_("No org unit %(id)s in your part of the organisation.") % {"id": unit_id})
    if staff_id is None and scope.own_only:
        staff_id = scope.staff_id
    if staff_id is not None:
        person = StaffProfile.objects.for_user(user).select_related("unit").filter(pk=staff_id).first()
        if person is None:
            raise Http404(_("No salesperson %(id)s in your part of the organisation.") % {"id": staff_id})
        if found_unit is not None and person.unit_id != found_unit.pk and not scope.own_only:
            raise InvalidInput(_("The salesperson does not work in that org unit."), field="staff")
        return person.unit, person
    if found_unit is None:
        found_unit = default_unit(user)
        if found_unit is None:
            raise Http404(_("You have no org unit to look at."))
    return found_unit, None


# ---------------------------------------------------------------------------------------- figures


def _rate(target, actual):
    if target is None or actual is None or target == 0:
        return None
    return (Decimal(actual) / Decimal(target)).quantize(RATE, rounding=ROUND_HALF_UP)


def _change(current, before):
    """Relative change current ÷ before − 1; None without a base to compare with."""
    if before is None or before == 0 or current is None:
        return None
    return (Decimal(current) / Decimal(before) - 1).quantize(RATE, rounding=ROUND_HALF_UP)


def _figure(target, actual, *, recorded=True):
    if not recorded:
        return {"target": target, "actual": None, "rate": None, "rank": None, "recorded": False}
    return {"target": target, "actual": actual, "rate": _rate(target, actual), "rank": None, "recorded": True}


def _count(metric, value):
    return int(value or 0) if metric in (Metric.NEW_CUSTOMERS, Metric.NEW_CHANNELS) else money(value or 0)


def pace(today):
    """The share of this month and of this year already elapsed, counting today."""
    days_in_month = calendar.monthrange(today.year, today.month)[1]
    days_in_year = 366 if calendar.isleap(today.year) else 365
    return {
        "month": (Decimal(today.day) / days_in_month).quantize(RATE),
        "year": (Decimal(today.timetuple().tm_yday) / days_in_year).quantize(RATE),
    }


def _targets(filters, periods, metrics):
    """{(kind, id): {period text: {metric: value}}} of the current targets matching `filters` (one query)."""
    result = defaultdict(lambda: defaultdict(dict))
    rows = Target.objects.filter(filters, is_current=True, period__in=[str(p) for p in periods], metric__in=metrics)
    for unit_id, staff_id, period, metric, value in rows.values_list("unit_id", "staff_id", "period", "metric", "value"):
        key = ("staff", staff_id) if staff_id else ("unit", unit_id)
        result[key][str(period)][metric] = value
    return result


def _from_table(table, row, extra_targets):
    """Figures by metric from an attainment_table row, plus the metrics without facts."""
    figures = {}
    for metric in FACT_METRICS:
        figure = row["figures"][metric]
        figures[metric.value] = {**figure, "recorded": True}
    for metric in UNRECORDED_METRICS:
        figures[metric.value] = _figure(extra_targets.get(metric), None, recorded=False)
    return figures


def _staff_figures(staff, month, year):
    """A salesperson's figures of this month and this year: one summary query and one target query."""
    facts = MonthlyFact.objects.unscoped().filter(salesperson_id=staff.pk, month__range=(year.start, month.start))
    sums = {}
    for metric, column in COLUMNS.items():
        sums[f"m_{metric.value}"] = Sum(column, filter=Q(month=month.start))
        sums[f"y_{metric.value}"] = Sum(column)
    actuals = facts.aggregate(**sums)
    targets = _targets(Q(staff_id=staff.pk), [month, year], METRICS)[("staff", staff.pk)]
    result = {}
    for key, period in (("month", month), ("year", year)):
        figures = {}
        for metric in FACT_METRICS:
            figures[metric.value] = _figure(targets[str(period)].get(metric), _count(metric, actuals[f"{key[0]}_{metric.value}"]))
        for metric in UNRECORDED_METRICS:
            figures[metric.value] = _figure(targets[str(period)].get(metric), None, recorded=False)
        result[key] = figures
    return result


# ------------------------------------------------------------------------------------- receivables


def _latest_as_of():
    return ReceivableSnapshot.objects.unscoped().aggregate(latest=Max("as_of"))["latest"]


def _snapshot_rows(model, *, unit, staff):
    rows = model.objects.unscoped()
    if staff is not None:
        return rows.filter(salesperson_id=staff.pk)
    if unit.kind == UnitKind.CENTER:
        return rows
    if unit.kind == UnitKind.DISTRICT:
        return rows.filter(district_id=unit.pk)
    return rows.filter(district__path__startswith=unit.path)


def _receivable_block(buckets):
    """{total, overdue, overdue_share, invoice_count, buckets: [...]} from {bucket: (amount, count)}."""
    total = sum((amount for amount, _n in buckets.values()), ZERO)
    # Everything but the not-due bucket (a row of a bucket no longer configured is still overdue).
    not_due = not_due_key()
    overdue = sum((amount for key, (amount, _n) in buckets.items() if key != not_due), ZERO)
    return {
        "total": total,
        "overdue": overdue,
        "overdue_share": _rate(total, overdue) if total > 0 else None,
        "invoice_count": sum(n for _a, n in buckets.values()),
        "buckets": [
            {
                "key": bucket.key,
                "label": str(bucket.label),
                "amount": buckets.get(bucket.key, (ZERO, 0))[0],
                "count": buckets.get(bucket.key, (ZERO, 0))[1],
            }
            # The ageing page's buckets and labels (customers.selectors.ageing_buckets): one definition.
            for bucket in ageing_bucket_list()
        ],
    }


def _receivables(*, unit, staff, child_kind, children, as_of):
    """The head's receivables by bucket and each child's (rolled up by district path or by salesperson),
    from the latest snapshot: one query."""
    empty = {"as_of": None, **_receivable_block({})}
    if as_of is None:
        return empty, {}
    # A unit above a district reads the district roll-up (a few rows per district); a district and a
    # salesperson read the per-salesperson rows.
    model = DistrictReceivableSnapshot if staff is None and unit.kind != UnitKind.DISTRICT else ReceivableSnapshot
    rows = _snapshot_rows(model, unit=unit, staff=staff).filter(as_of=as_of).order_by()
    if child_kind == "unit":
        # Each district row is labelled in SQL with the child unit above it, so the rows come back already
        # rolled up (children × buckets, not districts × buckets).
        rows = rows.annotate(
            child=Case(
                *(When(district__path__startswith=child["path"], then=Value(child["id"])) for child in children),
                default=None,
                output_field=BigIntegerField(),
            )
        )
        group = "child"
    elif child_kind == "staff":
        group = "salesperson_id"
    else:
        group = None
    head = defaultdict(lambda: (ZERO, 0))
    by_group = defaultdict(lambda: defaultdict(lambda: (ZERO, 0)))
    values = [group, "bucket"] if group else ["bucket"]
    for row in rows.values(*values).annotate(amount=Sum("open_amount"), n=Sum("invoice_count")):
        amount, n = money(row["amount"] or 0), int(row["n"] or 0)
        old = head[row["bucket"]]
        head[row["bucket"]] = (old[0] + amount, old[1] + n)
        if group:
            cell = by_group[row[group]][row["bucket"]]
            by_group[row[group]][row["bucket"]] = (cell[0] + amount, cell[1] + n)
    per_child = {}
    if child_kind in ("unit", "staff"):
        for child in children:
            per_child[child["id"]] = _receivable_block(by_group.get(child["id"], {}))
    return {"as_of": as_of, **_receivable_block(head)}, per_child


def _overdue_trend(*, unit, staff):
    """The overdue share at each kept snapshot date (month ends and the latest): one query."""
    model = ReceivableSnapshot if staff is not None else DistrictReceivableSnapshot
    rows = (
        _snapshot_rows(model, unit=unit, staff=staff)
        .order_by()
        .values("as_of")
        .annotate(total=Sum("open_amount"), overdue=Sum("open_amount", filter=~Q(bucket=not_due_key())))
        .order_by("as_of")
    )
    result = []
    for row in rows:
        total, overdue = money(row["total"] or 0), money(row["overdue"] or 0)
        result.append({"as_of": row["as_of"], "total": total, "overdue": overdue, "share": _rate(total, overdue)})
    return result[-(TREND_MONTHS + 1) :]


def _credit(*, unit, staff, as_of):
    if as_of is None:
        return {"customers_over_limit": 0, "amount_over_limit": ZERO}
    totals = (
        _snapshot_rows(CreditSnapshot, unit=unit, staff=staff)
        .filter(as_of=as_of)
        .aggregate(n=Sum("customers_over_limit"), amount=Sum("amount_over_limit"))
    )
    return {"customers_over_limit": int(totals["n"] or 0), "amount_over_limit": money(totals["amount"] or 0)}


# ------------------------------------------------------------------------------------------ trends


def _shift_month(first, months):
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _trend(*, unit, staff, month):
    """The last 24 months of sales and collections, with month-over-month and year-over-year change, in
    one query: a salesperson's from the summaries, a unit's from the district roll-up
    (performance.DistrictMonthFact, written with the summaries)."""
    last = month.start
    first = _shift_month(last, -(TREND_MONTHS - 1))
    earliest = _shift_month(first, -12)
    if staff is not None:
        sources = [MonthlyFact.objects.unscoped().filter(salesperson_id=staff.pk, month__range=(earliest, last))]
    else:
        rows = DistrictMonthFact.objects.unscoped().filter(month__range=(earliest, last))
        if unit.kind == UnitKind.DISTRICT:
            rows = rows.filter(district_id=unit.pk)
        elif unit.kind != UnitKind.CENTER:
            rows = rows.filter(district__path__startswith=unit.path)
        sources = [rows]
    by_month = {}
    for rows in sources:
        for row in rows.order_by().values("month").annotate(sales=Sum("invoiced"), collections=Sum("collected")):
            by_month[row["month"]] = row

    def value(day, key):
        row = by_month.get(day)
        return money(row[key] or 0) if row else ZERO

    result = []
    for n in range(TREND_MONTHS):
        day = _shift_month(first, n)
        previous, year_ago = _shift_month(day, -1), _shift_month(day, -12)
        entry = {"month": f"{day:%Y-%m}"}
        for key in ("sales", "collections"):
            current = value(day, key)
            entry[key] = current
            entry[f"{key}_mom"] = _change(current, value(previous, key))
            entry[f"{key}_yoy"] = _change(current, value(year_ago, key))
        result.append(entry)
    return result


# ----------------------------------------------------------------------------- receivable turnover


def _difference(current, before):
    """current − before (days or times); None when either is missing."""
    if current is None or before is None:
        return None
    return current - before


def _turnover(*, user, unit, month):
    """A unit's receivable turnover (performance.turnover) over the 12 months up to the last complete one,
    with the last month's DSO and turnover days against the month before: one query."""
    rows = turnover(user=user, unit=unit, months=last_months(month.previous(), TURNOVER_MONTHS))
    last, before = rows[-1], rows[-2]
    return {
        "month": str(last["month"]),
        "last": last,
        "before": before,
        "dso_change": _difference(last["dso"], before["dso"]),
        "days_change": _difference(last["turnover_days"], before["turnover_days"]),
        "times_change": _difference(last["turnover_times"], before["turnover_times"]),
        "months": rows,
    }


# ------------------------------------------------------------------------------------------ customers


def _customers(user, staff, year, today):
    """The salesperson's customers with this year's sales and today's open balance (three small indexed
    reads: the customers, their invoices of the year, their counting invoices), largest sales first."""
    mine = Customer.objects.for_user(user).filter(salesperson_id=staff.pk)
    customers = list(mine.order_by("name", "pk").values("pk", "name", "external_id", "credit_limit", "is_key"))
    ids = Subquery(mine.values("pk"))
    invoices = Invoice.objects.unscoped().filter(customer_id__in=ids).order_by()
    sales = dict(
        invoices.filter(invoice_counts_on(year.end) & Q(issue_date__gte=year.start), cancelled_on__isnull=True)
        .values("customer_id")
        .annotate(total=Sum("amount"))
        .values_list("customer_id", "total")
    )
    open_rows = (
        with_open_amount(invoices.filter(invoice_counts_on(today)), as_of=today)
        .values("customer_id")
        .annotate(open=Sum("open_amount"), n=Count("pk"))
        .values_list("customer_id", "open")
    )
    balances = dict(open_rows)
    result = []
    for row in customers:
        result.append(
            {
                "kind": "customer",
                "id": row["pk"],
                "code": row["external_id"] or str(row["pk"]),
                "name": row["name"],
                "is_key": row["is_key"],
                "credit_limit": money(row["credit_limit"]),
                "year_sales": money(sales.get(row["pk"]) or 0),
                "open_amount": money(balances.get(row["pk"]) or 0),
            }
        )
    result.sort(key=lambda c: (-c["year_sales"], -c["open_amount"], c["name"]))
    return result


# ------------------------------------------------------------------------------------------- alerts


def _alerts(*, head, children, child_kind, receivables, child_receivables, credit, worklist, paces, warnings=()):
    alerts = []
    sales = Metric.SALES_AMOUNT.value
    for key in ("month", "year"):
        threshold = (paces[key] * PACE_ALERT).quantize(RATE)
        rows = [("head", head)] + [("child", child) for child in children] if child_kind != "customer" else [("head", head)]
        for place, row in rows:
            rate = row[key][sales]["rate"]
            if rate is not None and rate < threshold:
                alerts.append(
                    {
                        "code": "below_pace",
                        "level": "warning",
                        "period": key,
                        "subject": {"kind": row["kind"], "id": row["id"], "name": row["name"], "is_head": place == "head"},
                        "value": rate,
                        "threshold": threshold,
                    }
                )
    share = receivables["overdue_share"]
    if share is not None and share > OVERDUE_ALERT:
        alerts.append(
            {
                "code": "overdue_share",
                "level": "danger",
                "period": None,
                "subject": {"kind": head["kind"], "id": head["id"], "name": head["name"], "is_head": True},
                "value": share,
                "threshold": OVERDUE_ALERT,
            }
        )
    for child in children if child_kind in ("unit", "staff") else []:
        block = child_receivables.get(child["id"])
        if block and block["overdue_share"] is not None and block["overdue_share"] > OVERDUE_ALERT:
            alerts.append(
                {
                    "code": "overdue_share",
                    "level": "warning",
                    "period": None,
                    "subject": {"kind": child["kind"], "id": child["id"], "name": child["name"], "is_head": False},
                    "value": block["overdue_share"],
                    "threshold": OVERDUE_ALERT,
                }
            )
    if credit["customers_over_limit"]:
        alerts.append(
            {
                "code": "over_credit_limit",
                "level": "danger",
                "period": None,
                "subject": {"kind": head["kind"], "id": head["id"], "name": head["name"], "is_head": True},
                "value": Decimal(credit["customers_over_limit"]),
                "threshold": None,
            }
        )
    for code, count in (("approvals_overdue", worklist.get("waiting_overdue")), ("tasks_overdue", worklist.get("tasks_overdue"))):
        if count:
            alerts.append(
                {
                    "code": code,
                    "level": "danger",
                    "period": None,
                    "subject": None,
                    "value": Decimal(count),
                    "threshold": None,
                }
            )
    # The open early warnings (risk) of the unit or person shown, gravest first (one query, WARNINGS_SHOWN).
    for warning in warnings:
        alerts.append(
            {
                "code": "early_warning",
                "level": "danger" if warning.severity == "high" else "warning",
                "period": None,
                "subject": None,
                "value": warning.value,
                "threshold": warning.rule.threshold,
                "warning": warning,
                "warning_id": warning.pk,
            }
        )
    return alerts


# How many open early warnings the dashboard lists among its alerts (the risk pages list them all).
WARNINGS_SHOWN = 5


def _warnings(user, *, unit, staff):
    """The gravest open early warnings of the subject: a salesperson's own, or those of the unit's subtree."""
    readable = Warning.objects.for_user(user)
    readable = readable.filter(owner=staff) if staff is not None else readable.filter(unit__path__startswith=unit.path)
    return open_warnings(readable, WARNINGS_SHOWN)


def _rate_text(fraction):
    """A rate for an alert's sentence: the one rule of core/formats.py (one decimal), without the sign —
    the same number the tables beside the alert show with `|frac_rate`."""
    return formats.percent(Decimal(fraction) * 100)


def _below_pace_text(alert):
    values = {
        "name": alert["subject"]["name"],
        "rate": _rate_text(alert["value"]),
        "threshold": _rate_text(alert["threshold"]),
    }
    if alert["period"] == "month":
        return _("%(name)s: sales at %(rate)s%% of this month's target, below the pace of %(threshold)s%%.") % values
    return _("%(name)s: sales at %(rate)s%% of this year's target, below the pace of %(threshold)s%%.") % values


ALERT_TEXT = {
    "below_pace": _below_pace_text,
    "overdue_share": lambda a: (
        _("%(name)s: %(share)s%% of the receivables are overdue (alert above 30%%).")
        % {"name": a["subject"]["name"], "share": _rate_text(a["value"])}
    ),
    "over_credit_limit": lambda a: _("Customers over their credit limit: %(count)s.") % {"count": formats.count(a["value"])},
    "approvals_overdue": lambda a: (
        _("Approvals waiting for you past their deadline: %(count)s.") % {"count": formats.count(a["value"])}
    ),
    "tasks_overdue": lambda a: _("Your overdue tasks: %(count)s.") % {"count": formats.count(a["value"])},
    "early_warning": lambda a: (
        _("Early warning: %(rule)s — %(subject)s (owner %(owner)s, due %(due)s).")
        % {
            "rule": a["warning"].rule.name,
            "subject": a["warning"].subject_name,
            "owner": a["warning"].owner.name,
            "due": a["warning"].due_on.isoformat(),
        }
    ),
}
# Alerts about the person looking (their approvals and tasks), not about the unit or person shown.
VIEWER_ALERTS = ("approvals_overdue", "tasks_overdue")


def _group_text(code, period, kind, count, threshold):
    values = {"count": formats.count(count), "threshold": _rate_text(threshold) if threshold is not None else ""}
    if code == "overdue_share":
        if kind == "staff":
            return _("%(count)s salespeople with more than 30%% of their receivables overdue.") % values
        return _("%(count)s units below with more than 30%% of their receivables overdue.") % values
    if code == "below_pace" and period == "month":
        if kind == "staff":
            return _("%(count)s salespeople below the pace of this month's sales target (%(threshold)s%%).") % values
        return _("%(count)s units below the pace of this month's sales target (%(threshold)s%%).") % values
    if code == "below_pace":
        if kind == "staff":
            return _("%(count)s salespeople below the pace of this year's sales target (%(threshold)s%%).") % values
        return _("%(count)s units below the pace of this year's sales target (%(threshold)s%%).") % values
    return _("%(count)s alerts of the same kind.") % values


WORST_SHOWN = 3
_LEVELS = {"warning": 1, "danger": 2}


def alert_groups(alerts):
    """The alerts as a manager reads them: one row per kind. The alerts about the subject itself (and the
    viewer's own) stay one row each; the alerts of the same kind (code and period) about the units or
    people below are one row with their count, the worst few (highest overdue share, lowest attainment)
    and the full list, worst first. [{code, level, period, count, message, subject, worst, alerts}] in the
    order the kinds first appear."""
    rows, by_key = [], {}
    for alert in alerts:
        subject = alert["subject"]
        if subject is None or subject["is_head"]:
            rows.append([alert])
            continue
        key = (alert["code"], alert["period"], subject["kind"])
        if key not in by_key:
            by_key[key] = []
            rows.append(by_key[key])
        by_key[key].append(alert)
    result = []
    for members in rows:
        if len(members) == 1:
            result.append(_single(members[0]))
            continue
        first = members[0]
        # Worst first: the highest overdue share, the lowest attainment.
        ordered = sorted(members, key=lambda a: (a["value"] if a["code"] == "below_pace" else -a["value"], a["subject"]["name"]))
        result.append(
            {
                "code": first["code"],
                "level": max((a["level"] for a in members), key=lambda level: _LEVELS.get(level, 0)),
                "period": first["period"],
                "count": len(members),
                "message": _group_text(
                    first["code"], first["period"], first["subject"]["kind"], len(members), first["threshold"]
                ),
                "subject": None,
                "worst": ordered[:WORST_SHOWN],
                "alerts": ordered,
            }
        )
    return result


def _single(alert):
    return {
        "code": alert["code"],
        "level": alert["level"],
        "period": alert["period"],
        "count": 1,
        "message": alert["message"],
        "subject": alert["subject"],
        "worst": [],
        "alerts": [alert],
    }


def is_own(user, *, unit, staff):
    """True when the dashboard shows the viewer's own figures: their own unit (the company for the
    center) or themself. Then the viewer's own to-dos belong on it; on anyone else's they do not."""
    scope = scope_of(user)
    if staff is not None:
        return scope.own_only or (staff.user_id is not None and staff.user_id == getattr(user, "pk", None))
    if scope.everything:
        return unit.kind == UnitKind.CENTER
    return scope.path is not None and unit.path == scope.path


# --------------------------------------------------------------------------------------- the whole


def dashboard(*, user, unit, staff=None, today=None):
    """Every figure of the dashboard of a unit (or of a salesperson) on a day, in a constant number of
    queries. The caller resolved `unit`/`staff` inside the user's scope (resolve_subject); this checks
    again and raises Http404 outside."""
    today = today or timezone.localdate()
    scope = scope_of(user)
    if unit is None or not scope.covers_path(unit.path):
        raise Http404
    if staff is not None and scope.own_only and staff.pk != scope.staff_id:
        raise Http404
    month, year = Period.of(today, MONTH), Period.of(today, YEAR)
    paces = pace(today)

    if staff is not None:
        figures = _staff_figures(staff, month, year)
        head = {"kind": "staff", "id": staff.pk, "code": staff.employee_no, "name": staff.name, **figures}
        child_kind, children = "customer", _customers(user, staff, year, today)
        level = "staff"
    else:
        tables = {
            key: attainment_table(user=user, unit=unit, period=period, metrics=list(FACT_METRICS))
            for key, period in (("month", month), ("year", year))
        }
        extra = _targets(Q(unit_id=unit.pk), [month, year], UNRECORDED_METRICS)[("unit", unit.pk)]
        head = {"kind": "unit", "id": unit.pk, "code": unit.code, "name": unit.name}
        for key, period in (("month", month), ("year", year)):
            head[key] = _from_table(tables[key], tables[key]["head"], extra[str(period)])
        child_kind = tables["month"]["child_kind"]
        by_id = {child["id"]: child for child in tables["year"]["children"]}
        children = []
        for child in tables["month"]["children"]:
            row = {"kind": child["kind"], "id": child["id"], "code": child["code"], "name": child["name"]}
            if child["kind"] == "unit":
                row["path"] = child["object"].path
            row["month"] = _from_table(tables["month"], child, {})
            row["year"] = _from_table(tables["year"], by_id[child["id"]], {})
            children.append(row)
        level = unit.kind

    as_of = _latest_as_of()
    receivables, child_receivables = _receivables(unit=unit, staff=staff, child_kind=child_kind, children=children, as_of=as_of)
    for child in children:
        child.pop("path", None)
        if child_kind in ("unit", "staff"):
            block = child_receivables.get(child["id"]) or _receivable_block({})
            child["receivables"] = {key: block[key] for key in ("total", "overdue", "overdue_share")}
    credit = _credit(unit=unit, staff=staff, as_of=as_of)
    # The worklist (core/worklist.py); a branch system (API key) has none.
    worklist = work.worklist(user) if not getattr(user, "api_key", None) else work.empty()
    sales = Metric.SALES_AMOUNT.value

    def ranked(key):
        rows = [c for c in children if c.get(key, {}).get(sales, {}).get("rank") is not None]
        rows.sort(key=lambda c: c[key][sales]["rank"])
        return [{"kind": c["kind"], "id": c["id"], "code": c["code"], "name": c["name"], **c[key][sales]} for c in rows]

    result = {
        "today": today,
        "level": level,
        "unit": unit,
        "staff": staff,
        "periods": {"month": str(month), "year": str(year)},
        "pace": paces,
        "head": head,
        "child_kind": child_kind,
        "children": children,
        "rankings": {"month": ranked("month"), "year": ranked("year")} if child_kind in ("unit", "staff") else None,
        "receivables": receivables,
        "overdue_trend": _overdue_trend(unit=unit, staff=staff),
        "credit": credit,
        "trend": _trend(unit=unit, staff=staff, month=month),
        # A unit's (receivables are kept per district month, not per salesperson).
        "turnover": _turnover(user=user, unit=unit, month=month) if staff is None else None,
        "worklist": worklist,
    }
    result["alerts"] = _alerts(
        head=head,
        children=children,
        child_kind=child_kind,
        receivables=receivables,
        child_receivables=child_receivables,
        credit=credit,
        worklist=worklist,
        paces=paces,
        warnings=_warnings(user, unit=unit, staff=staff),
    )
    for alert in result["alerts"]:
        alert["message"] = ALERT_TEXT[alert["code"]](alert)
        alert.pop("warning", None)
    # Whose figures: the viewer's own approvals and tasks are alerts of their own dashboard only; on a
    # unit or person they drill into, they stay apart (`viewer_alerts`), never shown as that subject's.
    result["own"] = is_own(user, unit=unit, staff=staff)
    result["viewer_alerts"] = [a for a in result["alerts"] if a["code"] in VIEWER_ALERTS]
    if not result["own"]:
        result["alerts"] = [a for a in result["alerts"] if a["code"] not in VIEWER_ALERTS]
    return result
