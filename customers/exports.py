"""Spreadsheet exports of receivables: the ageing report as an .xlsx workbook."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core.formats import MONEY_FORMAT  # the one rule for figures


def _group_header(group_by):
    return {
        "region": _("Region"),
        "province": _("Province"),
        "district": _("District office"),
        "salesperson": _("Salesperson"),
        "customer": _("Customer"),
        "invoice": _("Invoice"),
    }.get(group_by, _("Group"))


def _safe_text(value):
    # A label starting with "=" (a customer named so by a branch) must not become a formula.
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def ageing_xlsx(report, *, title):
    """The ageing report as .xlsx bytes: a title, the as-of date, one row per group, a totals row.
    Headers are in the active language; amounts are numeric cells formatted #,##0.00."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Ageing")[:31]
    columns = [_group_header(report.group_by), *[str(bucket.label) for bucket in report.buckets], _("Total")]

    sheet.append([_safe_text(title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("As of"), report.as_of])
    sheet["B2"].number_format = "yyyy-mm-dd"
    sheet["B2"].alignment = Alignment(horizontal="left")
    sheet.append([])
    sheet.append(columns)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)

    def money_row(label, amounts, total, bold=False):
        sheet.append([_safe_text(label), *[amounts[bucket.key] for bucket in report.buckets], total])
        for cell in sheet[sheet.max_row][1:]:
            cell.number_format = MONEY_FORMAT
        if bold:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)

    for row in report.rows:
        money_row(row["label"], row["buckets"], row["total"])
    money_row(report.totals["label"], report.totals["buckets"], report.totals["total"], bold=True)

    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    sheet.column_dimensions["A"].width = 32
    for index in range(2, len(columns) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 16
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
