"""The issue's browser test for early warnings (预警): the warning job opens a warning about an overdue
customer of 杭州; the district manager (its owner: the customer has no salesperson) acknowledges it and closes
it with a resolution on its page; the regional manager then finds it closed on the risk pages — in Chinese,
in headless Chromium."""

import re
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from core.rights import SYSTEM
from core.roles import Role
from customers.services import customer_create, invoice_record
from risk.models import Warning
from risk.services import warning_rule_create, warnings_evaluate
from tests.browser.steps import expect, log_in, log_out

RESOLUTION = "客户已付清逾期款项。"


def test_district_manager_closes_a_warning_the_regional_manager_sees_closed(page, org, hire):
    hire("dm_hangzhou", name="杭州经理", role=Role.DISTRICT_MANAGER, unit="330100")
    hire("rm_east", name="华东经理", role=Role.REGIONAL_MANAGER, unit="HD")
    today = timezone.localdate()
    customer = customer_create(by=SYSTEM, name="杭州逾期客户有限公司", district=org["330100"])
    issued = today - timedelta(days=90)
    invoice_record(
        by=SYSTEM, customer=customer, issue_date=issued, due_date=issued + timedelta(days=30), amount=Decimal("5000.00")
    )
    warning_rule_create(by=SYSTEM, name="逾期占比超过五成", kind="overdue_share", threshold="0.5", severity="high")
    warnings_evaluate(as_of=today, by=SYSTEM)
    warning = Warning.objects.get(customer=customer)
    path = f"/risk/warnings/{warning.pk}/"

    # --- the district manager acknowledges and closes it -------------------------------------------
    log_in(page, "dm_hangzhou")
    page.goto("/risk/warnings/")
    row = page.locator("table.app-table tbody tr", has_text="杭州逾期客户有限公司")
    expect(row).to_have_count(1)
    row.get_by_role("link", name="逾期占比超过五成").click()
    expect(page).to_have_url(re.compile(rf"{path}$"))
    expect(page.locator("#warning-owner")).to_contain_text("杭州经理")
    page.locator("#warning-acknowledge-form button").click()
    expect(page.locator("#warning-state span")).to_have_attribute("data-state", "acknowledged")
    # Closing without a resolution is refused on its field; nothing changes.
    page.locator("#warning-close-form button").click()
    expect(page.locator("#warning-close-form")).to_contain_text("关闭预警单须填写处理结果")
    page.locator("#id_resolution").fill(RESOLUTION)
    page.locator("#warning-close-form button").click()
    expect(page).to_have_url(re.compile(rf"{path}$"))
    expect(page.locator("#warning-state span")).to_have_attribute("data-state", "closed")
    expect(page.locator("#warning-resolution")).to_have_text(RESOLUTION)
    log_out(page, "杭州经理")

    # --- the regional manager sees it closed ------------------------------------------------------
    log_in(page, "rm_east")
    page.goto("/risk/")
    expect(page.locator("#warnings-panel")).not_to_contain_text("杭州逾期客户有限公司")
    page.goto("/risk/warnings/?state=closed")
    row = page.locator("table.app-table tbody tr", has_text="杭州逾期客户有限公司")
    expect(row.locator("[data-state]").last).to_have_attribute("data-state", "closed")
    row.get_by_role("link", name="逾期占比超过五成").click()
    expect(page.locator("#warning-resolution")).to_have_text(RESOLUTION)
    expect(page.locator("#warning-close-form")).to_have_count(0)
