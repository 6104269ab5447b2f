"""The issue's browser test for complaints at phone width (390 px): a salesperson logs a complaint their customer
raised on /relations/complaints/new/ — the form fits the screen — and lands on the complaint's page (open, within its
SLA, owned by them); the district manager of 杭州 then finds it in the queue of their area (/relations/complaints/queue/)
and on the worklist of their home page; 广州's manager does not. In Chinese, in headless Chromium; the assertions read
data attributes and figures.

Dates are the server's today (the live server and Chromium share the real clock, so the clock is not pinned here);
the SLA arithmetic is pinned by tests/relations/test_complaints.py."""

import re

from core.rights import SYSTEM
from core.roles import Role
from customers.services import customer_create
from relations.models import Complaint
from tests.browser.steps import expect, log_in
from tests.customers.factories import ProductFactory

PHONE = {"width": 390, "height": 844}
TEXT = "客户反映赎回款项超过约定时间仍未到账，要求说明原因。"


def _fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    wide = page.evaluate(
        "Array.from(document.querySelectorAll('main *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 5)"
    )
    assert wide == [], wide


def test_a_salesperson_logs_a_complaint_on_a_phone_and_the_district_manager_sees_it(page, org, hire):
    rep = hire("rep_hz", name="杭州业务员", role=Role.SALES_REP, unit="330100")
    dm = hire("dm_hz", name="杭州经理", role=Role.DISTRICT_MANAGER, unit="330100")
    hire("dm_gz", name="广州经理", role=Role.DISTRICT_MANAGER, unit="440100")
    customer = customer_create(by=SYSTEM, name="西湖贸易有限公司", district=org["330100"], salesperson=rep)
    customer_create(by=SYSTEM, name="同事的客户公司", district=org["330100"])
    product = ProductFactory(name="稳盈理财一号")

    page.set_viewport_size(PHONE)
    log_in(page, "rep_hz")
    page.goto("/relations/complaints/new/")
    form = page.locator("#complaint-form")
    expect(form).to_be_visible()
    _fits(page)
    customers = form.locator("select[name=customer] option")
    assert "同事的客户公司" not in " ".join(customers.all_inner_texts())  # only their own customers
    form.locator("select[name=customer]").select_option(str(customer.pk))
    form.locator("select[name=kind]").select_option("product")
    form.locator("select[name=product]").select_option(str(product.pk))
    form.locator("select[name=severity]").select_option("high")
    form.locator("select[name=cause]").select_option("delay")
    form.locator("textarea[name=description]").fill(TEXT)
    submit = form.locator("button[type=submit]")
    box = submit.bounding_box()
    assert box["height"] >= 36, box  # big enough to touch
    submit.click()
    expect(page).to_have_url(re.compile(r"/relations/complaints/\d+/$"))
    complaint = Complaint.objects.get(description=TEXT)
    assert (complaint.customer, complaint.owner, complaint.unit, complaint.severity) == (customer, rep, org["330100"], "high")
    expect(page.locator("#complaint-state [data-state]")).to_have_attribute("data-state", "open")
    expect(page.locator("#complaint-state [data-sla]")).to_have_attribute("data-sla", "on_time")
    _fits(page)

    # The district manager: the complaint waits in the queue of their area, and the worklist says so.
    page.context.clear_cookies()
    log_in(page, "dm_hz")
    expect(page.locator("#worklist-complaints")).to_contain_text("1")
    page.goto("/relations/complaints/queue/")
    row = page.locator(f"tr[data-complaint='{complaint.pk}']")
    expect(row).to_be_visible()
    expect(row).to_contain_text("西湖贸易有限公司")
    expect(row.locator("[data-sla]")).to_have_attribute("data-sla", "on_time")
    row.locator("a").first.click()
    expect(page.locator("#complaint-owner")).to_contain_text(rep.name)
    _fits(page)
    assert dm.pk != rep.pk

    # Another district's manager does not see it.
    page.context.clear_cookies()
    log_in(page, "dm_gz")
    page.goto("/relations/complaints/queue/")
    expect(page.locator(f"tr[data-complaint='{complaint.pk}']")).to_have_count(0)
