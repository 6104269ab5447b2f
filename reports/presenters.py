"""A report's stored figures (`BusinessReport.data`, Decimals as text) shaped for the page, the PDF and
the Excel workbook: labels in the reader's language, Decimals back as Decimals, rates as percentages.

Besides the tables: the headline figures of the report's own unit (`kpis`, the cards at the top of the page
and the PDF's first page), the data of the page's two charts (`charts`, embedded with json_script), and the
units with no business at all (`idle_units`: no target, no figure in any compared period) set apart, so
that a region's report is not a page of zero rows."""

from decimal import Decimal
from itertools import zip_longest

from django.utils.translation import gettext as _

from plans.choices import Metric
from regions.choices import UnitKind
from relations.choices_complaints import ComplaintCause, ComplaintKind, ComplaintSeverity
from reports.market import is_market, market_tables
from reports.selectors import METRICS, bucket_labels
from risk.choices import EventKind, EventSeverity, EventState

HUNDRED = Decimal(100)


def dec(value):
    return None if value is None or value == "" else Decimal(str(value))


def percent(rate):
    return None if rate is None or rate == "" else (Decimal(str(rate)) * HUNDRED).quantize(Decimal("0.1"))


def _kind_label(kind):
    try:
        return str(UnitKind(kind).label)
    except ValueError:
        return kind or ""


def _unit_rows(data):
    rows = []
    for row in [data["head"], *data.get("children", [])]:
        rows.append(
            {
                "unit_id": row["unit_id"],
                "code": row["code"],
                "name": row["name"],
                "kind": _kind_label(row["kind"]),
                "kind_code": row["kind"],
                "is_head": row is data["head"],
                "attainment": [
                    {
                        "is_money": m != Metric.NEW_CUSTOMERS,
                        "target": dec(row["attainment"][m]["target"]),
                        "actual": dec(row["attainment"][m]["actual"]),
                        "rate": dec(row["attainment"][m]["rate"]),
                        "percent": percent(row["attainment"][m]["rate"]),
                    }
                    for m in METRICS
                ],
                "comparison": [
                    {
                        "is_money": m != Metric.NEW_CUSTOMERS,
                        "current": dec(row["comparison"][m]["current"]),
                        "previous": dec(row["comparison"][m]["previous"]),
                        "last_year": dec(row["comparison"][m]["last_year"]),
                        "change": percent(row["comparison"][m]["change"]),
                        "yoy": percent(row["comparison"][m]["yoy"]),
                    }
                    for m in METRICS
                ],
            }
        )
    for row in rows:
        row["idle"] = not row["is_head"] and _is_idle(row)
    return rows


def _is_idle(row):
    """Not a single figure (sales, collections, new customers) in any of the compared periods: a row of
    zeros. A target alone does not make a unit active: with nothing sold its attainment is 0 %, which the
    exceptions section names ("below 80 % of the sales target")."""
    figures = []
    for compared in row["comparison"]:
        figures += [compared["current"], compared["previous"], compared["last_year"]]
    return all(not value for value in figures)


def _ranked(rows):
    return [{**row, "target": dec(row["target"]), "actual": dec(row["actual"]), "percent": percent(row["rate"])} for row in rows]


def _turnover(section):
    """The receivable turnover table: one row per unit with DSO, turnover days and turnover times of the
    month and the month before; units with neither sales nor receivables in both months left out. None for
    reports built before the section existed (data version 1)."""
    if not section:
        return None
    rows = []
    for row in section["rows"]:
        current = {key: dec(value) for key, value in row["current"].items()}
        previous = {key: dec(value) for key, value in row["previous"].items()}
        if row is not section["rows"][0] and not any(
            figures[key] for figures in (current, previous) for key in ("sales", "open_at_end", "average_receivable")
        ):
            continue
        rows.append(
            {
                "name": row["name"],
                "code": row["code"],
                "is_head": row is section["rows"][0],
                "current": current,
                "previous": previous,
            }
        )
    return {"month": section["month"], "previous_month": section["previous_month"], "rows": rows}


def report_tables(data):
    """Everything a reader sees of a report, ready for a template or a sheet."""
    if not data:
        return None
    if is_market(data):  # the monthly market-information report has figures of its own (reports/market.py)
        return market_tables(data)
    labels = bucket_labels()
    ageing = data["ageing"]

    def ageing_row(row):
        return {
            "code": row.get("code", ""),
            "name": row.get("name") or _("Total"),
            "buckets": [dec(row["buckets"].get(key, "0")) for key in ageing["buckets"]],
            "total": dec(row["total"]),
            "overdue": dec(row["overdue"]),
            "share": percent(row["overdue_share"]),
        }

    exceptions = data["exceptions"]
    over = exceptions["over_credit_limit"]
    units = _unit_rows(data)
    ageing_rows = [ageing_row(row) for row in ageing["rows"]]
    ageing_total = ageing_row(ageing["total"])
    bucket_names = [labels.get(key, key) for key in ageing["buckets"]]
    idle = [u for u in units if u["idle"]]
    return {
        "metrics": [(m, str(Metric(m).label)) for m in METRICS],
        "money_metrics": [m != Metric.NEW_CUSTOMERS for m in METRICS],
        "units": units,
        # The page and the PDF list the units with figures; the idle ones are one line ("N 个区无业务").
        "active_units": [u for u in units if not u["idle"]],
        "idle_units": idle,
        "idle_all_districts": all(u["kind_code"] == UnitKind.DISTRICT for u in idle),
        "idle_with_target": sum(1 for u in idle if any(f["target"] for f in u["attainment"])),
        # The comparison one metric a table (the PDF: five columns a metric do not fit a page's width).
        "comparison_tables": [
            {
                "key": metric,
                "label": str(Metric(metric).label),
                "rows": [{"name": u["name"], "is_head": u["is_head"], **u["comparison"][n]} for u in units if not u["idle"]],
            }
            for n, metric in enumerate(METRICS)
        ],
        "kpis": _kpis(units[0], ageing_total, over["count"]),
        "charts": _charts(units, bucket_names, ageing_total),
        # The PDF's first page: the units one level down, sales against target.
        "sub_units": _sales_rows(_sub_units(units)[0]),
        "periods": data["periods"],
        "as_of": data["as_of"],
        "ranking": {"top": _ranked(data["ranking"]["top"]), "bottom": _ranked(data["ranking"]["bottom"])},
        # Top and bottom side by side (the PDF's first page): (top n, bottom n), None where one list is shorter.
        "ranking_pairs": list(zip_longest(_ranked(data["ranking"]["top"]), _ranked(data["ranking"]["bottom"]))),
        "ageing": {
            "buckets": bucket_names,
            "rows": ageing_rows,
            # Units with no open receivable at all: one line, not a row of zeros each.
            "active_rows": [row for row in ageing_rows if row["total"]],
            "idle_rows": [row for row in ageing_rows if not row["total"]],
            "total": ageing_total,
        },
        "turnover": _turnover(data.get("turnover")),
        "new_customers": {key: dec(value) for key, value in data["new_customers"].items()},
        "new_channels_recorded": bool(data["new_channels"].get("recorded")),
        # Reports of version 2 and before said "not recorded yet": no counts then.
        "new_channels": {key: dec(value) for key, value in data["new_channels"].items() if key != "recorded"},
        "exceptions": {
            # As text with its sign ("80%"): a literal % inside a translated sentence is error-prone.
            "low_attainment": f"{percent(exceptions['thresholds']['low_attainment']).normalize():f}%",
            "high_overdue_share": f"{percent(exceptions['thresholds']['high_overdue_share']).normalize():f}%",
            "below_target": _ranked(exceptions["below_target"]),
            "high_overdue": [
                {**row, "overdue": dec(row["overdue"]), "total": dec(row["total"]), "percent": percent(row["share"])}
                for row in exceptions["high_overdue"]
            ],
            "over_limit_count": over["count"],
            # The data keep the largest excesses only (reports.selectors.OVER_LIMIT_SHOWN): say so.
            "over_limit_shown": len(over["top"]),
            "over_limit": [
                {**row, "credit_limit": dec(row["credit_limit"]), "open": dec(row["open"]), "excess": dec(row["excess"])}
                for row in over["top"]
            ],
        },
        "events": _events(data.get("events")),
        "provisions": _provisions(data.get("provisions")),
        "complaints": _complaints(data.get("complaints")),
        "source": data.get("source", {}),
    }


def _events(section):
    """The special events section, labelled; None for a report built before the section existed."""
    if section is None:
        return None
    kinds, severities = dict(EventKind.choices), dict(EventSeverity.choices)
    states = dict(EventState.choices)
    return {
        "count": section["count"],
        "open": section["open"],
        "by_kind": [(kinds.get(key, key), n) for key, n in section["by_kind"].items() if n],
        "by_severity": [(key, severities.get(key, key), n) for key, n in section["by_severity"].items()],
        "rows": [
            {
                **row,
                "kind_label": kinds.get(row["kind"], row["kind"]),
                "severity_label": severities.get(row["severity"], row["severity"]),
                "state_label": states.get(row["state"], row["state"]),
            }
            for row in section["rows"]
        ],
        "listed_all": len(section["rows"]) == section["count"],
    }


def _kpis(head, ageing_total, over_limit_count):
    """The report unit's headline figures: sales, collections and new customers against their targets,
    the open receivables with their overdue share, and the customers over their credit limit."""
    return {
        "metrics": [
            {**figure, "key": metric, "label": str(Metric(metric).label), "bar": _bar(figure["percent"])}
            for metric, figure in zip(METRICS, head["attainment"], strict=True)
        ],
        "open": ageing_total["total"],
        "overdue": ageing_total["overdue"],
        "overdue_share": ageing_total["share"],
        "over_limit_count": over_limit_count,
    }


def _bar(percent):
    """The width of an attainment bar: the percentage, within 0–100."""
    return None if percent is None else max(0, min(100, int(percent)))


def _sales_rows(rows):
    return [
        {
            "name": u["name"],
            "target": u["attainment"][0]["target"],
            "actual": u["attainment"][0]["actual"],
            "rate": u["attainment"][0]["percent"],
        }
        for u in rows
    ]


def _sub_units(units):
    """The active units one level below the report's (the regions of the company, the provinces of a
    region) and, where none of them has a sales target, the active ones of the next level down that have
    one (the districts, where a region's targets are set)."""
    children = [u for u in units[1:] if not u["idle"]]
    if not children:
        return [], []
    level = units[1]["kind_code"]
    direct = [u for u in children if u["kind_code"] == level]
    if any(u["attainment"][0]["target"] for u in direct):
        return direct, direct
    deeper = [u for u in children if u["kind_code"] != level and u["attainment"][0]["target"]]
    return direct, deeper or direct


def _charts(units, bucket_names, ageing_total):
    """The data of the page's charts (json_script → static/js/report.js): sales against target by unit
    (`_sub_units`), and the open receivables by age. Amounts as text (exact); the tables below hold the
    same figures."""
    _direct, compared = _sub_units(units)
    return {
        "labels": {"target": _("Target"), "actual": _("Actual"), "open": _("Open receivables")},
        "sales": _sales_rows(compared),
        "ageing": [
            {"label": label, "amount": amount} for label, amount in zip(bucket_names, ageing_total["buckets"], strict=True)
        ],
    }


def _provisions(section):
    """The provisions for doubtful debts section with its figures as Decimals; None for a report built before
    the section existed."""
    if section is None:
        return None
    figures = ("open", "opening", "change", "closing")
    return {
        **section,
        "head": {name: dec(section["head"][name]) for name in figures},
        "rows": [{**row, **{name: dec(row[name]) for name in figures}} for row in section["rows"]],
    }


def _complaints(section):
    """The complaints section (monthly reports, issue 18), labelled; None for a report without it."""
    if section is None:
        return None
    kinds, severities, causes = dict(ComplaintKind.choices), dict(ComplaintSeverity.choices), dict(ComplaintCause.choices)
    return {
        **section,
        "handling_days_average": dec(section["handling_days_average"]),
        "met_percent": percent(section["met_rate"]) if section["met_rate"] is not None else None,
        "by_kind": [(str(kinds.get(key, key)), n) for key, n in section["by_kind"].items()],
        "by_severity": [(str(severities.get(key, key)), n) for key, n in section["by_severity"].items()],
        "top_causes": [
            {"label": str(causes.get(row["cause"], row["cause"])), "count": row["count"]} for row in section["top_causes"]
        ],
    }
