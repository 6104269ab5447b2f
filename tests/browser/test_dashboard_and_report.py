"""The dashboard issue's browser test: a regional manager lands on the dashboard, drills down region →
province → district through the figures' links, then opens last month's business report and downloads
it as Excel and PDF — in Chinese, in headless Chromium."""

import io
import re

from django.utils import timezone
from openpyxl import load_workbook

from core.periods import Period
from core.roles import Role
from reports.choices import ReportKind
from reports.services import report_build
from tests.browser.steps import expect, log_in, one_sale_in_hangzhou


def test_regional_manager_drills_to_a_district_and_downloads_the_monthly_report(page, org, hire):
    manager = hire("rm_east", name="华东经理", role=Role.REGIONAL_MANAGER, unit="HD")
    rep = hire("rep_hz", name="杭州业务员", role=Role.SALES_REP, unit="330100")
    today = timezone.localdate()
    last_month = Period.parse(f"{today:%Y-%m}").previous()
    one_sale_in_hangzhou(org, rep, issued=last_month.start, amount="123456.78")
    report = report_build(unit=org["HD"], period=str(last_month), kind=ReportKind.MONTHLY, by=manager.user)

    # --- the dashboard is the landing page; drill down through the links ---------------------------
    log_in(page, "rm_east")
    expect(page.get_by_test_id("dashboard-heading")).to_contain_text("华东")
    page.get_by_test_id("drill-330000").first.click()
    expect(page).to_have_url(re.compile(rf"/dashboard/\?unit={org['330000'].pk}$"))
    expect(page.get_by_test_id("dashboard-heading")).to_contain_text("浙江")
    page.get_by_test_id("drill-330100").first.click()
    expect(page).to_have_url(re.compile(rf"/dashboard/\?unit={org['330100'].pk}$"))
    expect(page.get_by_test_id("dashboard-heading")).to_contain_text("杭州")
    # The district lists its sales staff; the receivables figure includes the open invoice.
    expect(page.locator("#children-table")).to_contain_text("杭州业务员")
    expect(page.locator("#receivables-table")).to_contain_text(re.compile(r"123,?456\.78"))
    # The charts were drawn (ECharts puts a canvas or svg in each container).
    expect(page.locator("#chart-trend canvas, #chart-trend svg").first).to_be_visible()

    # --- the monthly report: open it and download it --------------------------------------------------
    page.goto("/reports/")
    page.locator(f"a[href='/reports/{report.pk}/']").first.click()
    expect(page.locator("#report-title")).to_contain_text("华东")
    expect(page.locator("#report-title")).to_contain_text(str(last_month))
    with page.expect_download() as info:
        page.locator("#report-xlsx").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    text = " ".join(str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row if cell)
    assert "华东" in text and "浙江" in text
    assert "华南" not in text  # another region's rows never appear in this region's export

    with page.expect_download() as info:
        page.locator("#report-pdf").click()
    pdf = open(info.value.path(), "rb").read()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
