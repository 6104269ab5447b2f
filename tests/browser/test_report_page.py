"""The business report page in headless Chromium (issue 14, item 9): the summary cards and both charts are
drawn (no script error, nothing the CSP refuses), the units without business are one line that expands,
the long tables keep their header in view, and at phone width nothing is wider than the screen."""

from django.utils import timezone

from core.periods import Period
from core.roles import Role
from reports.choices import ReportKind
from reports.services import report_build
from tests.browser.steps import expect, log_in, one_sale_in_hangzhou


def test_the_report_page_draws_its_summary_and_keeps_tables_compact(page, org, hire):
    manager = hire("rm_east", name="华东经理", role=Role.REGIONAL_MANAGER, unit="HD")
    rep = hire("rep_hz", name="杭州业务员", role=Role.SALES_REP, unit="330100")
    last_month = Period.parse(f"{timezone.localdate():%Y-%m}").previous()
    one_sale_in_hangzhou(org, rep, issued=last_month.start, amount="123456.78")
    report = report_build(unit=org["HD"], period=str(last_month), kind=ReportKind.MONTHLY, by=manager.user)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    log_in(page, "rm_east")
    page.goto(f"/reports/{report.pk}/")
    expect(page.locator("#report-kpi-sales_amount")).to_contain_text("12.35 万")
    expect(page.locator("#report-chart-sales canvas").first).to_be_visible()
    expect(page.locator("#report-chart-ageing canvas").first).to_be_visible()
    expect(page.locator("#report-attainment")).to_contain_text("123,456.78")

    # Every district of the region but 杭州市 has no business: one line, expanding to their names.
    idle = page.locator("#report-attainment .report-idle")
    expect(idle).to_contain_text("无业务")
    assert idle.locator("details").evaluate("e => e.open") is False
    idle.locator("summary").click()
    assert idle.locator("details").evaluate("e => e.open") is True
    expect(idle.locator("details")).to_contain_text("宁波市")
    assert page.locator("#report-attainment tr[data-unit='330200']").count() == 0
    assert page.eval_on_selector("#report-attainment thead", "e => getComputedStyle(e).position") == "sticky"

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator("#report-chart-ageing canvas").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not errors, errors
