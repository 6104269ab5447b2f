"""Key customers (重点客户) and their long-term plans (issue 18): designation with reason and decider kept as
history with Customer.is_key in step; who may decide; plans only for key customers; objectives and actions
inside the term; actions become workflow tasks; quarterly reviews against the ledger, once per quarter; bad input
refused on its field with nothing written; outside the scope a 404 — through the services, the pages and the API."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM, NotAllowed
from customers.models import Customer
from customers.services import invoice_record, payment_record
from relations import services
from relations.models import KeyCustomerDecision, KeyCustomerPlan, PlanAction, PlanObjective, PlanReview, PlanState
from tests.customers.factories import CustomerFactory, ProductFactory
from workflow.models import Task

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 20)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 5, 20, 4, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def customer(personas, units):
    return CustomerFactory(district=units["330100"], salesperson=personas["rep_hangzhou"].staff, name="杭州重点客户有限公司")


@pytest.fixture
def key_customer(customer, personas):
    services.key_customer_designate(by=personas["dm_hangzhou"].user, customer=customer, reason="年交易额大、合作稳定")
    customer.refresh_from_db()
    return customer


@pytest.fixture
def plan(key_customer, personas):
    return services.key_plan_create(
        by=personas["rm_east"].user,
        customer=key_customer,
        title="2026–2027 合作规划",
        starts_on="2026-01-01",
        ends_on="2027-12-31",
    )


def _counts():
    return (
        KeyCustomerDecision.objects.count(),
        KeyCustomerPlan.objects.count(),
        PlanObjective.objects.count(),
        PlanAction.objects.count(),
        PlanReview.objects.count(),
        Task.objects.count(),
        Customer.objects.filter(is_key=True).count(),
    )


# --- designation --------------------------------------------------------------------------------------------------
def test_designate_and_undesignate_keep_the_history_and_the_flag_in_step(customer, personas):
    dm, pm = personas["dm_hangzhou"].user, personas["pm_zhejiang"].user
    services.key_customer_designate(by=dm, customer=customer, reason="年交易额大")
    customer.refresh_from_db()
    assert customer.is_key is True
    assert customer.history.latest().is_key is True  # the customer's own audit history has the change too
    plan = services.key_plan_create(by=dm, customer=customer, title="规划", starts_on="2026-01-01", ends_on="2026-12-31")

    services.key_customer_undesignate(by=pm, customer=customer, reason="业务收缩，转为普通客户")
    customer.refresh_from_db()
    assert customer.is_key is False
    decisions = list(customer.key_decisions.order_by("created_at", "id"))
    assert [(d.is_key, d.reason, d.decided_by) for d in decisions] == [
        (True, "年交易额大", dm),
        (False, "业务收缩，转为普通客户", pm),
    ]
    assert decisions[0].decided_by_name.startswith("dm_hangzhou")
    assert decisions[1].decided_on == TODAY
    plan.refresh_from_db()
    assert plan.state == PlanState.CLOSED and "业务收缩" in plan.closed_reason


@pytest.mark.parametrize("persona", ["dm_hangzhou", "pm_zhejiang", "rm_east", "center", "director"])
def test_managers_above_the_district_and_the_center_decide(customer, personas, persona):
    services.key_customer_designate(by=personas[persona].user, customer=customer, reason="战略客户")
    customer.refresh_from_db()
    assert customer.is_key


@pytest.mark.parametrize("persona", ["rep_hangzhou", "dm_guangzhou", "pm_guangdong", "rm_south"])
def test_others_may_not_decide(customer, personas, persona):
    before = _counts()
    with pytest.raises(NotAllowed):
        services.key_customer_designate(by=personas[persona].user, customer=customer, reason="战略客户")
    assert _counts() == before


def test_designation_bad_input(customer, key_customer, personas, units):
    dm = personas["dm_hangzhou"].user
    before = _counts()
    with pytest.raises(Conflict) as error:
        services.key_customer_designate(by=dm, customer=key_customer, reason="再次")
    assert error.value.field == "customer"
    other = CustomerFactory(district=units["330100"])
    with pytest.raises(InvalidInput) as error:
        services.key_customer_designate(by=dm, customer=other, reason="   ")
    assert error.value.field == "reason"
    with pytest.raises(InvalidInput) as error:
        services.key_customer_designate(by=dm, customer=other, reason="理由", on=date(2026, 6, 1))
    assert error.value.field == "decided_on"
    with pytest.raises(Conflict):
        services.key_customer_undesignate(by=dm, customer=other, reason="不是重点客户")
    assert _counts() == before


# --- plans, objectives, actions ------------------------------------------------------------------------------------
def test_a_plan_for_a_customer_who_is_not_key_is_refused(customer, personas):
    before = _counts()
    with pytest.raises(Conflict) as error:
        services.key_plan_create(
            by=personas["rm_east"].user, customer=customer, title="规划", starts_on="2026-01-01", ends_on="2026-12-31"
        )
    assert error.value.field == "customer"
    assert _counts() == before


def test_plan_term_and_objective_dates_outside_the_term_are_refused(plan, key_customer, personas):
    rm = personas["rm_east"].user
    before = _counts()
    with pytest.raises(InvalidInput) as error:
        services.key_plan_create(by=rm, customer=key_customer, title="反向", starts_on="2026-12-31", ends_on="2026-01-01")
    assert error.value.field == "ends_on"
    for dates, field in (
        ({"due_on": date(2028, 1, 31)}, "due_on"),
        ({"due_on": date(2026, 12, 31), "starts_on": date(2025, 12, 1)}, "starts_on"),
        ({"due_on": date(2026, 3, 1), "starts_on": date(2026, 6, 1)}, "due_on"),
    ):
        with pytest.raises(InvalidInput) as error:
            services.key_plan_objective_add(by=rm, plan=plan, title="年销售额", metric="sales", target="5000000", **dates)
        assert error.value.field == field
    with pytest.raises(InvalidInput) as error:
        services.key_plan_objective_add(
            by=rm, plan=plan, title="年销售额", metric="sales", target="12.345", due_on=date(2026, 12, 31)
        )
    assert error.value.field == "target"
    with pytest.raises(InvalidInput) as error:
        services.key_plan_objective_add(
            by=rm, plan=plan, title="某产品", metric="product_sales", target="100", due_on=date(2026, 12, 31)
        )
    assert error.value.field == "product"
    with pytest.raises(InvalidInput) as error:
        services.key_plan_objective_add(
            by=rm, plan=plan, title="产品数", metric="products_held", target="2.5", due_on=date(2026, 12, 31)
        )
    assert error.value.field == "target"
    assert _counts() == before


def test_term_change_must_keep_the_objectives(plan, personas):
    rm = personas["rm_east"].user
    services.key_plan_objective_add(
        by=rm, plan=plan, title="年销售额", metric="sales", target="5000000", due_on=date(2027, 6, 30)
    )
    with pytest.raises(InvalidInput) as error:
        services.key_plan_update(by=rm, plan=plan, ends_on=date(2026, 12, 31))
    assert error.value.field == "ends_on"
    plan.refresh_from_db()
    assert plan.ends_on == date(2027, 12, 31)


def test_an_action_becomes_a_task_of_its_owner(plan, personas):
    rep = personas["rep_hangzhou"].staff
    action = services.key_plan_action_add(
        by=personas["dm_hangzhou"].user, plan=plan, title="季度高层拜访", owner=rep, due_on=date(2026, 6, 30)
    )
    task = action.task
    assert task.owner == rep and task.due_on == date(2026, 6, 30) and task.source == action
    assert "季度高层拜访" in task.title and plan.customer.name in task.title
    assert task.supervisor == personas["dm_hangzhou"].staff  # the rep's district manager (workflow's default)


def test_action_bad_input(plan, personas, units):
    from tests.customers.factories import StaffFactory

    dm = personas["dm_hangzhou"].user
    rep = personas["rep_hangzhou"].staff
    stranger = StaffFactory(unit=units["440100"])
    before = _counts()
    with pytest.raises(InvalidInput) as error:
        services.key_plan_action_add(by=dm, plan=plan, title="拜访", owner=rep, due_on=date(2028, 3, 1))
    assert error.value.field == "due_on"
    with pytest.raises(InvalidInput) as error:
        services.key_plan_action_add(by=dm, plan=plan, title="拜访", owner=rep, due_on=date(2026, 5, 1))  # past
    assert error.value.field == "due_on"
    with pytest.raises(InvalidInput) as error:
        services.key_plan_action_add(by=SYSTEM, plan=plan, title="拜访", owner=stranger, due_on=date(2026, 6, 1))
    assert error.value.field == "owner"
    assert _counts() == before


def test_a_closed_plan_takes_nothing_more(plan, personas):
    rm = personas["rm_east"].user
    services.key_plan_close(by=rm, plan=plan, reason="合作目标已完成")
    before = _counts()
    with pytest.raises(Conflict):
        services.key_plan_objective_add(by=rm, plan=plan, title="销售额", metric="sales", target="100", due_on=date(2026, 12, 31))
    with pytest.raises(Conflict):
        services.key_plan_review_write(by=rm, plan=plan, period="2026-Q1", rating="on_track", assessment="好")
    assert _counts() == before


def test_a_salesperson_reads_but_does_not_keep_the_plan(plan, personas):
    rep = personas["rep_hangzhou"].user
    assert KeyCustomerPlan.objects.for_user(rep).filter(pk=plan.pk).exists()
    with pytest.raises(NotAllowed):
        services.key_plan_objective_add(
            by=rep, plan=plan, title="销售额", metric="sales", target="100", due_on=date(2026, 12, 31)
        )


# --- reviews -------------------------------------------------------------------------------------------------------
def test_review_sets_the_ledger_against_each_objective(plan, key_customer, personas):
    rm = personas["rm_east"].user
    product = ProductFactory(name="稳健理财一号")
    sales = services.key_plan_objective_add(
        by=rm, plan=plan, title="年销售额 500 万", metric="sales", target="5000000", due_on=date(2026, 12, 31)
    )
    collected = services.key_plan_objective_add(
        by=rm, plan=plan, title="回款 300 万", metric="collections", target="3000000", due_on=date(2026, 12, 31)
    )
    of_product = services.key_plan_objective_add(
        by=rm,
        plan=plan,
        title="理财一号渗透",
        metric="product_sales",
        target="200000",
        due_on=date(2026, 12, 31),
        product=product,
    )
    manual = services.key_plan_objective_add(
        by=rm, plan=plan, title="客户满意度", metric="manual", target="90", unit_label="分", due_on=date(2026, 12, 31)
    )
    later = services.key_plan_objective_add(
        by=rm,
        plan=plan,
        title="2027 年销售额",
        metric="sales",
        target="6000000",
        starts_on=date(2027, 1, 1),
        due_on=date(2027, 12, 31),
    )
    invoice_record(by=SYSTEM, customer=key_customer, issue_date=date(2025, 12, 20), due_date=date(2026, 1, 20), amount="999.00")
    invoice_record(by=SYSTEM, customer=key_customer, issue_date=date(2026, 1, 10), due_date=date(2026, 2, 10), amount="100000.00")
    invoice_record(
        by=SYSTEM,
        customer=key_customer,
        issue_date=date(2026, 2, 15),
        due_date=date(2026, 3, 15),
        lines=[{"product": product, "quantity": "3", "unit_price": "10000.00"}],
    )
    payment_record(by=SYSTEM, customer=key_customer, received_on=date(2026, 3, 1), amount="50000.00")

    review = services.key_plan_review_write(
        by=rm,
        plan=plan,
        period="2026-Q1",
        rating="at_risk",
        assessment="一季度进度偏慢，二季度加大拜访频次。",
        stated={manual.pk: "85.5"},
        notes={sales.pk: "受春节影响"},
    )
    lines = {line.objective_id: line for line in review.lines.all()}
    assert later.pk not in lines  # counted only from 2027
    assert (lines[sales.pk].actual_period, lines[sales.pk].actual_to_date) == (Decimal("130000.00"), Decimal("130000.00"))
    assert lines[sales.pk].note == "受春节影响"
    assert lines[sales.pk].progress == Decimal("2.6")
    assert lines[collected.pk].actual_period == Decimal("50000.00")  # allocated to the oldest invoices on 3-01
    assert lines[of_product.pk].actual_to_date == Decimal("30000.00")
    assert (lines[manual.pk].actual_period, lines[manual.pk].actual_to_date) == (None, Decimal("85.50"))
    assert review.reviewed_by == rm and review.reviewed_on == TODAY

    # Q2: the quarter's own figure, and the figure to date since the objective's start.
    invoice_record(by=SYSTEM, customer=key_customer, issue_date=date(2026, 4, 2), due_date=date(2026, 5, 2), amount="20000.00")
    q2 = services.key_plan_review_write(by=rm, plan=plan, period="2026-Q2", rating="on_track", assessment="回升")
    line = q2.lines.get(objective=sales)
    assert (line.actual_period, line.actual_to_date) == (Decimal("20000.00"), Decimal("150000.00"))
    # The Q1 review keeps its figures as written.
    assert review.lines.get(objective=sales).actual_to_date == Decimal("130000.00")


def test_review_bad_input(plan, personas):
    rm = personas["rm_east"].user
    services.key_plan_review_write(by=rm, plan=plan, period="2026-Q1", rating="on_track", assessment="好")
    before = _counts()
    cases = [
        ({"period": "2026-Q1"}, Conflict, "period"),  # once per quarter
        ({"period": "2026-Q3"}, InvalidInput, "period"),  # has not begun (today 2026-05-20)
        ({"period": "2025-Q4"}, InvalidInput, "period"),  # before the term
        ({"period": "2026-05"}, InvalidInput, "period"),  # a month, not a quarter
        ({"period": "下季度"}, InvalidInput, "period"),
        ({"rating": "great"}, InvalidInput, "rating"),
        ({"assessment": " "}, InvalidInput, "assessment"),
    ]
    for change, error_class, field in cases:
        values = {"period": "2026-Q2", "rating": "on_track", "assessment": "按计划推进", **change}
        with pytest.raises(error_class) as error:
            services.key_plan_review_write(by=rm, plan=plan, **values)
        assert error.value.field == field, change
    with pytest.raises(NotAllowed):
        services.key_plan_review_write(
            by=personas["rm_south"].user, plan=plan, period="2026-Q2", rating="on_track", assessment="好"
        )
    assert _counts() == before


# --- pages ---------------------------------------------------------------------------------------------------------
def test_pages_designate_plan_and_review(customer, personas):
    web = personas["dm_hangzhou"].web()
    response = web.post(reverse("relations:keycust_designate"), {"customer": customer.pk, "reason": "区域战略客户"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.is_key
    listing = web.get(reverse("relations:keycust_list"))
    assert listing.status_code == 200 and customer in listing.context["object_list"]
    assert "区域战略客户" in listing.content.decode()

    response = web.post(
        reverse("relations:keycust_plan_create") + f"?customer={customer.pk}",
        {"title": "长期规划", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "summary": ""},
    )
    assert response.status_code == 302
    plan = KeyCustomerPlan.objects.get(customer=customer)
    detail = reverse("relations:keycust_plan_detail", args=[plan.pk])
    bad = web.post(
        detail,
        {"action_kind": "objective", "title": "销售额", "metric": "sales", "target": "100000", "due_on": "2027-03-31"},
    )
    assert bad.status_code == 400 and "due_on" in bad.context["objective_form"].errors
    ok = web.post(
        detail,
        {"action_kind": "objective", "title": "销售额", "metric": "sales", "target": "100000", "due_on": "2026-12-31"},
    )
    assert ok.status_code == 302 and plan.objectives.count() == 1
    action = web.post(
        detail,
        {"action_kind": "action", "title": "高层拜访", "owner": personas["rep_hangzhou"].staff.pk, "due_on": "2026-06-30"},
    )
    assert action.status_code == 302 and plan.actions.get().task.owner == personas["rep_hangzhou"].staff
    review = web.post(
        reverse("relations:keycust_review_create", args=[plan.pk]),
        {"period": "2026-Q1", "rating": "on_track", "assessment": "进展顺利"},
    )
    assert review.status_code == 302
    page = web.get(review["Location"])
    assert page.status_code == 200 and "进展顺利" in page.content.decode()

    undo = web.post(reverse("relations:keycust_detail", args=[customer.pk]), {"reason": ""})
    assert undo.status_code == 400
    customer.refresh_from_db()
    assert customer.is_key


def test_pages_out_of_scope_are_404_and_a_rep_cannot_decide(key_customer, plan, personas):
    outsider = personas["dm_guangzhou"].web()
    for url in (
        reverse("relations:keycust_detail", args=[key_customer.pk]),
        reverse("relations:keycust_plan_detail", args=[plan.pk]),
        reverse("relations:keycust_review_create", args=[plan.pk]),
        reverse("relations:keycust_plan_create") + f"?customer={key_customer.pk}",
    ):
        assert outsider.get(url).status_code == 404, url
    rep = personas["rep_hangzhou"].web()
    assert rep.get(reverse("relations:keycust_detail", args=[key_customer.pk])).status_code == 200
    before = _counts()
    response = rep.post(reverse("relations:keycust_detail", args=[key_customer.pk]), {"reason": "不再合作"})
    assert response.status_code == 403
    assert _counts() == before


# --- API -----------------------------------------------------------------------------------------------------------
def test_api_designate_plan_objective_review(customer, personas):
    api = personas["pm_zhejiang"].api()
    response = api.post("/api/v1/relations/key-customers/", {"customer": customer.pk, "reason": "省级重点"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["is_key"] is True and response.json()["decisions"][0]["reason"] == "省级重点"
    plan = api.post(
        "/api/v1/relations/key-customer-plans/",
        {"customer": customer.pk, "title": "规划", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
        format="json",
    )
    assert plan.status_code == 201, plan.json()
    pk = plan.json()["id"]
    with translation.override("en"):
        bad = (
            personas["pm_zhejiang"]
            .api(language="en")
            .post(
                f"/api/v1/relations/key-customer-plans/{pk}/objectives/",
                {"title": "销售额", "metric": "sales", "target": "1000", "due_on": "2027-01-31"},
                format="json",
            )
        )
    assert bad.status_code == 400 and "due_on" in bad.json()["errors"]
    assert "outside the plan's term" in bad.json()["errors"]["due_on"][0]
    ok = api.post(
        f"/api/v1/relations/key-customer-plans/{pk}/objectives/",
        {"title": "销售额", "metric": "sales", "target": 1000, "due_on": "2026-12-31"},
        format="json",
    )
    assert ok.status_code == 201 and len(ok.json()["objectives"]) == 1
    review = api.post(
        f"/api/v1/relations/key-customer-plans/{pk}/reviews/",
        {"period": "2026-Q1", "rating": "on_track", "assessment": "好"},
        format="json",
    )
    assert review.status_code == 201
    assert review.json()["reviews"][0]["lines"][0]["actual_period"] == "0.00"
    again = api.post(
        f"/api/v1/relations/key-customer-plans/{pk}/reviews/",
        {"period": "2026-Q1", "rating": "on_track", "assessment": "好"},
        format="json",
    )
    assert again.status_code == 409 and "period" in again.json()["errors"]
    undesignate = api.post(f"/api/v1/relations/key-customers/{customer.pk}/undesignate/", {"reason": "降级"}, format="json")
    assert undesignate.status_code == 200 and undesignate.json()["is_key"] is False


def test_api_plan_for_a_customer_not_key_and_out_of_scope(customer, key_customer, plan, personas, units):
    other = CustomerFactory(district=units["330100"])
    api = personas["dm_hangzhou"].api()
    before = _counts()
    refused = api.post(
        "/api/v1/relations/key-customer-plans/",
        {"customer": other.pk, "title": "规划", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
        format="json",
    )
    assert refused.status_code == 409 and "customer" in refused.json()["errors"]
    outsider = personas["dm_guangzhou"].api()
    assert outsider.get(f"/api/v1/relations/key-customer-plans/{plan.pk}/").status_code == 404
    assert outsider.get(f"/api/v1/relations/key-customers/{key_customer.pk}/").status_code == 404
    assert (
        outsider.post(f"/api/v1/relations/key-customer-plans/{plan.pk}/close/", {"reason": "x"}, format="json").status_code == 404
    )
    assert _counts() == before


def test_the_customer_archive_form_cannot_flag_a_key_customer_the_detail_page_links_to_the_decision(personas, customer):
    """A key customer is designated with a reason and who decided, never by ticking a box on the archive: the
    archive's form has no such field (a posted one is ignored), and its page links to the designation."""
    client = personas["dm_hangzhou"].web()
    url = reverse("customers:customer_edit", kwargs={"pk": customer.pk})
    form = client.get(url).context["form"]
    assert "is_key" not in form.fields
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data["is_key"] = "on"
    assert client.post(url, data).status_code == 302
    customer.refresh_from_db()
    assert customer.is_key is False and not KeyCustomerDecision.objects.filter(customer=customer).exists()

    detail = client.get(reverse("customers:customer_detail", kwargs={"pk": customer.pk})).content.decode()
    assert f"{reverse('relations:keycust_designate')}?customer={customer.pk}" in detail
    # A salesperson may not decide: no link for them.
    rep_page = personas["rep_hangzhou"].web().get(reverse("customers:customer_detail", kwargs={"pk": customer.pk}))
    assert reverse("relations:keycust_designate") not in rep_page.content.decode()

    services.key_customer_designate(by=personas["dm_hangzhou"].user, customer=customer, reason="年交易额大")
    detail = client.get(reverse("customers:customer_detail", kwargs={"pk": customer.pk})).content.decode()
    assert reverse("relations:keycust_detail", kwargs={"pk": customer.pk}) in detail
