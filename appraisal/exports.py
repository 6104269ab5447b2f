"""The spreadsheet export of a run's scores (.xlsx): only the rows the reader may see."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from core.formats import COUNT_FORMAT, MONEY_FORMAT  # the one rule for figures

# A score is a figure to the hundredth, written like money (grouped, two decimals) so the sheet reads as the page.
SCORE_FORMAT = MONEY_FORMAT


def _safe_text(value):
    # A name starting with "=" must not become a formula.
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def scores_xlsx(run, scores):
    """A title row, a header (person, unit, each item's score, total, ranks) and one row per score."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Scores")[:31]
    items = list(run.scheme.items.all())
    sheet.append([_safe_text(f"{run.scheme.name} · {run.period} · {run.unit.name}")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(
        [
            _("Employee number"),
            _("Name"),
            _("Org unit"),
            *[_safe_text(f"{item.display_label} ({item.weight})") for item in items],
            _("Total score"),
            _("Rank among peers"),
            _("Rank company-wide"),
        ]
    )
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for score in scores:
        by_item = {line.item_id: line.item_score for line in score.items.all()}
        sheet.append(
            [
                score.staff.employee_no,
                _safe_text(score.staff.name),
                _safe_text(score.unit.name),
                *[by_item.get(item.pk) for item in items],
                score.total,
                score.rank_peers,
                score.rank_company,
            ]
        )
        row = sheet[sheet.max_row]
        for cell in row[3 : 4 + len(items)]:
            cell.number_format = SCORE_FORMAT
        for cell in row[4 + len(items) :]:  # the ranks: whole numbers
            cell.number_format = COUNT_FORMAT
    out = BytesIO()
    book.save(out)
    return out.getvalue()
