"""The Content-Security-Policy holds in a real browser (issue 12, item 17): the dashboard's ECharts, Swagger
UI, a list, a form, the API key page's copy button and confirm, and the attainment page's auto-submitting
select all work with no violation. (The `page` fixture fails any test on a violation, so the other browser
tests check their pages too.)"""

import re

from core.rights import SYSTEM
from core.roles import Role
from customers.services import customer_create
from tests.browser.steps import expect, log_in


def test_the_pages_work_under_the_policy(page, org, hire):
    hire("center", name="中心专员", role=Role.CENTER_STAFF, unit="HQ")
    customer_create(by=SYSTEM, name="杭州策略测试有限公司", district=org["330100"])

    log_in(page, "center")
    policy = page.request.get("/").headers.get("content-security-policy") or ""
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]

    # The dashboard: ECharts draws its charts (a canvas or svg per container).
    page.goto("/dashboard/")
    expect(page.locator("#chart-trend canvas, #chart-trend svg").first).to_be_visible()

    # A list with its filter form; htmx is loaded on every page.
    page.goto("/customers/")
    expect(page.locator("table")).to_contain_text("杭州策略测试有限公司")
    assert page.evaluate("typeof window.htmx") == "object"

    # A form: an empty submit comes back with errors.
    page.goto("/customers/new/")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()

    # The attainment page's period picker submits on change (static/js/app.js, no onchange=).
    page.goto("/performance/attainment/")
    picker = page.locator("#id_period")
    options = picker.locator("option")
    if options.count() > 1:
        value = options.nth(1).get_attribute("value")
        picker.select_option(value)
        expect(page).to_have_url(re.compile(rf"period={value}"))

    # API keys: create one, copy it (data-copy-target), revoke it after the confirm (data-confirm).
    page.goto("/org/api-keys/")
    page.locator("form input[name=name]").fill("CSP测试系统")
    unit = page.locator("form select[name=unit]")
    unit.select_option(str(org["330100"].pk))
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("#new-api-key")).to_be_visible()
    page.locator("#copy-api-key").click()
    expect(page.locator("#copy-api-key")).to_have_text("已复制")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.locator("button[name=revoke]").first.click()
    page.wait_for_timeout(300)
    assert asked, "the revoke button asks first"


def test_swagger_ui_renders_under_the_policy(page, org):
    page.goto("/api/docs/")
    # Swagger UI fetches the schema (400-odd operations, generated on the first request): on a loaded machine that
    # takes longer than expect()'s default 5 s.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Regional Sales Management API", timeout=60_000)
    expect(page.locator(".opblock").first).to_be_visible()
