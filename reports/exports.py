"""Downloads of a business report: an Excel workbook (openpyxl) and a PDF (WeasyPrint). Both read only
the report's stored figures, so an export holds exactly the rows of the report's unit and nothing else."""

from io import BytesIO

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.errors import DomainError, Unprocessable
from core.formats import COUNT_FORMAT, MONEY_FORMAT, RATE_FORMAT  # the one rule for figures
from reports.market import market_xlsx
from reports.presenters import report_tables


class ExportUnavailable(DomainError):
    """The PDF engine cannot run on this server (missing libraries or fonts): try later or use Excel."""

    status_code = 503
    default_code = "export_unavailable"


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


def report_xlsx(report):
    """The report as an .xlsx workbook (bytes): summary, attainment, ageing and exceptions sheets."""
    tables = report_tables(report.data)
    if tables is None:
        raise Unprocessable(_("The report has no figures yet: build it first."), field="data")
    if tables.get("is_market"):
        return market_xlsx(report, tables)
    workbook = Workbook()
    workbook.remove(workbook.active)
    metric_labels = [label for _key, label in tables["metrics"]]

    # Summary: the report unit's own figures, one metric a row.
    head = tables["units"][0]
    summary_rows = [
        (_("Org unit"), f"{head['name']} ({head['code']})", None, None, None, None, None, None),
        (_("Period"), str(report.period), None, None, None, None, None, None),
        (_("Kind"), report.get_kind_display(), None, None, None, None, None, None),
        (_("As of"), tables["as_of"], None, None, None, None, None, None),
        (_("State"), report.get_state_display(), None, None, None, None, None, None),
    ]
    summary = _sheet(workbook, _("Summary"), [_("Line item"), _("Value"), "", "", "", "", "", ""], summary_rows, {})
    summary.append([])
    summary.append(
        [
            _("Metric"),
            _("Target"),
            _("Actual"),
            _("Attainment %"),
            _("Previous period"),
            _("Change %"),
            _("Same period last year"),
            _("Year on year %"),
        ]
    )
    for label, is_money, figure, compared in zip(
        metric_labels, tables["money_metrics"], head["attainment"], head["comparison"], strict=True
    ):
        summary.append(
            [
                label,
                figure["target"],
                figure["actual"],
                figure["percent"],
                compared["previous"],
                compared["change"],
                compared["last_year"],
                compared["yoy"],
            ]
        )
        number_format = MONEY_FORMAT if is_money else COUNT_FORMAT
        for column in (2, 3, 5, 7):
            summary.cell(row=summary.max_row, column=column).number_format = number_format
        for column in (4, 6, 8):
            summary.cell(row=summary.max_row, column=column).number_format = RATE_FORMAT
    summary.append([])
    summary.append([_("New channels"), _("Not recorded yet")])
    summary.append([_("Analysis"), report.analysis or ""])

    header = [_("Code"), _("Org unit"), _("Level")]
    formats = {}
    for n, (label, is_money) in enumerate(zip(metric_labels, tables["money_metrics"], strict=True)):
        header += [f"{label} {_('Target')}", f"{label} {_('Actual')}", f"{label} {_('Attainment %')}"]
        base = 3 + 3 * n
        formats[base] = formats[base + 1] = MONEY_FORMAT if is_money else COUNT_FORMAT
        formats[base + 2] = RATE_FORMAT
    rows = []
    for unit in tables["units"]:
        row = [unit["code"], unit["name"], unit["kind"]]
        for figure in unit["attainment"]:
            row += [figure["target"], figure["actual"], figure["percent"]]
        rows.append(row)
    _sheet(workbook, _("Attainment"), header, rows, formats)

    ageing = tables["ageing"]
    header = [_("Code"), _("Org unit"), *ageing["buckets"], _("Total"), _("Overdue"), _("Overdue share %")]
    n_buckets = len(ageing["buckets"])
    formats = {i: MONEY_FORMAT for i in range(2, 2 + n_buckets + 2)}
    formats[2 + n_buckets + 2] = RATE_FORMAT
    rows = [
        [row["code"], row["name"], *row["buckets"], row["total"], row["overdue"], row["share"]]
        for row in [*ageing["rows"], ageing["total"]]
    ]
    _sheet(workbook, _("Ageing"), header, rows, formats)

    exceptions = tables["exceptions"]
    rows = []
    for row in exceptions["below_target"]:
        rows.append([_("Below target"), row["code"], row["name"], row["actual"], row["target"], row["percent"]])
    for row in exceptions["high_overdue"]:
        rows.append([_("High overdue share"), row["code"], row["name"], row["overdue"], row["total"], row["percent"]])
    for row in exceptions["over_limit"]:
        rows.append([_("Over credit limit"), row["district"], row["name"], row["open"], row["credit_limit"], None])
    sheet = _sheet(
        workbook,
        _("Exceptions"),
        [_("Exception"), _("Code"), _("Name"), _("Amount"), _("Compared with"), _("Share %")],
        rows,
        {3: MONEY_FORMAT, 4: MONEY_FORMAT, 5: RATE_FORMAT},
    )
    # A count, not an amount; and the rows above are the largest excesses only: say how many.
    sheet.append([_("Customers over their credit limit"), None, None, exceptions["over_limit_count"], None, None])
    sheet.cell(row=sheet.max_row, column=4).number_format = COUNT_FORMAT
    if exceptions["over_limit_shown"] < exceptions["over_limit_count"]:
        sheet.append(
            [_("Listed above: the top %(shown)s, by excess over the limit.") % {"shown": exceptions["over_limit_shown"]}]
        )
    complaints = tables.get("complaints")
    if complaints is not None:  # monthly reports (issue 18): counts, handling time, top causes
        rows = [
            (_("Received"), complaints["received"]),
            (_("Closed"), complaints["closed"]),
            (_("Average handling time (working days)"), complaints["handling_days_average"]),
            (_("Result within SLA %"), complaints["met_percent"]),
            (_("Not closed at the period's end"), complaints["open_at_end"]),
            (_("Past SLA at the period's end"), complaints["breached_at_end"]),
            *[(label, n) for label, n in complaints["by_kind"]],
            *[(label, n) for label, n in complaints["by_severity"]],
            *[(f"{_('Top causes')}: {row['label']}", row["count"]) for row in complaints["top_causes"]],
        ]
        sheet = _sheet(workbook, _("Complaints"), [_("Line item"), _("Value")], rows, {})
        sheet.cell(row=5, column=2).number_format = RATE_FORMAT
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_pdf_html(report):
    """The HTML the PDF is made from (WeasyPrint): its tests read the laid-out text from it."""
    tables = report_tables(report.data)
    if tables is None:
        raise Unprocessable(_("The report has no figures yet: build it first."), field="data")
    template = "reports/market_report_pdf.html" if tables.get("is_market") else "reports/report_pdf.html"
    return render_to_string(template, {"report": report, "t": tables})


def report_pdf(report):
    """The report as a PDF (bytes). WeasyPrint is imported here, not at start-up: a server without its
    system libraries still serves everything else; then this raises ExportUnavailable (503), and a
    rendering failure raises Unprocessable (422) — never a server error."""
    html = report_pdf_html(report)
    try:
        # lazy: WeasyPrint needs system libraries (Pango); the site runs without them (see the docstring).
        import weasyprint
    except (ImportError, OSError):
        raise ExportUnavailable(
            _("PDF export is not available on this server right now; download the Excel file instead.")
        ) from None
    try:
        return weasyprint.HTML(string=html).write_pdf()
    except OSError:
        raise ExportUnavailable(
            _("PDF export is not available on this server right now; download the Excel file instead.")
        ) from None
    except Exception:
        raise Unprocessable(_("The PDF of this report could not be produced; download the Excel file instead.")) from None
