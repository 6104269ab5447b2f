"""Smoke test in a real browser: a regional manager logs in, reads the receivables ageing, drills down
one level and logs out — through the pages as a person uses them, in Chinese."""

import re
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from core.rights import SYSTEM
from core.roles import Role
from customers.services import customer_create, invoice_record
from tests.browser.steps import expect, log_in, log_out


def test_regional_manager_reads_ageing_and_drills_down(page, org, hire):
    hire("rm_east", name="华东经理", role=Role.REGIONAL_MANAGER, unit="HD")
    rep = hire("rep_hz", name="杭州业务员", role=Role.SALES_REP, unit="330100")
    customer = customer_create(by=SYSTEM, name="西湖贸易有限公司", district=org["330100"], salesperson=rep)
    today = timezone.localdate()
    invoice_record(
        by=SYSTEM,
        customer=customer,
        issue_date=today - timedelta(days=75),
        due_date=today - timedelta(days=45),
        amount=Decimal("12345.60"),
    )

    log_in(page, "rm_east")
    expect(page).to_have_title(re.compile("大区销售管理系统"))
    # A manager lands on the dashboard of their own unit.
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"驾驶舱\s*·\s*华东大区"))
    expect(page.locator(".navbar")).to_contain_text("华东经理")

    page.goto("/customers/ageing/")
    expect(page.get_by_role("heading", level=1)).to_have_text("应收账款与账龄")
    table = page.locator("table.app-table")
    expect(page.locator(".card-header", has_text="应收账款账龄分析")).to_contain_text("华东大区")
    expect(table.locator("tfoot")).to_contain_text("合计")
    expect(table.locator("tfoot")).to_contain_text(re.compile(r"12,?345\.60"))

    # One level down: the region's table has a row per province; 浙江省 opens its district offices.
    table.get_by_role("link", name="浙江省").click()
    expect(page).to_have_url(re.compile(r"/customers/ageing/\?.*unit="))
    expect(page.locator(".breadcrumb")).to_contain_text("华东大区")
    expect(page.locator(".breadcrumb .active")).to_have_text("浙江省")
    row = page.locator("table.app-table tbody tr", has_text="杭州市")
    expect(row).to_contain_text(re.compile(r"12,?345\.60"))

    log_out(page, "华东经理")
    page.goto("/customers/ageing/")
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
