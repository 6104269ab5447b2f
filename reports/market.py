"""The monthly market-information report (市场信息月报, issue 18): a kind of business report (ReportKind.MARKET) of a
region or of the company for one month, built by the same Celery job, kept as built in `BusinessReport.data`,
downloaded as Excel and PDF and submitted to the Development Center through the same approval subject.

Its figures come from relations (relations.selectors.market.market_month_figures: reports by kind, reliability,
demand signal, competitor, product and unit one level down, price movements, the major problems raised as special
events), stored as JSON (Decimals as text); `market_tables` shapes them back for the page, the PDF and the
workbook, with labels in the reader's language. reports.selectors, reports.presenters and reports.exports hand a
market report over to this module by its kind."""

from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.formats import COUNT_FORMAT, MONEY_FORMAT
from core.periods import Period
from regions.choices import UnitKind
from relations.choices_market import DemandSignal, MarketReportKind, Reliability
from relations.selectors.market import market_month_figures
from reports.choices import ReportKind
from reports.selectors import jsonable

# Bump when the shape of a market report's `data` changes.
MARKET_DATA_VERSION = 1
CHANGE_FORMAT = "+0.00;-0.00;0.00"  # a price change in percent, with its sign


def is_market(data):
    return bool(data) and data.get("kind") == ReportKind.MARKET


def market_report_figures(unit, period, kind=ReportKind.MARKET, *, progress=None):
    """Every figure of the market-information report of `unit` for the month `period`, JSON-able."""
    period = Period.parse(period)
    if progress is not None:
        progress(30)
    figures = market_month_figures(unit, period)
    if progress is not None:
        progress(85)
    data = {
        "version": MARKET_DATA_VERSION,
        "kind": ReportKind.MARKET,
        "unit": {"unit_id": unit.pk, "code": unit.code, "name": unit.name, "kind": unit.kind},
        "period": str(period),
        "as_of": period.end,
        "periods": {"current": str(period), "previous": str(period.previous())},
        **figures,
        "source": {"market_reports": figures["totals"]["reports"]},
    }
    return jsonable(data)


def _dec(value):
    return None if value in (None, "") else Decimal(str(value))


def _price_rows(rows):
    return [
        {
            **row,
            "average_change": _dec(row.get("average_change")),
            "biggest_rise": _dec(row.get("biggest_rise")),
            "biggest_cut": _dec(row.get("biggest_cut")),
        }
        for row in rows
    ]


def market_tables(data):
    """A market report's figures for a template or a sheet: counts labelled, Decimals back as Decimals."""
    kinds, reliabilities, demand = dict(MarketReportKind.choices), dict(Reliability.choices), dict(DemandSignal.choices)
    totals = {**data["totals"], "average_change": _dec(data["totals"]["average_change"])}
    level = data.get("by_unit_level")
    return {
        "is_market": True,
        "as_of": data["as_of"],
        "periods": data["periods"],
        "totals": totals,
        "by_kind": [{**row, "label": str(kinds.get(row["key"], row["key"]))} for row in data["by_kind"]],
        "by_reliability": [{**row, "label": str(reliabilities.get(row["key"], row["key"]))} for row in data["by_reliability"]],
        "by_demand": [{**row, "label": str(demand.get(row["key"], row["key"]))} for row in data["by_demand"]],
        "by_competitor": _price_rows(data["by_competitor"]),
        "by_product": _price_rows(data["by_product"]),
        "by_unit": data["by_unit"],
        "by_unit_label": str(UnitKind(level).label) if level in UnitKind.values else "",
        "price_moves": [
            {**row, "price_level": _dec(row["price_level"]), "price_change": _dec(row["price_change"])}
            for row in data["price_moves"]
        ],
        "raised": data["raised"],
        "source": data.get("source", {}),
    }


def _sheet(workbook, title, header, rows, formats):
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    for index, number_format in formats.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
            if cell.value is not None:
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    return sheet


def market_xlsx(report, tables):
    """The market report as an .xlsx workbook (bytes): summary, competitors, products, price moves, raised."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    totals = tables["totals"]
    rows = [
        (_("Org unit"), report.unit.name),
        (_("Period"), str(report.period)),
        (_("Kind"), report.get_kind_display()),
        (_("State"), report.get_state_display()),
        (_("Market reports"), totals["reports"]),
        (_("Market reports in the month before"), totals["previous_reports"]),
        (_("Competitors named"), totals["competitors"]),
        (_("Price moves"), totals["price_moves"]),
        (_("Rises"), totals["ups"]),
        (_("Cuts"), totals["downs"]),
        (_("Average change %"), totals["average_change"]),
        (_("Major problems"), totals["major"]),
        (_("Raised as special events"), totals["raised"]),
    ]
    rows += [(row["label"], row["reports"]) for row in tables["by_kind"]]
    rows += [(row["label"], row["reports"]) for row in tables["by_reliability"]]
    rows += [(row["label"], row["reports"]) for row in tables["by_demand"]]
    rows += [(f"{row['name']} ({row['code']})", row["reports"]) for row in tables["by_unit"]]
    rows.append((_("Analysis"), report.analysis or ""))
    _sheet(workbook, _("Summary"), [_("Line item"), _("Value")], rows, {})

    header = [
        _("Reports"),
        _("Price moves"),
        _("Rises"),
        _("Cuts"),
        _("Average change %"),
        _("Largest cut %"),
        _("Largest rise %"),
        _("Major problems"),
    ]
    formats = {
        1: COUNT_FORMAT,
        2: COUNT_FORMAT,
        3: COUNT_FORMAT,
        4: COUNT_FORMAT,
        5: CHANGE_FORMAT,
        6: CHANGE_FORMAT,
        7: CHANGE_FORMAT,
        8: COUNT_FORMAT,
    }

    def price_cells(row):
        return [
            row["reports"],
            row["price_moves"],
            row["ups"],
            row["downs"],
            row["average_change"],
            row["biggest_cut"],
            row["biggest_rise"],
            row["major"],
        ]

    _sheet(
        workbook,
        _("Competitors"),
        [_("Competitor"), *header],
        [[row["competitor"], *price_cells(row)] for row in tables["by_competitor"]],
        formats,
    )
    product_formats = {index + 1: fmt for index, fmt in formats.items()}
    _sheet(
        workbook,
        _("Products"),
        [_("Code"), _("Our product"), *header],
        [[row["code"], row["name"], *price_cells(row)] for row in tables["by_product"]],
        product_formats,
    )
    _sheet(
        workbook,
        _("Price moves"),
        [
            _("Observed on"),
            _("Report"),
            _("Competitor"),
            _("Our product"),
            _("Org unit"),
            _("Competitor's price"),
            _("Price change %"),
            _("Reliability"),
        ],
        [
            [
                row["observed_on"],
                row["title"],
                row["competitor"],
                row["product"],
                row["unit"],
                row["price_level"],
                row["price_change"],
                row["reliability"],
            ]
            for row in tables["price_moves"]
        ],
        {5: MONEY_FORMAT, 6: CHANGE_FORMAT},
    )
    _sheet(
        workbook,
        _("Raised as special events"),
        [_("Observed on"), _("Report"), _("Competitor"), _("Org unit"), _("Reliability"), _("Special event")],
        [
            [row["observed_on"], row["title"], row["competitor"], row["unit"], row["reliability"], row["event_id"]]
            for row in tables["raised"]
        ],
        {},
    )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
