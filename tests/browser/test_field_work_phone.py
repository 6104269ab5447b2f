"""The issue's browser test of field work at phone width (390 px), as one flow (issue 18, Done when): "a salesperson
records a visit with a next step (a task appears) and logs a complaint; the district manager sees it in their queue".

- The salesperson of 杭州 opens whom to visit this week, finds their key customer overdue there, records the visit
  from its line (the form comes with today's date and the customer chosen) with what was discussed, the customer's
  needs, a competitor and a next step with its day; the visit's page links the follow-up task, which is on their task
  list; the visit plan no longer lists the customer as overdue.
- The same salesperson logs the complaint the customer raised (only their own customers are offered) and lands on the
  complaint's page: open, within its SLA, owned by them.
- 杭州's district manager finds it on the worklist of their home page and in the queue of their area, and opens it;
  广州's manager sees it in neither.

Nothing on the pages is wider than the screen. In Chinese, in headless Chromium; fields are found by their ids or
names and the assertions read data attributes and figures. Dates are the server's today (the live server and Chromium
share the real clock, so the clock is not pinned here; the SLA and due-day arithmetic is pinned by
tests/relations/test_complaints.py and test_visits.py)."""

import re
from datetime import timedelta

from django.utils import timezone

from core.rights import SYSTEM
from core.roles import Role
from customers.models import Customer
from customers.services import customer_create
from relations.models import Complaint, Visit
from relations.services import visit_record
from tests.browser.steps import expect, log_in
from tests.customers.factories import ProductFactory
from workflow.models import Task

PHONE = {"width": 390, "height": 844}
CUSTOMER = "西湖精密制造有限公司"
NEXT_STEP = "寄送供应链融资方案"
COMPLAINT = "客户反映赎回款项超过约定时间仍未到账，要求说明原因。"


def _fits(page, *, strict=False):
    """Nothing is wider than the phone's screen; `strict`: no element of the page's main part pokes out either."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    if strict:
        wide = page.evaluate(
            "Array.from(document.querySelectorAll('main *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
            ".map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 5)"
        )
        assert wide == [], wide


def test_a_salesperson_visits_and_logs_a_complaint_on_a_phone_and_the_district_manager_sees_it(page, org, hire):
    rep = hire("rep_hz", name="杭州业务员", role=Role.SALES_REP, unit="330100")
    hire("dm_hz", name="杭州经理", role=Role.DISTRICT_MANAGER, unit="330100")
    hire("dm_gz", name="广州经理", role=Role.DISTRICT_MANAGER, unit="440100")
    today = timezone.localdate()
    customer = customer_create(by=SYSTEM, name=CUSTOMER, district=org["330100"], salesperson=rep, is_key=True)
    visit_record(by=SYSTEM, customer=customer, on=today - timedelta(days=45))  # key customers: monthly → 15 days overdue
    Customer.objects.filter(pk=customer.pk).update(created_at=timezone.now() - timedelta(days=400))
    customer_create(by=SYSTEM, name="同事的客户公司", district=org["330100"])
    product = ProductFactory(name="稳盈理财一号")

    page.set_viewport_size(PHONE)
    log_in(page, "rep_hz")

    # --- the visit, from whom to visit this week ---------------------------------------------------------------------
    page.goto("/relations/visits/plan/")
    line = page.locator("#visit-plan tbody tr", has_text=CUSTOMER)
    expect(line).to_contain_text("15")
    _fits(page)
    line.locator("a.btn").click()

    expect(page.locator("#visit-form")).to_be_visible()
    expect(page.locator("#id_on")).to_have_value(today.isoformat())
    expect(page.locator("#id_customer")).to_have_value(str(customer.pk))
    _fits(page)
    page.locator("#id_kind").select_option("visit")
    page.locator("#id_notes").fill("介绍新推出的供应链融资产品，客户有兴趣。")
    page.locator("#id_needs").fill("明年一季度需要短期流动资金")
    page.locator("#id_competitors").fill("工商银行")
    page.locator("#id_next_step").fill(NEXT_STEP)
    page.locator("#id_next_on").fill((today + timedelta(days=7)).isoformat())
    page.locator("#visit-save").click()

    task_link = page.locator("#visit-task")
    expect(task_link).to_be_visible()
    _fits(page)
    visit = Visit.objects.get(customer=customer, on=today)
    task = Task.objects.get(pk=visit.task_id)
    assert task.owner_id == rep.pk and task.title == NEXT_STEP and task.due_on == today + timedelta(days=7)
    assert visit.needs == "明年一季度需要短期流动资金" and visit.competitors == "工商银行" and visit.state == "done"
    expect(task_link).to_have_attribute("href", task.get_absolute_url())

    # The task is on the salesperson's task list; the customer is no longer due this week.
    page.goto("/tasks/")
    expect(page.locator("main")).to_contain_text(NEXT_STEP)
    page.goto("/relations/visits/plan/")
    expect(page.locator("#visit-plan")).not_to_contain_text(CUSTOMER)

    # --- the complaint the customer raised ---------------------------------------------------------------------------
    page.goto("/relations/complaints/new/")
    form = page.locator("#complaint-form")
    expect(form).to_be_visible()
    _fits(page, strict=True)
    customers = form.locator("select[name=customer] option")
    assert "同事的客户公司" not in " ".join(customers.all_inner_texts())  # only their own customers
    form.locator("select[name=customer]").select_option(str(customer.pk))
    form.locator("select[name=kind]").select_option("product")
    form.locator("select[name=product]").select_option(str(product.pk))
    form.locator("select[name=severity]").select_option("high")
    form.locator("select[name=cause]").select_option("delay")
    form.locator("textarea[name=description]").fill(COMPLAINT)
    submit = form.locator("button[type=submit]")
    box = submit.bounding_box()
    assert box["height"] >= 36, box  # big enough to touch
    submit.click()
    expect(page).to_have_url(re.compile(r"/relations/complaints/\d+/$"))
    complaint = Complaint.objects.get(description=COMPLAINT)
    assert (complaint.customer, complaint.owner, complaint.unit, complaint.severity) == (customer, rep, org["330100"], "high")
    expect(page.locator("#complaint-state [data-state]")).to_have_attribute("data-state", "open")
    expect(page.locator("#complaint-state [data-sla]")).to_have_attribute("data-sla", "on_time")
    _fits(page, strict=True)

    # --- 杭州's district manager: the worklist says so, the complaint waits in the queue of their area ---------------
    page.context.clear_cookies()
    log_in(page, "dm_hz")
    expect(page.locator("#worklist-complaints")).to_contain_text("1")
    page.goto("/relations/complaints/queue/")
    row = page.locator(f"tr[data-complaint='{complaint.pk}']")
    expect(row).to_be_visible()
    expect(row).to_contain_text(CUSTOMER)
    expect(row.locator("[data-sla]")).to_have_attribute("data-sla", "on_time")
    row.locator("a").first.click()
    expect(page.locator("#complaint-owner")).to_contain_text(rep.name)
    _fits(page, strict=True)

    # --- another district's manager sees it in neither ----------------------------------------------------------------
    page.context.clear_cookies()
    log_in(page, "dm_gz")
    expect(page.locator("#worklist-heading")).to_be_visible()  # their home page and worklist, without the complaint
    expect(page.locator("#worklist-complaints")).to_have_count(0)
    page.goto("/relations/complaints/queue/")
    expect(page.locator(f"tr[data-complaint='{complaint.pk}']")).to_have_count(0)
