"""Steps a person does in the browser, shared by the browser tests."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from core.rights import SYSTEM
from customers.services import customer_create, invoice_record
from dashboard.services import receivables_snapshot_rebuild
from performance.services import summaries_rebuild
from tests.browser.support import PASSWORD, browser_required

try:
    from playwright.sync_api import Page, expect
except ImportError:
    if browser_required():
        raise
    pytest.skip("browser tests need the playwright package (scripts/setup installs requirements.txt)", allow_module_level=True)

__all__ = ["PASSWORD", "Page", "expect", "log_in", "log_out", "one_sale_in_hangzhou"]


def log_in(page: Page, username, password=PASSWORD):
    """Log in through the login form, as a person would, and land on the home page."""
    page.goto("/login/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))  # the home page, not the login form again


def log_out(page: Page, name):
    """Log out through the user menu in the navigation bar (`name` is the person's name shown there)."""
    page.locator(".navbar .dropdown-toggle", has_text=name).click()
    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_role("heading", name="登录")).to_be_visible()


def one_sale_in_hangzhou(org, rep, *, issued, amount):
    """The data several browser tests start from: one customer of 杭州市 (the `rep`'s) with one invoice
    issued on `issued`, due 30 days later, and the summaries and receivables snapshot rebuilt so the
    dashboard and the reports read it."""
    customer = customer_create(by=SYSTEM, name="杭州测试客户有限公司", district=org["330100"], salesperson=rep)
    invoice_record(by=SYSTEM, customer=customer, issue_date=issued, due_date=issued + timedelta(days=30), amount=Decimal(amount))
    summaries_rebuild()
    receivables_snapshot_rebuild()
    return customer
