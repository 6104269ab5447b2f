"""Improvement of under-performing branches (整改): flags raised and cleared from a small data set, the plan's
flow through the Development Center's approval (measures become tasks), progress figures against a hand
computation, the refusals (outside the scope 404, no right 403, close without a review 422 — nothing
written), the pages and the API."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from approvals.choices import RequestState
from approvals.services import request_approve
from core.errors import Unprocessable
from core.rights import SYSTEM, NotAllowed
from customers.services import payment_record
from performance.models import DistrictMonthFact
from plans.services import target_set
from regions.models import StaffProfile
from risk import selectors
from risk.choices import FlagReason, ImprovementMetric, ImprovementState
from risk.models import (
    ImprovementMeasure,
    ImprovementPlan,
    ImprovementTarget,
    RatingScheme,
    StaffGradeChange,
    UnderperformanceFlag,
)
from risk.services import (
    flags_refresh,
    improvement_close,
    improvement_create,
    improvement_submit,
    improvement_update,
    improvements_start,
)
from tests.customers.factories import CustomerFactory, InvoiceFactory
from workflow.models import Task

pytestmark = pytest.mark.django_db

TODAY = date(2026, 4, 15)
NOON = datetime(2026, 4, 15, 4, 0, tzinfo=UTC)  # 12:00 in Beijing


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOON, tick=False):
        yield


def _fact(unit, month, invoiced, collected="0.00"):
    DistrictMonthFact.objects.update_or_create(
        district=unit, month=month, defaults={"invoiced": Decimal(invoiced), "collected": Decimal(collected)}
    )


def _sales_targets(unit, months, value="100000.00"):
    for month in months:
        target_set(metric="sales_amount", period=month, unit=unit, value=Decimal(value), by=SYSTEM)


def _open_flags():
    return set(UnderperformanceFlag.objects.filter(cleared_on__isnull=True).values_list("unit__code", "reason"))


def _counts():
    return (
        ImprovementPlan.objects.count(),
        ImprovementMeasure.objects.count(),
        ImprovementTarget.objects.count(),
        Task.objects.count(),
    )


def _plan_data(personas, **extra):
    return {
        "title": "杭州地办回款整改",
        "diagnosis": "连续三个月销售完成率不足八成，逾期占比过高",
        "measures": [
            {"description": "逐户走访逾期客户，制定回款计划", "owner": personas["rep_hangzhou"].staff.pk, "due_on": "2026-05-31"},
            {"description": "每周召开回款例会", "owner": personas["dm_hangzhou"].staff, "due_on": date(2026, 6, 30)},
        ],
        "targets": [
            {"month": "2026-02", "metric": "sales_amount", "expected": "80000"},
            {"month": "2026-02", "metric": "attainment", "expected": "80"},
            {"month": "2026-02", "metric": "overdue_share", "expected": "40"},
            {"month": "2026-03", "metric": "sales_amount", "expected": "70000"},
            {"month": "2026-03", "metric": "collections", "expected": "5000"},
            {"month": "2026-04", "metric": "sales_amount", "expected": "90000"},
            {"month": "2026-05", "metric": "sales_amount", "expected": "95000"},
        ],
        **extra,
    }


def _draft(personas, units, who="dm_hangzhou", **extra):
    return improvement_create(by=personas[who].user, unit=units["330100"], **_plan_data(personas, **extra))


def _approve_all(request):
    request.refresh_from_db()
    while request.state == RequestState.SUBMITTED:
        step = request.current_step
        approver = step.approver or StaffProfile.objects.filter(unit=step.approver_unit, role=step.approver_role).first()
        request_approve(request=request, by=approver.user)
        request.refresh_from_db()
    return request


# --- flagging ---------------------------------------------------------------------------------------------------


def test_flags_are_raised_kept_and_cleared(personas, units):
    hangzhou, guangzhou = units["330100"], units["440100"]
    months = ["2026-01", "2026-02", "2026-03"]
    _sales_targets(hangzhou, months)
    _sales_targets(guangzhou, months)
    for n, value in enumerate(["70000", "75000", "60000"], start=1):
        _fact(hangzhou, date(2026, n, 1), value)
    for n, value in enumerate(["90000", "70000", "95000"], start=1):  # one month above 80 %: no flag
        _fact(guangzhou, date(2026, n, 1), value)
    customer = CustomerFactory(district=hangzhou, salesperson=personas["rep_hangzhou"].staff)
    InvoiceFactory(customer=customer, issue_date=date(2026, 1, 1), due_date=date(2026, 1, 31), amount=Decimal("1000.00"))
    InvoiceFactory(customer=customer, issue_date=date(2026, 4, 1), due_date=date(2026, 5, 31), amount=Decimal("1000.00"))
    scheme = RatingScheme.objects.create(subject="staff", name="员工评级", grades=[])
    StaffGradeChange.objects.create(
        staff=personas["rep_hangzhou_2"].staff, on=date(2026, 4, 1), old_grade="A", new_grade="C", score="45.00", scheme=scheme
    )
    # A first grade and a rise are no fall.
    StaffGradeChange.objects.create(
        staff=personas["rep_hangzhou"].staff, on=date(2026, 4, 1), old_grade="", new_grade="D", score="10.00", scheme=scheme
    )

    result = flags_refresh(as_of=TODAY, by=SYSTEM)

    overdue = {("330100", FlagReason.OVERDUE_SHARE), ("330000", FlagReason.OVERDUE_SHARE), ("HD", FlagReason.OVERDUE_SHARE)}
    assert _open_flags() == {("330100", FlagReason.ATTAINMENT), ("330100", FlagReason.STAFF_GRADE_DROP), *overdue}
    assert result == {"raised": 5, "cleared": 0, "open": 5}
    attainment = UnderperformanceFlag.objects.get(unit=hangzhou, reason=FlagReason.ATTAINMENT)
    assert attainment.value == Decimal("68.33")  # 205 000 ÷ 300 000
    assert attainment.months == 3
    assert UnderperformanceFlag.objects.get(unit=hangzhou, reason=FlagReason.OVERDUE_SHARE).value == Decimal("50.00")
    assert UnderperformanceFlag.objects.get(unit=hangzhou, reason=FlagReason.STAFF_GRADE_DROP).value == Decimal("1.00")

    # Twice: nothing new.
    assert flags_refresh(as_of=TODAY, by=SYSTEM) == {"raised": 0, "cleared": 0, "open": 5}

    # Paid: the overdue flags clear themselves the next night; the attainment flag keeps its first day.
    payment_record(by=SYSTEM, customer=customer, received_on=date(2026, 4, 16), amount=Decimal("1000.00"))
    with time_machine.travel(datetime(2026, 4, 16, 4, 0, tzinfo=UTC), tick=False):
        result = flags_refresh(as_of=date(2026, 4, 16), by=SYSTEM)
    assert result["cleared"] == 3
    assert _open_flags() == {("330100", FlagReason.ATTAINMENT), ("330100", FlagReason.STAFF_GRADE_DROP)}
    cleared = UnderperformanceFlag.objects.get(unit=hangzhou, reason=FlagReason.OVERDUE_SHARE)
    assert cleared.cleared_on == date(2026, 4, 16)
    assert UnderperformanceFlag.objects.get(unit=hangzhou, reason=FlagReason.ATTAINMENT).flagged_on == TODAY


def test_flags_are_the_centers_job(personas):
    with pytest.raises(NotAllowed):
        flags_refresh(as_of=TODAY, by=personas["dm_hangzhou"].user)
    flags_refresh(as_of=TODAY, by=personas["center"].user)


# --- the flow ---------------------------------------------------------------------------------------------------


def test_draft_submit_approve_makes_tasks_then_start_and_close(personas, units):
    plan = _draft(personas, units)
    assert plan.state == ImprovementState.DRAFT
    assert plan.drafted_by == personas["dm_hangzhou"].staff
    assert plan.measures.count() == 2 and plan.targets.count() == 7

    request = improvement_submit(by=personas["dm_hangzhou"].user, plan=plan)
    plan.refresh_from_db()
    assert plan.state == ImprovementState.SUBMITTED
    assert not Task.objects.exists()

    _approve_all(request)
    plan.refresh_from_db()
    assert plan.state == ImprovementState.APPROVED and plan.approved_at is not None
    tasks = {m.description: m.task for m in plan.measures.select_related("task__owner")}
    assert all(task is not None for task in tasks.values())
    task = tasks["逐户走访逾期客户，制定回款计划"]
    assert task.owner == personas["rep_hangzhou"].staff
    assert task.due_on == date(2026, 5, 31)
    assert task.source == plan

    assert improvements_start(as_of=TODAY, by=SYSTEM) == 1
    plan.refresh_from_db()
    assert plan.state == ImprovementState.IN_PROGRESS

    with pytest.raises(Unprocessable) as error:
        improvement_close(by=personas["dm_hangzhou"].user, plan=plan, review="  ")
    assert error.value.field == "review"
    plan.refresh_from_db()
    assert plan.state == ImprovementState.IN_PROGRESS

    # The drafter's district colleague may not close it; a manager above may.
    with pytest.raises(NotAllowed):
        improvement_close(by=personas["rep_hangzhou"].user, plan=plan, review="完成")
    improvement_close(by=personas["pm_zhejiang"].user, plan=plan, review="完成率回升至九成，逾期占比降至两成")
    plan.refresh_from_db()
    assert plan.state == ImprovementState.CLOSED and plan.closed_by == personas["pm_zhejiang"].staff


def test_draft_changes_and_refusals_write_nothing(personas, units):
    plan = _draft(personas, units)
    improvement_update(by=personas["pm_zhejiang"].user, plan=plan, title="改", diagnosis="诊断", measures=[], targets=[])
    assert plan.measures.count() == 0
    with pytest.raises(Unprocessable):
        improvement_submit(by=personas["dm_hangzhou"].user, plan=plan)
    before = _counts()
    # Outside the scope (another province's manager), no right (a sales rep), an owner outside the unit.
    with pytest.raises(NotAllowed) as error:
        _draft(personas, units, who="dm_guangzhou")
    assert error.value.field == "unit"
    with pytest.raises(NotAllowed):
        _draft(personas, units, who="rep_hangzhou")
    from core.errors import InvalidInput

    data = _plan_data(personas)
    data["measures"][0]["owner"] = personas["dm_guangzhou"].staff.pk
    with pytest.raises(InvalidInput) as error:
        improvement_create(by=personas["dm_hangzhou"].user, unit=units["330100"], **data)
    assert error.value.field == "measures"
    data = _plan_data(personas)
    data["targets"].append({"month": "2026-02", "metric": "overdue_share", "expected": "140"})
    with pytest.raises(InvalidInput):
        improvement_create(by=personas["dm_hangzhou"].user, unit=units["330100"], **data)
    assert _counts() == before


# --- progress ---------------------------------------------------------------------------------------------------


def test_progress_equals_a_hand_computation(personas, units):
    hangzhou = units["330100"]
    _sales_targets(hangzhou, ["2026-02"])
    _fact(hangzhou, date(2026, 2, 1), "75000")
    _fact(hangzhou, date(2026, 3, 1), "72000", collected="6000")
    _fact(hangzhou, date(2026, 4, 1), "30000")
    customer = CustomerFactory(district=hangzhou, salesperson=personas["rep_hangzhou"].staff)
    InvoiceFactory(customer=customer, issue_date=date(2026, 1, 1), due_date=date(2026, 1, 31), amount=Decimal("1000.00"))
    InvoiceFactory(customer=customer, issue_date=date(2026, 2, 10), due_date=date(2026, 3, 31), amount=Decimal("1000.00"))
    plan = _draft(personas, units)

    progress = selectors.plan_progress(plan, today=TODAY)

    months = {row["month"]: row for row in progress["months"]}
    february = {f["metric"]: f for f in months[date(2026, 2, 1)]["figures"]}
    assert february[ImprovementMetric.SALES_AMOUNT]["actual"] == Decimal("75000.00")
    assert february[ImprovementMetric.SALES_AMOUNT]["status"] == "behind"
    assert february[ImprovementMetric.ATTAINMENT]["actual"] == Decimal("75.00")  # 75 000 ÷ 100 000
    # As of 28 February: 2 000 open, 1 000 of it past due.
    assert february[ImprovementMetric.OVERDUE_SHARE]["actual"] == Decimal("50.00")
    assert february[ImprovementMetric.OVERDUE_SHARE]["status"] == "behind"
    assert months[date(2026, 2, 1)]["status"] == "behind"
    march = {f["metric"]: f for f in months[date(2026, 3, 1)]["figures"]}
    assert march[ImprovementMetric.SALES_AMOUNT]["actual"] == Decimal("72000.00")
    assert march[ImprovementMetric.COLLECTIONS]["actual"] == Decimal("6000.00")
    assert months[date(2026, 3, 1)]["status"] == "on_track"
    assert months[date(2026, 4, 1)]["status"] == "running"
    assert months[date(2026, 4, 1)]["figures"][0]["actual"] == Decimal("30000.00")
    assert months[date(2026, 5, 1)]["status"] == "pending"
    assert progress["status"] == "on_track"  # the latest complete month
    assert progress["measures"] == {"total": 2, "done": 0, "open": 2, "overdue": 0}


# --- pages and the API ------------------------------------------------------------------------------------------


def test_pages_and_api_read_in_scope_only(personas, units):
    plan = _draft(personas, units)
    flags_refresh(as_of=TODAY, by=SYSTEM)
    detail = reverse("risk:improvement_detail", kwargs={"pk": plan.pk})
    api = reverse("improvement-plan-detail", kwargs={"pk": plan.pk})
    for who in ("dm_hangzhou", "pm_zhejiang", "director", "rep_hangzhou"):
        assert personas[who].web().get(detail).status_code == 200, who
        assert personas[who].api().get(api).status_code == 200, who
    for who in ("dm_guangzhou", "rm_south"):
        assert personas[who].web().get(detail).status_code == 404, who
        assert personas[who].api().get(api).status_code == 404, who
    body = personas["dm_hangzhou"].api().get(api).json()
    assert [m["description"] for m in body["measures"]] == ["逐户走访逾期客户，制定回款计划", "每周召开回款例会"]
    assert len(body["targets"]) == 7
    listed = personas["pm_zhejiang"].web().get(reverse("risk:improvement_list"))
    assert listed.status_code == 200 and plan.title in listed.content.decode()
    home = personas["director"].web().get(reverse("risk:home"))
    assert home.status_code == 200 and 'id="improvement-panel"' in home.content.decode()
    assert personas["dm_guangzhou"].api().get(reverse("improvement-plan-list")).json()["results"] == []
    assert len(personas["dm_hangzhou"].api().get(reverse("improvement-plan-list")).json()["results"]) == 1


def test_page_refusals_write_nothing(personas, units):
    plan = _draft(personas, units)
    before = _counts()
    form = {
        "unit": units["330100"].pk,
        "title": "越权整改",
        "diagnosis": "诊断",
        "measures-TOTAL_FORMS": "1",
        "measures-INITIAL_FORMS": "0",
        "measures-0-description": "走访",
        "measures-0-owner": personas["dm_hangzhou"].staff.pk,
        "measures-0-due_on": "2026-05-31",
        "targets-TOTAL_FORMS": "0",
        "targets-INITIAL_FORMS": "0",
    }
    # A unit outside the scope: the form again, naming the field.
    response = personas["dm_guangzhou"].web().post(reverse("risk:improvement_create"), form)
    assert response.status_code == 400
    assert "unit" in response.context["form"].errors
    # No right: a sales rep submits; outside the scope: another district's manager.
    detail = reverse("risk:improvement_detail", kwargs={"pk": plan.pk})
    assert personas["rep_hangzhou"].web().post(detail, {"action": "submit"}).status_code == 403
    assert personas["dm_guangzhou"].web().post(detail, {"action": "submit"}).status_code == 404
    assert _counts() == before
    ImprovementPlan.objects.filter(pk=plan.pk).update(state=ImprovementState.IN_PROGRESS)
    response = personas["dm_hangzhou"].web().post(detail, {"action": "close", "review": ""})
    assert response.status_code == 422
    plan.refresh_from_db()
    assert plan.state == ImprovementState.IN_PROGRESS and plan.review == ""
    response = personas["dm_hangzhou"].web().post(detail, {"action": "close", "review": "已完成整改"})
    assert response.status_code == 302


def test_page_create_with_formsets(personas, units):
    form = {
        "unit": units["330100"].pk,
        "title": "杭州整改",
        "diagnosis": "逾期占比过高",
        "measures-TOTAL_FORMS": "2",
        "measures-INITIAL_FORMS": "0",
        "measures-0-description": "走访逾期客户",
        "measures-0-owner": personas["rep_hangzhou"].staff.pk,
        "measures-0-due_on": "2026-05-31",
        "measures-1-description": "",
        "targets-TOTAL_FORMS": "2",
        "targets-INITIAL_FORMS": "0",
        "targets-0-month": "2026-05",
        "targets-0-metric": "overdue_share",
        "targets-0-expected": "25",
        "targets-1-metric": "",
    }
    response = personas["dm_hangzhou"].web().post(reverse("risk:improvement_create"), form)
    assert response.status_code == 302
    plan = ImprovementPlan.objects.get(title="杭州整改")
    assert list(plan.targets.values_list("month", "metric", "expected")) == [
        (date(2026, 5, 1), "overdue_share", Decimal("25.00"))
    ]
    assert plan.measures.get().owner == personas["rep_hangzhou"].staff
    assert personas["dm_hangzhou"].web().get(reverse("risk:improvement_edit", kwargs={"pk": plan.pk})).status_code == 200
