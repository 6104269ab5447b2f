"""The salesperson's home at phone width (390 px): their figures in the one formatting rule, the worst
overdue customer linked, touch-sized quick actions, and nothing wider than the screen.

Dates are relative to the server's today (the live server and Chromium share the real clock, so the
clock is not pinned here); the figures' values are pinned by tests/home/test_sales_home.py."""

import os
import re
from datetime import timedelta

from django.utils import timezone

from core.periods import MONTH, Period
from core.rights import SYSTEM
from core.roles import Role
from customers.services import customer_create, invoice_record
from performance import services as performance_services
from plans.services import target_set
from tests.browser.steps import expect, log_in
from workflow.services import task_create

PHONE = {"width": 390, "height": 844}


def test_sales_home_at_phone_width(page, org, hire):
    rep = hire("rep_hz", name="杭州业务员", role=Role.SALES_REP, unit="330100")
    colleague = hire("rep_hz2", name="杭州同事", role=Role.SALES_REP, unit="330100")
    today = timezone.localdate()
    mine = customer_create(by=SYSTEM, name="西湖贸易有限公司", district=org["330100"], salesperson=rep)
    theirs = customer_create(by=SYSTEM, name="同事的大客户有限公司", district=org["330100"], salesperson=colleague)
    for customer, amount in ((mine, "1234567.89"), (theirs, "9999999.99")):
        invoice_record(
            by=SYSTEM,
            customer=customer,
            issue_date=today - timedelta(days=75),
            due_date=today - timedelta(days=45),
            amount=amount,
        )
    invoice_record(by=SYSTEM, customer=mine, issue_date=today, due_date=today + timedelta(days=30), amount="88000.00")
    target_set(metric="sales_amount", period=str(Period.of(today, MONTH)), staff=rep, value="100000.00", by=SYSTEM)
    task_create(title="催收西湖贸易尾款", owner=rep, due_on=today - timedelta(days=2), by=SYSTEM)
    performance_services.summaries_rebuild(months=[Period.of(today - timedelta(days=75), MONTH), Period.of(today, MONTH)])

    page.set_viewport_size(PHONE)
    log_in(page, "rep_hz")
    expect(page.locator("#home-month-sales")).to_have_text("8.80 万")
    expect(page.locator("#home-month-rate")).to_have_text("88.0%")
    expect(page.locator("#home-overdue")).to_have_text("123.46 万")
    overdue = page.locator("#home-overdue-customers")
    expect(overdue).to_contain_text("西湖贸易有限公司")
    expect(overdue).to_contain_text("1,234,567.89")
    expect(page.locator("main")).not_to_contain_text("同事的大客户")
    expect(page.locator("#home-task-list")).to_contain_text("逾期 2 天")

    # Nothing wider than the screen: the page does not scroll sideways and no element sticks out.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    wide = page.evaluate(
        "Array.from(document.querySelectorAll('main *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".map(e => e.tagName + '.' + e.className).slice(0, 5)"
    )
    assert wide == [], wide
    # Quick actions are big enough to touch (44 px, the usual minimum).
    actions = page.locator(".app-home-action")
    assert actions.count() >= 4
    for box in [actions.nth(i).bounding_box() for i in range(actions.count())]:
        assert box["height"] >= 44 and box["width"] >= 44, box
    # No figure of four or more digits without separators in the visible text.
    text = page.locator("main").inner_text()
    assert not re.search(r"(?<![\d,.])\d{4,}\.\d{2}\b", text), text

    if os.environ.get("SCREENSHOT_DIR"):  # docs/screenshots/ is refreshed by running with SCREENSHOT_DIR=docs/screenshots
        page.screenshot(path=os.path.join(os.environ["SCREENSHOT_DIR"], "home_sales_390.png"), full_page=True)

    page.locator(".app-home-action", has_text="账龄分析").click()
    expect(page).to_have_url(re.compile(r"/customers/ageing/\?by=customer&salesperson="))
    expect(page.locator("main")).to_contain_text("西湖贸易有限公司")
    expect(page.locator("main")).not_to_contain_text("同事的大客户")
