"""The dashboard page (驾驶舱): a unit's (or a salesperson's) figures with drill-down
center → region → province → district → salesperson → customer."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core import formats
from core.db_router import ReplicaReadMixin
from core.errors import InvalidInput
from core.scoping import log_out_of_scope, scope_of
from dashboard import selectors
from plans.choices import Metric
from regions.models import OrgUnit, StaffProfile

METRIC_LABELS = [(m.value, m.label) for m in selectors.METRICS]


class DashboardView(ReplicaReadMixin, LoginRequiredMixin, View):
    """The user's own unit (or, for a salesperson, themself); `?unit=` and `?staff=` drill down inside
    the user's scope. Outside the scope → 404; a malformed id → 400 with the reason. Read from the replica
    when one is configured (core/db_router.py), saying how far behind it is."""

    template_name = "dashboard/dashboard.html"

    def get(self, request):
        raw_unit, raw_staff = request.GET.get("unit", ""), request.GET.get("staff", "")
        try:
            unit, staff = selectors.resolve_subject(request.user, unit=raw_unit, staff=raw_staff)
        except InvalidInput as error:
            return render(request, "dashboard/bad_query.html", {"message": error.message, "field": error.field}, status=400)
        except Http404:
            _log_denial(request, raw_unit, raw_staff)
            raise
        data = selectors.dashboard(user=request.user, unit=unit, staff=staff)
        scope = scope_of(request.user)
        viewer = getattr(request.user, "staff_profile", None)
        trail = [] if scope.own_only else _trail(unit, scope)
        if staff is not None and not scope.own_only:
            trail.append(unit)
        context = {
            "data": data,
            "unit": unit,
            "staff": staff,
            "trail": trail,
            "metrics": [
                {"value": value, "label": label, "count": value != Metric.SALES_AMOUNT and value != Metric.COLLECTIONS}
                for value, label in METRIC_LABELS
            ],
            "head_cards": {key: _cards(data["head"][key]) for key in ("month", "year")},
            "children": [_child_row(child) for child in data["children"]] if data["child_kind"] != "customer" else [],
            "customers": data["children"] if data["child_kind"] == "customer" else [],
            "worklist": data["worklist"],
            # Whose figures: the subject's alerts grouped by kind; the viewer's own to-dos apart on another's page.
            "own": data["own"],
            "alert_groups": selectors.alert_groups(data["alerts"]),
            "viewer_alerts": data["viewer_alerts"],
            "viewer_name": viewer.name if viewer is not None else request.user.get_username(),
            "subject_kind": staff.get_role_display() if staff is not None else unit.get_kind_display(),
            "target_source": _target_source(unit, staff),
            "children_target_source": {"setter": unit.display_name, "url": _targets_url(unit=unit)},
            "charts": _charts(data),
            "pace_percent": {key: _percent(value) for key, value in data["pace"].items()},
            "trend_rows": [_trend_row(row) for row in reversed(data["trend"])],
            "turnover": data["turnover"],
            "turnover_cards": _turnover_cards(data["turnover"]) if data["turnover"] else [],
        }
        return render(request, self.template_name, context)


def _trail(unit, scope):
    """The units above `unit` inside the scope, top first: one query at every level (the unit itself is
    read with its ancestors so that the company, which has none, costs the same query as a region)."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    above = OrgUnit.objects.filter(pk__in=[*ids, unit.pk]).order_by("depth")
    return [u for u in above if u.pk != unit.pk and scope.covers_path(u.path)]


def _log_denial(request, raw_unit, raw_staff):
    """Record a look at an existing unit or person outside the scope (not a plain unknown id)."""
    for raw, model in ((raw_unit, OrgUnit), (raw_staff, StaffProfile)):
        if raw and log_out_of_scope(request, model, pk=str(raw).strip()):
            return


def _percent(rate):
    """A fraction as a percentage (0.4375 → 43.75), formatted by `|rate` (one decimal) in the template: the
    same fraction the alerts format, so both say 43.8%."""
    return None if rate is None else rate * 100


def _targets_url(*, unit=None, staff=None):
    query = f"staff={staff.pk}" if staff is not None else f"unit={unit.pk}"
    return f"{reverse('plans:target_list')}?{query}"


def _target_source(unit, staff):
    """Where a missing target of the subject comes from, for the empty state: targets flow down the tree
    (plans.models.Target), so a unit's is split from the unit above (the top unit sets its own) and a
    salesperson's from their district office — in Plans › Targets."""
    if staff is not None:
        return {"setter": staff.unit.display_name, "url": _targets_url(staff=staff)}
    parent = unit.parent if unit.parent_id else None
    return {"setter": (parent or unit).display_name, "url": _targets_url(unit=unit)}


def _cards(figures):
    cards = []
    for value, label in METRIC_LABELS:
        figure = figures[value]
        percent = _percent(figure["rate"])
        cards.append(
            {
                **figure,
                "metric": value,
                "label": label,
                "count": value in (Metric.NEW_CUSTOMERS, Metric.NEW_CHANNELS),
                "percent": percent,
                "bar": None if percent is None else max(0, min(100, int(percent))),
            }
        )
    return cards


def _child_row(child):
    row = dict(child)
    for key in ("month", "year"):
        row[f"{key}_sales"] = {**child[key][Metric.SALES_AMOUNT], "percent": _percent(child[key][Metric.SALES_AMOUNT]["rate"])}
        row[f"{key}_collections"] = {
            **child[key][Metric.COLLECTIONS],
            "percent": _percent(child[key][Metric.COLLECTIONS]["rate"]),
        }
    row["overdue_percent"] = _percent(child["receivables"]["overdue_share"])
    # The drill-down query, written once per row rather than worked out in the template for every link.
    row["query"] = f"{'staff' if child['kind'] == 'staff' else 'unit'}={child['id']}"
    return row


def _days(value):
    return formats.EMPTY if value is None else _("%(days)s days") % {"days": formats.number(value, 1)}


def _signed(value, places):
    """A change with its sign (+3.2, -1.5); None without one."""
    if value is None:
        return None
    text = formats.number(value, places)
    return f"+{text}" if value > 0 else text


def _turnover_cards(turnover):
    """The KPI cards of receivable turnover: the last complete month's DSO, turnover days, turnover times
    and average receivable, each against the month before (the change under the figure, or why the figure
    is missing)."""
    last, before = turnover["last"], turnover["before"]
    month_before = _("Month before")

    def change(value, places, days=True):
        signed = _signed(value, places)
        if signed is None:
            return None
        return (_("Change: %(change)s days") if days else _("Change: %(change)s")) % {"change": signed}

    return [
        {
            "id": "kpi-dso",
            "label": _("DSO"),
            "value": _days(last["dso"]),
            "comparison": month_before,
            "compare_value": _days(before["dso"]),
            "note": _("No sales in the last three months.") if last["dso"] is None else change(turnover["dso_change"], 1),
        },
        {
            "id": "kpi-turnover-days",
            "label": _("Receivable turnover days"),
            "value": _days(last["turnover_days"]),
            "comparison": month_before,
            "compare_value": _days(before["turnover_days"]),
            "note": _("No sales in the month.") if last["turnover_days"] is None else change(turnover["days_change"], 1),
        },
        {
            "id": "kpi-turnover-times",
            "label": _("Receivable turnover (times)"),
            "value": formats.number(last["turnover_times"], 2, empty=formats.EMPTY),
            "comparison": month_before,
            "compare_value": formats.number(before["turnover_times"], 2, empty=formats.EMPTY),
            "note": _("No receivables at either month end.")
            if last["turnover_times"] is None
            else change(turnover["times_change"], 2, days=False),
        },
        {
            "id": "kpi-average-receivable",
            "label": _("Average receivable"),
            "value": formats.money_short(last["average_receivable"]),
            "comparison": month_before,
            "compare_value": formats.money_short(before["average_receivable"]),
            "note": None,
        },
    ]


def _trend_row(row):
    result = dict(row)
    for key in ("sales_mom", "sales_yoy", "collections_mom", "collections_yoy"):
        result[key] = _percent(row[key])
    return result


def _number(value):
    return None if value is None else float(value)


def _charts(data):
    """What the ECharts charts draw (numbers as JSON numbers; money is exact in the tables beside them)."""
    sales = Metric.SALES_AMOUNT.value
    collections = Metric.COLLECTIONS.value
    return {
        "labels": {
            "sales": str(Metric.SALES_AMOUNT.label),
            "collections": str(Metric.COLLECTIONS.label),
            "mom": _("Month over month"),
            "yoy": _("Year over year"),
            "open": _("Open amount"),
            "overdue_share": _("Overdue share"),
            "attainment": _("Attainment"),
            "month": _("This month"),
            "year": _("This year"),
            "pace": _("Time elapsed"),
            "no_target": _("No target"),
            "threshold": _("Alert line %(rate)s") % {"rate": formats.fraction_rate(selectors.OVERDUE_ALERT)},
            "dso": _("DSO (days)"),
            "turnover_days": _("Receivable turnover days"),
            "days": _("days"),
        },
        # Receivable turnover of a unit, 12 months (none for a salesperson).
        "turnover": [
            {"month": str(row["month"]), "dso": _number(row["dso"]), "turnover_days": _number(row["turnover_days"])}
            for row in (data["turnover"] or {}).get("months", [])
        ],
        "overdue_threshold": _number(selectors.OVERDUE_ALERT),
        "trend": [
            {
                "month": row["month"],
                "sales": _number(row["sales"]),
                "collections": _number(row["collections"]),
                "sales_mom": _number(row["sales_mom"]),
                "sales_yoy": _number(row["sales_yoy"]),
                "collections_mom": _number(row["collections_mom"]),
                "collections_yoy": _number(row["collections_yoy"]),
            }
            for row in data["trend"]
        ],
        "ageing": [
            {"label": b["label"], "key": b["key"], "amount": _number(b["amount"])} for b in data["receivables"]["buckets"]
        ],
        "overdue_trend": [{"as_of": row["as_of"].isoformat(), "share": _number(row["share"])} for row in data["overdue_trend"]],
        "gauges": {
            key: {
                metric: _number(data["head"][key][metric]["rate"])
                for metric in (sales, collections, Metric.NEW_CUSTOMERS.value, Metric.NEW_CHANNELS.value)
            }
            for key in ("month", "year")
        },
        "metric_labels": {value: str(label) for value, label in METRIC_LABELS},
        "pace": {key: _number(value) for key, value in data["pace"].items()},
    }
