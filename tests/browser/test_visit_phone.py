"""The issue's browser test for visits at phone width (390 px): a salesperson of 杭州 opens whom to visit this week,
finds their key customer overdue there, records the visit from its line (the form comes with today's date and the
customer chosen) with what was discussed, the customer's needs, a competitor and a next step with its day; the
visit's page links the follow-up task, which is on the salesperson's task list; and the visit plan no longer
lists the customer as overdue. Nothing on the pages is wider than the screen. Fields are found by their ids (the
labels are Chinese once the translations are merged); dates are the server's today (Beijing)."""

from datetime import timedelta

from django.utils import timezone

from core.rights import SYSTEM
from core.roles import Role
from customers.models import Customer
from customers.services import customer_create
from relations.models import Visit
from relations.services import visit_record
from tests.browser.steps import expect, log_in
from workflow.models import Task

PHONE = {"width": 390, "height": 844}
CUSTOMER = "西湖精密制造有限公司"
NEXT_STEP = "寄送供应链融资方案"


def _fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def test_salesperson_records_a_visit_with_a_next_step_on_a_phone(page, org, hire):
    rep = hire("rep_hz", name="杭州业务员", role=Role.SALES_REP, unit="330100")
    today = timezone.localdate()
    customer = customer_create(by=SYSTEM, name=CUSTOMER, district=org["330100"], salesperson=rep, is_key=True)
    visit_record(by=SYSTEM, customer=customer, on=today - timedelta(days=45))  # key customers: monthly → 15 days overdue
    Customer.objects.filter(pk=customer.pk).update(created_at=timezone.now() - timedelta(days=400))

    page.set_viewport_size(PHONE)
    log_in(page, "rep_hz")
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

    task_link.click()
    expect(page.locator("main")).to_contain_text(NEXT_STEP)
    page.goto("/tasks/")
    expect(page.locator("main")).to_contain_text(NEXT_STEP)

    page.goto("/relations/visits/plan/")
    expect(page.locator("#visit-plan")).not_to_contain_text(CUSTOMER)
