"""The issue's browser test: a regional manager writes and submits a marketing plan, the director approves
it in the Development Center's queue, and both see the state change — through the pages, in Chinese,
in headless Chromium."""

import re
from urllib.parse import urlsplit

from django.utils import translation
from django.utils.translation import gettext_lazy

from core.roles import Role
from plans.choices import PlanState
from regions.models import OrgUnit
from tests.browser.steps import expect, log_in, log_out

TITLE = "华东大区2027年一季度营销计划"
COMMENT = "同意，按计划执行。"


def _zh(text):
    # The page shows the catalog's Chinese for its own strings; read the expected text from the same catalog
    # (strings whose Chinese is long settled, like 已提交/已批准/批准, are written out below).
    with translation.override("zh-hans"):
        return str(getattr(text, "label", text))


def test_director_approves_a_regional_marketing_plan(page, org, hire):
    hire("rm_east", name="华东经理", role=Role.REGIONAL_MANAGER, unit="HD")
    hire("director", name="王总监", role=Role.DIRECTOR, unit="HQ")

    # --- the regional manager writes the plan ------------------------------------------------------
    log_in(page, "rm_east")
    page.goto("/plans/")
    page.locator("#plan-new").click()
    expect(page).to_have_url(re.compile(r"/plans/new/$"))
    page.locator("#id_kind").select_option("marketing")
    page.locator("#id_unit").select_option(str(org["HD"].pk))
    page.locator("#id_period").fill("2027-Q1")
    page.locator("#id_title").fill(TITLE)
    page.locator("#plan-create").click()
    expect(page).to_have_url(re.compile(r"/plans/\d+/edit/$"))
    plan_url = page.url.removesuffix("edit/")
    plan_path = urlsplit(plan_url).path

    page.locator("#id_body").fill("一季度重点拓展浙江、江苏的重点客户。")
    line = page.locator("#target-line-0")
    line.locator("#id_targets-0-metric").select_option("sales_amount")
    # The region's provinces are the split columns of its plan (7 for 华东).
    n = OrgUnit.objects.filter(parent=org["HD"], is_active=True).count()
    children = line.locator("input.js-child")
    expect(children).to_have_count(n)
    line.locator("#id_targets-0-value").fill(str(n * 120_000))
    for i in range(n):
        children.nth(i).fill("120000")
    months = line.locator("input.js-month")
    expect(months).to_have_count(3)
    for i in range(3):
        months.nth(i).fill(str(n * 40_000))
    # The live totals say the line adds up before anything is sent.
    for level in ("children", "months"):
        diff = line.locator(f"#target-line-0-{level}-diff")
        expect(diff).to_have_class(re.compile("text-success"))
        expect(diff).to_have_text(_zh(gettext_lazy("Adds up")))

    page.locator("#plan-save-submit").click()
    expect(page).to_have_url(plan_url)
    expect(page.locator("#plan-state")).to_have_attribute("data-state", "submitted")
    expect(page.locator("#plan-state")).to_have_text(_zh(PlanState.SUBMITTED))
    expect(page.locator("#plan-approval-link")).to_contain_text("已提交")
    expect(page.locator("#line-status-0")).to_have_attribute("data-add-up", "ok")
    expect(page.locator("#plan-version-1")).to_contain_text("已提交")
    log_out(page, "华东经理")

    # --- the director decides in the queue --------------------------------------------------------
    log_in(page, "director")
    page.goto("/approvals/queue/")
    row = page.locator("table.app-table tbody tr", has_text=TITLE)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("华东大区")
    expect(row).to_contain_text("华东经理")
    row.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(re.compile(r"/approvals/\d+/$"))
    request_url = page.url
    expect(page.locator(".app-page-header .badge")).to_have_text("已提交")

    decide = page.locator("form", has=page.locator("button[name=move][value=approve]"))
    decide.locator("textarea[name=comment]").fill(COMMENT)
    decide.get_by_role("button", name="批准").click()
    expect(page).to_have_url(request_url)
    expect(page.locator(".app-page-header .badge")).to_have_text("已批准")
    expect(page.locator("#events")).to_contain_text(COMMENT)

    # The request links to its plan, which now shows approved.
    page.locator(f"main a[href='{plan_path}']").first.click()
    expect(page).to_have_url(plan_url)
    expect(page.locator("#plan-state")).to_have_attribute("data-state", "approved")
    expect(page.locator("#plan-approval-link")).to_contain_text("已批准")
    log_out(page, "王总监")

    # --- the regional manager sees the decision ------------------------------------------------------
    log_in(page, "rm_east")
    page.goto(plan_url)
    expect(page.locator("#plan-state")).to_have_attribute("data-state", "approved")
    expect(page.locator("#plan-state")).to_have_text(_zh(PlanState.APPROVED))
    expect(page.locator("#plan-approval-link")).to_contain_text("已批准")
    expect(page.locator("#plan-version-1")).to_contain_text("已批准")
    expect(page.locator("#plan-revise")).to_be_visible()
    page.goto("/inbox/")
    message = page.locator(".list-group-item", has_text=TITLE)
    expect(message.first).to_be_visible()
    expect(message.first).to_contain_text("已批准")
