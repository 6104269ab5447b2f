"""A report's stored figures (`BusinessReport.data`, Decimals as text) shaped for the page, the PDF and
the Excel workbook: labels in the reader's language, Decimals back as Decimals, rates as percentages."""

from decimal import Decimal

from django.utils.translation import gettext as _

from plans.choices import Metric
from regions.choices import UnitKind
from reports.selectors import METRICS, bucket_labels

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
                "is_head": row is data["head"],
                "attainment": [
                    {
                        "target": dec(row["attainment"][m]["target"]),
                        "actual": dec(row["attainment"][m]["actual"]),
                        "rate": dec(row["attainment"][m]["rate"]),
                        "percent": percent(row["attainment"][m]["rate"]),
                    }
                    for m in METRICS
                ],
                "comparison": [
                    {
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
    return rows


def _ranked(rows):
    return [{**row, "target": dec(row["target"]), "actual": dec(row["actual"]), "percent": percent(row["rate"])} for row in rows]


def report_tables(data):
    """Everything a reader sees of a report, ready for a template or a sheet."""
    if not data:
        return None
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
    return {
        "metrics": [(m, str(Metric(m).label)) for m in METRICS],
        "money_metrics": [m != Metric.NEW_CUSTOMERS for m in METRICS],
        "units": _unit_rows(data),
        "periods": data["periods"],
        "as_of": data["as_of"],
        "ranking": {"top": _ranked(data["ranking"]["top"]), "bottom": _ranked(data["ranking"]["bottom"])},
        "ageing": {
            "buckets": [labels.get(key, key) for key in ageing["buckets"]],
            "rows": [ageing_row(row) for row in ageing["rows"]],
            "total": ageing_row(ageing["total"]),
        },
        "new_customers": {key: dec(value) for key, value in data["new_customers"].items()},
        "new_channels_recorded": bool(data["new_channels"].get("recorded")),
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
            "over_limit": [
                {**row, "credit_limit": dec(row["credit_limit"]), "open": dec(row["open"]), "excess": dec(row["excess"])}
                for row in over["top"]
            ],
        },
        "source": data.get("source", {}),
    }
