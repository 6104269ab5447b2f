"""Steps a person does in the browser, shared by the browser tests."""

import re

import pytest

from tests.browser.support import PASSWORD, browser_required

try:
    from playwright.sync_api import Page, expect
except ImportError:
    if browser_required():
        raise
    pytest.skip("browser tests need the playwright package (scripts/setup installs requirements.txt)", allow_module_level=True)

__all__ = ["PASSWORD", "Page", "expect", "log_in", "log_out"]


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
