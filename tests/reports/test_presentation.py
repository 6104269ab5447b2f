"""How a report reads (issue 14, item 9): figures by the one rule of core/formats.py on the page, in the
PDF and in Excel; the units without business collapsed to one line; the summary cards and chart data at
the top; internals for the center only; the over-limit list says it is the top N; the PDF's names unbroken,
rows whole on a page, the CJK font embedded."""

import re
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from core.formats import COUNT_FORMAT, MONEY_FORMAT, RATE_FORMAT
from reports import exports
from reports import selectors as report_selectors
from reports.choices import ReportKind
from reports.presenters import report_tables
from reports.services import report_build
from tests.reports.conftest import MONTH

pytestmark = pytest.mark.django_db

# A figure of 4+ digits written without grouping ("12345.00", "1234"): never on a report.
UNGROUPED = re.compile(r"(?<![\d,.\-])\d{4,}(?:\.\d+)?(?![\d,])")
YEARS = re.compile(r"\b20\d\d(?:-\d\d(?:-\d\d)?|-Q\d)?\b")  # periods and dates are not figures


@pytest.fixture
def report(facts, units):
    return report_build(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY)


def _visible_text(html):
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _section(html, element_id, end="</table>"):
    start = html.index(f'id="{element_id}"')
    return html[start : html.index(end, start)]


def _page(persona, report):
    response = persona.web().get(reverse("reports:report_detail", kwargs={"pk": report.pk}))
    assert response.status_code == 200
    return response, response.content.decode()


def test_counts_are_whole_money_grouped_rates_one_decimal(report, personas):
    response, html = _page(personas["rm_east"], report)
    text = YEARS.sub(" ", _visible_text(html[html.index('id="report-title"') :]))
    assert not UNGROUPED.findall(text)

    # The new-customers figures (targets of 2, counts of customers) are whole numbers: never "2.00".
    new_customers = _visible_text(_section(html, "report-new-customers", "</ul>"))
    assert re.search(r"\d", new_customers) and ".00" not in new_customers
    attainment = _section(html, "report-attainment")
    head_row = re.search(r'<tr class="fw-bold" data-unit="HD">(.*?)</tr>', attainment, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", head_row, re.S)[1:]
    assert len(cells) == 9
    money_cells, count_cells, rate_cells = cells[0:2] + cells[3:5], cells[6:8], cells[2::3]
    assert all(re.fullmatch(r"(—|\d{1,3}(,\d{3})*\.\d\d)", c.strip()) for c in money_cells), money_cells
    assert any("," in c for c in money_cells)
    assert all(re.fullmatch(r"(—|\d{1,3}(,\d{3})*)", c.strip()) for c in count_cells), count_cells
    assert all(re.fullmatch(r"(—|-?\d+\.\d%)", c.strip()) for c in rate_cells), rate_cells
    # The summary cards: amounts in 万 with the exact figure on hover.
    assert re.search(r'id="report-kpi-sales_amount".*?title="\d{1,3}(,\d{3})*\.\d\d">[\d,.]+ 万<', html, re.S)


def test_units_without_business_are_one_line(report, personas):
    tables = report_tables(report.data)
    idle = {u["code"] for u in tables["idle_units"]}
    active = {u["code"] for u in tables["active_units"]}
    # In the generated facts only Zhejiang's 330100 and 330200 sell inside 华东; the rest of the region is idle.
    assert {"330000", "330100", "330200"} <= active
    assert idle and not idle & active and "HD" not in idle
    for unit in tables["idle_units"]:
        assert all(not c["current"] and not c["previous"] and not c["last_year"] for c in unit["comparison"])

    _response, html = _page(personas["rm_east"], report)
    attainment = _section(html, "report-attainment")
    for code in idle:
        assert f'data-unit="{code}"' not in attainment, code
    assert f'data-idle="{len(idle)}"' in attainment
    assert re.search(rf"{len(idle)} 个(区|单位)无业务", _visible_text(attainment))


def test_a_unit_with_a_target_and_no_sales_is_idle_and_named_in_the_exceptions(facts, units):
    from core.rights import SYSTEM
    from plans.services import target_set

    target_set(metric="sales_amount", period=MONTH, unit=units["320100"], value="1000.00", by=SYSTEM)
    tables = report_tables(report_build(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY).data)
    assert "320100" in {u["code"] for u in tables["idle_units"]}
    assert tables["idle_with_target"] >= 1
    assert "320100" in {r["code"] for r in tables["exceptions"]["below_target"]}


def test_summary_cards_and_chart_data(report, personas):
    tables = report_tables(report.data)
    sales = tables["kpis"]["metrics"][0]
    assert sales["key"] == "sales_amount" and sales["actual"] == tables["units"][0]["attainment"][0]["actual"]
    assert tables["kpis"]["open"] == tables["ageing"]["total"]["total"]
    assert [b["label"] for b in tables["charts"]["ageing"]] == tables["ageing"]["buckets"]
    assert tables["charts"]["sales"] and all(row["name"] for row in tables["charts"]["sales"])

    _response, html = _page(personas["rm_east"], report)
    assert 'id="report-charts" type="application/json"' in html
    assert "js/report.js" in html and "echarts.min.js" in html
    assert 'id="report-chart-sales"' in html and 'id="report-chart-ageing"' in html


def test_internals_are_for_the_center_only(report, personas):
    with translation.override("zh-hans"):
        from django.utils.translation import gettext

        old_label = gettext("Summary rows read")
    for persona in ("rm_east", "director"):
        _response, html = _page(personas[persona], report)
        assert old_label not in html
    _response, html = _page(personas["rm_east"], report)
    assert 'id="report-source"' not in html and "数据说明" not in html
    _response, html = _page(personas["center"], report)
    rows = report.data["source"]["summary_rows"]["current"]
    assert 'id="report-source"' in html and "数据说明" in html and f"本期读取 {rows} 行" in html


def test_the_over_limit_list_says_it_is_the_top_n(facts, units, personas, monkeypatch):
    monkeypatch.setattr(report_selectors, "OVER_LIMIT_SHOWN", 1)
    report = report_build(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY)
    over = report.data["exceptions"]["over_credit_limit"]
    assert over["count"] > 1 and len(over["top"]) == 1
    _response, html = _page(personas["rm_east"], report)
    assert f"超信用额度客户：{over['count']} 家" in html
    assert "前 1 家（按超额金额）" in html
    assert reverse("customers:customer_detail", kwargs={"pk": over["top"][0]["customer_id"]}) in html

    monkeypatch.setattr(report_selectors, "OVER_LIMIT_SHOWN", 1000)
    report = report_build(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY)
    _response, html = _page(personas["rm_east"], report)
    assert "全部客户（按超额金额）" in html and "前 " not in _visible_text(_section(html, "report-exceptions", "</table>"))


def _pdf_lines(report):
    """The laid-out lines of the PDF, page by page, and the body rows found on each page."""
    import weasyprint
    from weasyprint.formatting_structure import boxes

    with translation.override("zh-hans"):
        document = weasyprint.HTML(string=exports.report_pdf_html(report)).render()
    pages, rows = [], []
    for page in document.pages:
        lines, page_rows = [], set()
        for box in page._page_box.descendants():
            if isinstance(box, boxes.LineBox):
                lines.append("".join(b.text for b in box.descendants() if isinstance(b, boxes.TextBox)))
            if isinstance(box, boxes.TableRowGroupBox) and not box.is_header:
                page_rows.update(id(row.element) for row in box.children)
        pages.append(lines)
        rows.append(page_rows)
    return pages, rows


def test_the_pdf_has_separated_figures_whole_names_and_a_first_page(report, units):
    pages, rows = _pdf_lines(report)
    lines = [line for page in pages for line in page]
    assert len(pages) >= 2
    # The first page: title with unit, period and kind; the headline figures.
    first = " ".join(pages[0])
    assert units["HD"].name in first and MONTH in first and "月报" in first
    head = report_tables(report.data)["units"][0]["attainment"][0]["actual"]
    from core.formats import money

    assert money(head) in first
    # Figures grouped: at least one 1,234.00-like figure, and none of 4+ digits without separators.
    assert any(re.search(r"\d{1,3}(,\d{3})+\.\d\d", line) for line in lines)
    assert not [line for line in lines if UNGROUPED.search(YEARS.sub(" ", line))]
    # Names never wrap: 宁波市 is on one line, and no line is a lone fragment of it.
    name = units["330200"].name
    assert any(name in line for line in lines)
    assert not [line for line in lines if line.strip() in {name[:1], name[:2], name[1:], name[2:]}]
    # No body row is split across two pages (headers repeat, rows do not).
    for n in range(len(rows) - 1):
        assert not rows[n] & rows[n + 1], n


def test_the_pdf_is_set_in_the_cjk_font(report, personas):
    import weasyprint

    response = personas["rm_east"].web().get(reverse("reports:report_pdf", kwargs={"pk": report.pk}))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    with translation.override("zh-hans"):
        document = weasyprint.HTML(string=exports.report_pdf_html(report)).render()
    document.write_pdf()
    names = [font.name.decode() for font in document.fonts.values()]
    # Every glyph from Noto Sans CJK (fonts-noto-cjk): no fallback font, no tofu boxes.
    assert names and all("CJK" in name for name in names), names


def test_the_excel_cells_carry_the_formats(report, personas):
    response = personas["rm_east"].web().get(reverse("reports:report_xlsx", kwargs={"pk": report.pk}))
    workbook = load_workbook(BytesIO(response.content))
    summary, attainment, ageing, exceptions, *_complaints = workbook.worksheets
    # Attainment: per metric target, actual, rate; sales and collections money, new customers a count.
    row = list(attainment.iter_rows(min_row=2, max_row=2))[0]
    formats = [cell.number_format for cell in row[3:12]]
    assert formats == [MONEY_FORMAT, MONEY_FORMAT, RATE_FORMAT] * 2 + [COUNT_FORMAT, COUNT_FORMAT, RATE_FORMAT]
    # Summary: the metric rows' rate columns.
    metric_rows = [r for r in summary.iter_rows(min_row=9) if r[0].value and r[2].value is not None]
    assert len(metric_rows) == 3
    assert metric_rows[0][2].number_format == MONEY_FORMAT and metric_rows[0][3].number_format == RATE_FORMAT
    assert metric_rows[2][2].number_format == COUNT_FORMAT
    # Ageing: money buckets, the share a rate.
    header = [c.value for c in ageing[1]]
    data_row = ageing[2]
    assert data_row[2].number_format == MONEY_FORMAT and data_row[len(header) - 1].number_format == RATE_FORMAT
    # Exceptions: the over-limit count is a count.
    count_row = [r for r in exceptions.iter_rows() if isinstance(r[3].value, int) and r[1].value is None]
    assert count_row and count_row[-1][3].number_format == COUNT_FORMAT
