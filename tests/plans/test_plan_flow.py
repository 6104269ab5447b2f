"""Plans: a marketing plan walked from a district up to the Development Center and back (returned,
revised, resubmitted, approved through every step → Targets and tasks), the bad inputs each refused
with a clear message and nothing half-changed, the rights, and the exact split property."""

import itertools
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from approvals import services as approvals
from approvals.choices import ApprovalKind, EventAction, RequestState
from approvals.models import ApprovalEvent
from approvals.subjects import subject_review
from core.errors import Conflict, DomainError, InvalidInput
from core.rights import SYSTEM
from core.roles import Role
from plans import selectors, services
from plans.choices import PlanState
from plans.models import Plan, PlanVersion, Target
from plans.services import PlanDoesNotAddUp
from regions.models import OrgUnit
from regions.services import org_unit_create, staff_hire

D = Decimal
_codes = itertools.count(1)
MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def _months(total):
    """An even split of a whole total across the 12 months of 2026, remainder to the first months."""
    from core.money import allocate

    return dict(zip(MONTHS, [str(v) for v in allocate(D(total), [1] * 12)], strict=True))


def _district_plan(personas, units, *, value="1200000.00", title="杭州 2026 营销计划"):
    dm = personas["dm_hangzhou"]
    rep1, rep2 = personas["rep_hangzhou"].staff, personas["rep_hangzhou_2"].staff
    plan = services.plan_create(kind="marketing", unit=units["330100"], period="2026", title=title, by=dm.user, body="目标\n措施")
    half = str(D(value) / 2)
    services.plan_lines_save(
        plan=plan,
        by=dm.user,
        targets=[
            {
                "metric": "sales_amount",
                "value": value,
                "split_method": "manual",
                "children": {rep1.pk: half, rep2.pk: half},
                "months": _months(value),
            }
        ],
        actions=[{"what": "拜访重点客户", "owner": rep1.pk, "due_on": "2026-03-31", "notes": "每周两家"}],
        budget=[{"category": "市场推广", "amount": "50000.00", "note": ""}],
    )
    return plan


def _events(request):
    return [
        (event.action, event.from_state, event.to_state, event.actor.username if event.actor else None)
        for event in ApprovalEvent.objects.filter(request=request).order_by("at", "id")
    ]


def test_marketing_plan_from_district_to_center_and_back(personas, units):
    dm, rm, center = personas["dm_hangzhou"], personas["rm_east"], personas["center"]
    rep1, rep2 = personas["rep_hangzhou"].staff, personas["rep_hangzhou_2"].staff
    plan = _district_plan(personas, units)
    assert services.plan_check(plan=plan) == []

    # 1. The district manager submits: a district's marketing plan goes to the regional manager, then the center.
    first = services.plan_submit(plan=plan, by=dm.user)
    plan.refresh_from_db()
    assert plan.state == PlanState.SUBMITTED and first.kind == ApprovalKind.PLAN_MARKETING
    assert first.amount == D("50000.00") and first.unit == units["330100"]
    steps = list(first.steps.order_by("order"))
    assert [(s.approver_role, s.approver_unit.code, s.approver_id) for s in steps] == [
        (Role.REGIONAL_MANAGER, "HD", rm.staff.pk),
        (Role.CENTER_STAFF, "HQ", None),
    ]
    v1 = PlanVersion.objects.get(plan=plan, number=1)
    assert v1.request == first and v1.lines["targets"][0]["value"] == "1200000.00"
    assert first.snapshot["version"] == 1 and first.snapshot["budget"][0]["amount"] == "50000.00"

    # Submitted: the draft is frozen.
    with pytest.raises(Conflict):
        services.plan_update(plan=plan, by=dm.user, title="改")

    # 2. The regional manager approves his step; the center returns it with a comment.
    approvals.request_approve(request=first, by=rm.user, comment="同意")
    approvals.request_return(request=first, by=center.user, comment="目标偏低，请提高到 130 万")
    plan.refresh_from_db()
    assert plan.state == PlanState.RETURNED
    assert _events(first) == [
        (EventAction.SUBMIT, "", RequestState.SUBMITTED, "dm_hangzhou"),
        (EventAction.APPROVE, RequestState.SUBMITTED, RequestState.SUBMITTED, "rm_east"),
        (EventAction.RETURN, RequestState.SUBMITTED, RequestState.RETURNED, "center"),
    ]
    assert not Target.objects.exists()

    # 3. Revised: new values, resubmitted as version 2; the diff shows the change.
    services.plan_lines_save(
        plan=plan,
        by=dm.user,
        targets=[
            {
                "metric": "sales_amount",
                "value": "1300000.00",
                "children": {rep1.pk: "700000.00", rep2.pk: "600000.00"},
                "months": _months("1300000.00"),
            }
        ],
    )
    services.plan_update(plan=plan, by=dm.user, body="目标（已提高）\n措施")
    second = services.plan_submit(plan=plan, by=dm.user)
    assert second.version == 2 and second.previous == first
    diff = selectors.plan_diff(plan)
    changed = diff["targets"]["changed"][0]
    assert (changed["old"], changed["new"]) == (D("1200000.00"), D("1300000.00"))
    assert [(c["name"], c["old"], c["new"]) for c in changed["children"]] == [(rep1.name, D("600000.00"), D("700000.00"))]
    assert any(c["name"] == rep1.name and c["new"] == D("700000.00") for c in changed["children"])
    assert "-目标" in diff["body"] and "+目标（已提高）" in diff["body"]
    assert not diff["empty"]

    # The review screen of the second request shows the diff and last year's figures.
    template, context = subject_review(plan, second)
    assert template == "plans/_plan_review.html"
    assert context["version"].number == 2 and context["diff"]["targets"]["changed"]
    assert context["targets"][0]["value"] == D("1300000.00")

    # 4. Approved through every step.
    approvals.request_approve(request=second, by=rm.user)
    plan.refresh_from_db()
    assert plan.state == PlanState.SUBMITTED
    approvals.request_approve(request=second, by=center.user, comment="同意")
    plan.refresh_from_db()
    assert plan.state == PlanState.APPROVED and plan.approved_at is not None
    assert _events(second) == [
        (EventAction.SUBMIT, "", RequestState.SUBMITTED, "dm_hangzhou"),
        (EventAction.APPROVE, RequestState.SUBMITTED, RequestState.SUBMITTED, "rm_east"),
        (EventAction.APPROVE, RequestState.SUBMITTED, RequestState.APPROVED, "center"),
    ]

    # Targets as new versions: the district's, each rep's and each month's, exactly as approved.
    unit_target = Target.objects.get(metric="sales_amount", period="2026", unit=units["330100"], is_current=True)
    assert unit_target.value == D("1300000.00") and unit_target.version == 1
    staff_targets = {t.staff_id: t.value for t in Target.objects.filter(parent=unit_target, staff__isnull=False)}
    assert staff_targets == {rep1.pk: D("700000.00"), rep2.pk: D("600000.00")}
    months = Target.objects.filter(parent=unit_target, unit=units["330100"]).order_by("period")
    assert [str(t.period) for t in months] == MONTHS and sum(t.value for t in months) == D("1300000.00")
    assert services.check_decomposition(target=unit_target) == []
    # Set by the system as approved, recorded as set by the submitter.
    assert set(Target.objects.filter(is_current=True).values_list("created_by", flat=True)) == {dm.user.pk}

    # The action became a task of its owner, sourced from the plan.
    from workflow.models import Task

    task = Task.objects.get(owner=rep1)
    assert task.title == "拜访重点客户" and task.due_on == date(2026, 3, 31) and task.object_id == plan.pk

    # 5. Changing an approved plan: revised into a new draft; its approval supersedes the targets.
    with pytest.raises(Conflict):
        services.plan_update(plan=plan, by=dm.user, title="改")
    draft = services.plan_revise(plan=plan, by=dm.user)
    assert draft.pk == plan.pk and draft.state == PlanState.DRAFT
    assert selectors.plan_lines(draft)["targets"][0]["value"] == "1300000.00"
    services.plan_lines_save(
        plan=draft,
        by=dm.user,
        targets=[
            {
                "metric": "sales_amount",
                "value": "1400000.00",
                "children": {rep1.pk: "700000.00", rep2.pk: "700000.00"},
                "months": _months("1400000.00"),
            }
        ],
        actions=[],
    )
    third = services.plan_submit(plan=draft, by=dm.user)
    approvals.request_approve(request=third, by=rm.user)
    approvals.request_approve(request=third, by=center.user)
    versions = Target.objects.filter(metric="sales_amount", period="2026", unit=units["330100"]).order_by("version")
    assert [(t.version, t.value, t.is_current) for t in versions] == [
        (1, D("1300000.00"), False),
        (2, D("1400000.00"), True),
    ]
    assert Target.objects.get(staff=rep2, period="2026", is_current=True).value == D("700000.00")
    assert Target.objects.filter(staff=rep2, period="2026").count() == 2
    assert Task.objects.filter(owner=rep1).count() == 1  # no actions in the third version


def test_province_plan_splits_to_districts_and_region_manager_is_first(personas, units):
    pm, rm, center = personas["pm_zhejiang"], personas["rm_east"], personas["center"]
    zhejiang = units["330000"]
    children = list(OrgUnit.objects.filter(parent=zhejiang, is_active=True).order_by("code"))
    plan = services.plan_create(kind="marketing", unit=zhejiang, period="2026", title="浙江 2026", by=pm.user)
    services.plan_lines_save(plan=plan, by=pm.user, targets=[{"metric": "sales_amount", "value": "9999999.99"}])
    line = services.plan_split_suggest(
        plan=plan, by=pm.user, metric="sales_amount", method="shares", shares={c.pk: 1 for c in children}
    )
    assert sum(s.value for s in line.splits.all() if s.unit_id) == D("9999999.99")
    assert sum(s.value for s in line.splits.all() if s.month) == D("9999999.99")
    request = services.plan_submit(plan=plan, by=pm.user)
    assert [s.approver_role for s in request.steps.order_by("order")] == [Role.REGIONAL_MANAGER, Role.CENTER_STAFF]
    approvals.request_approve(request=request, by=rm.user)
    approvals.request_approve(request=request, by=center.user)
    target = Target.objects.get(unit=zhejiang, period="2026", is_current=True)
    assert sum(t.value for t in Target.objects.filter(parent=target, period="2026")) == D("9999999.99")
    assert services.check_decomposition(target=target) == []


# --- bad input ------------------------------------------------------------------------------------
@pytest.mark.usefixtures("english")
def test_targets_that_do_not_add_up_say_by_how_much_and_where(personas, units):
    pm = personas["pm_zhejiang"]
    zhejiang = units["330000"]
    children = list(OrgUnit.objects.filter(parent=zhejiang, is_active=True).order_by("code"))
    plan = services.plan_create(kind="marketing", unit=zhejiang, period="2026", title="浙江", by=pm.user)
    values = {c.pk: "0.00" for c in children}
    values[children[0].pk] = "9999999.98"
    services.plan_lines_save(
        plan=plan, by=pm.user, targets=[{"metric": "sales_amount", "value": "9999999.99", "children": values}]
    )
    problems = services.plan_check(plan=plan)
    assert len(problems) == 1
    assert problems[0]["difference"] == D("-0.01") and problems[0]["level"] == "children"
    assert "sub-units add up to 9,999,999.98, off by 0.01" in problems[0]["message"]
    assert "浙江省" in problems[0]["message"]
    with pytest.raises(PlanDoesNotAddUp) as caught:
        services.plan_submit(plan=plan, by=pm.user)
    assert caught.value.status_code == 422 and caught.value.as_dict()["mismatches"][0]["difference"] == "-0.01"
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT and not plan.versions.exists() and selectors.plan_request(plan) is None


@pytest.mark.parametrize(
    ("targets", "text"),
    [
        ([{"metric": "sales_amount", "value": "-1"}], "cannot be negative"),
        ([{"metric": "sales_amount", "period": "2027", "value": "1"}], "outside the plan's period"),
        ([{"metric": "sales_amount", "period": "2026-Q1", "value": "3", "months": {"2026-04": "3"}}], "not a month of 2026-Q1"),
        ([{"metric": "new_customers", "value": "2.5"}], "whole number"),
        ([{"metric": "sales_amount", "value": "1", "children": {"999999": "1"}}], "not an active sub-unit"),
        ([{"metric": "sales_amount", "value": "1"}, {"metric": "sales_amount", "value": "2"}], "already set"),
        ([{"metric": "profit", "value": "1"}], "Unknown metric"),
        (["x"], "as an object"),
        ({"a": 1}, "list of lines"),
    ],
)
@pytest.mark.usefixtures("english")
def test_bad_lines_are_refused_and_nothing_changes(personas, units, targets, text):
    pm = personas["pm_zhejiang"]
    plan = services.plan_create(kind="marketing", unit=units["330000"], period="2026", title="浙江", by=pm.user)
    services.plan_lines_save(
        plan=plan, by=pm.user, targets=[{"metric": "collections", "value": "5"}], budget=[{"category": "a", "amount": "1"}]
    )
    with pytest.raises(InvalidInput, match=text) as caught:
        services.plan_lines_save(plan=plan, by=pm.user, targets=targets, budget=[])
    assert caught.value.field == "targets"
    lines = selectors.plan_lines(plan)
    assert [t["metric"] for t in lines["targets"]] == ["collections"] and len(lines["budget"]) == 1


@pytest.mark.usefixtures("english")
def test_a_districts_children_are_its_active_reps(personas, units):
    dm = personas["dm_hangzhou"]
    plan = services.plan_create(kind="marketing", unit=units["330100"], period="2026", title="杭州", by=dm.user)
    with pytest.raises(InvalidInput, match="not an active salesperson"):
        services.plan_lines_save(
            plan=plan, by=dm.user, targets=[{"metric": "sales_amount", "value": "1", "children": {dm.staff.pk: "1"}}]
        )
    with pytest.raises(InvalidInput, match="negative"):
        services.plan_lines_save(plan=plan, by=dm.user, budget=[{"category": "差旅", "amount": "-5"}])
    with pytest.raises(InvalidInput, match="not in service in"):
        services.plan_lines_save(
            plan=plan, by=dm.user, actions=[{"what": "x", "owner": personas["dm_guangzhou"].staff.pk, "due_on": "2026-01-01"}]
        )


@pytest.mark.usefixtures("english")
def test_rights_submitting_someone_elses_plan_and_reps(personas, units):
    plan = _district_plan(personas, units)
    # Someone else's plan: the province manager reads it but neither edits nor submits it.
    with pytest.raises(DomainError, match="Only the author or the manager") as caught:
        services.plan_submit(plan=plan, by=personas["pm_zhejiang"].user)
    assert caught.value.status_code == 403
    with pytest.raises(DomainError) as caught:
        services.plan_submit(plan=plan, by=personas["rep_hangzhou"].user)
    assert caught.value.status_code == 403
    # A rep may only write work plans, for their own district.
    rep = personas["rep_hangzhou"]
    with pytest.raises(DomainError, match="only their own work plan") as caught:
        services.plan_create(kind="marketing", unit=units["330100"], period="2026", title="x", by=rep.user)
    assert caught.value.status_code == 403
    with pytest.raises(DomainError, match="your own unit"):
        services.plan_create(kind="work", unit=units["330000"], period="2026", title="x", by=rep.user)
    work = services.plan_create(
        kind="work", unit=units["330100"], period="2026-07", title="七月工作计划", by=rep.user, body="拜访"
    )
    with pytest.raises(InvalidInput, match="only to its author"):
        services.plan_lines_save(
            plan=work, by=rep.user, actions=[{"what": "x", "owner": personas["rep_hangzhou_2"].staff.pk, "due_on": "2026-07-31"}]
        )
    request = services.plan_submit(plan=work, by=rep.user)
    # A rep's work plan goes to their own district manager.
    assert [(s.approver_id) for s in request.steps.all()] == [personas["dm_hangzhou"].staff.pk]
    # Approving your own submission and deciding twice are refused; nothing half-changed.
    with pytest.raises(DomainError, match="own submission"):
        approvals.request_approve(request=request, by=rep.user)
    approvals.request_approve(request=request, by=personas["dm_hangzhou"].user)
    with pytest.raises(Conflict):
        approvals.request_approve(request=request, by=personas["dm_hangzhou"].user)
    work.refresh_from_db()
    assert work.state == PlanState.APPROVED
    assert Plan.objects.for_user(personas["rep_hangzhou_2"].user).filter(pk=work.pk).count() == 0


@pytest.mark.usefixtures("english")
def test_withdraw_then_edit_and_reject_then_revise_into_a_new_plan(personas, units):
    dm, rm = personas["dm_hangzhou"], personas["rm_east"]
    plan = _district_plan(personas, units)
    services.plan_submit(plan=plan, by=dm.user)
    with pytest.raises(DomainError, match="Only the submitter"):
        services.plan_withdraw(plan=plan, by=rm.user)
    services.plan_withdraw(plan=plan, by=dm.user)
    plan.refresh_from_db()
    assert plan.state == PlanState.WITHDRAWN
    services.plan_update(plan=plan, by=dm.user, title="改过的标题")
    request = services.plan_submit(plan=plan, by=dm.user)
    assert request.version == 2
    approvals.request_reject(request=request, by=rm.user, comment="不符合区域策略")
    plan.refresh_from_db()
    assert plan.state == PlanState.REJECTED
    with pytest.raises(Conflict):
        services.plan_submit(plan=plan, by=dm.user)
    new = services.plan_revise(plan=plan, by=dm.user)
    assert new.pk != plan.pk and new.revises == plan and new.state == PlanState.DRAFT
    assert selectors.plan_lines(new)["targets"] == selectors.plan_lines(plan)["targets"]
    assert services.plan_submit(plan=new, by=dm.user).version == 1


@pytest.mark.usefixtures("english")
def test_empty_plan_is_not_submitted(personas, units):
    dm = personas["dm_hangzhou"]
    plan = services.plan_create(kind="promotion", unit=units["330100"], period="2026-Q2", title="促销", by=dm.user)
    with pytest.raises(InvalidInput, match="empty") as caught:
        services.plan_submit(plan=plan, by=dm.user)
    assert caught.value.field == "body"


def test_last_year_suggestion_uses_actuals_and_review_shows_growth_and_parent_share(personas, units):
    from customers import services as ledger
    from tests.customers.factories import CustomerFactory

    dm = personas["dm_hangzhou"]
    rep1, rep2 = personas["rep_hangzhou"].staff, personas["rep_hangzhou_2"].staff
    for rep, amount in ((rep1, "300.00"), (rep2, "100.00")):
        customer = CustomerFactory(district=units["330100"], salesperson=rep)
        ledger.invoice_record(by=SYSTEM, customer=customer, issue_date=date(2025, 5, 1), due_date=date(2025, 6, 1), amount=amount)
    services.target_set(metric="sales_amount", period="2026", unit=units["330000"], value="5000.00", by=SYSTEM)
    plan = services.plan_create(kind="marketing", unit=units["330100"], period="2026", title="杭州", by=dm.user)
    services.plan_lines_save(plan=plan, by=dm.user, targets=[{"metric": "sales_amount", "value": "1000.00"}])
    line = services.plan_split_suggest(plan=plan, by=dm.user, metric="sales_amount", method="last_year", months=False)
    assert {s.staff_id: s.value for s in line.splits.all()} == {rep1.pk: D("750.00"), rep2.pk: D("250.00")}
    request = services.plan_submit(plan=plan, by=dm.user)
    _template, context = subject_review(plan, request)
    row = context["targets"][0]
    assert row["last_year"] == D("400.00") and row["growth_pct"] == D("150.0")
    assert row["parent_target"] == D("5000.00") and row["share_pct"] == D("20.0")


# --- the property: plan splits add up at every level and month -------------------------------------
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    provinces=st.integers(min_value=1, max_value=5),
    districts=st.integers(min_value=1, max_value=3),
    reps=st.integers(min_value=1, max_value=5),
    total=st.integers(min_value=0, max_value=10**12),
    weights=st.lists(st.integers(min_value=0, max_value=1000), min_size=12, max_size=12).filter(any),
    shares=st.lists(st.integers(min_value=0, max_value=50), min_size=5, max_size=5).filter(any),
    metric=st.sampled_from(["sales_amount", "new_customers"]),
)
def test_plan_splits_add_up_exactly_at_every_level(personas, units, provinces, districts, reps, total, weights, shares, metric):
    """A random tree (region → provinces → districts → reps): the region's plan, then the first province's and
    the first district's, each split by random shares and a random seasonal distribution and approved — every
    split line and every resulting Target level (children, staff, quarters untouched, months) adds up exactly."""
    from plans.services import distribution_save

    center, director = personas["center"], personas["director"]
    value = D(total).scaleb(-2) if metric == "sales_amount" else D(total)
    n = next(_codes)
    region = org_unit_create(by=SYSTEM, kind="region", code=f"RT{n}", name=f"测试大区{n}", parent=units["HQ"])
    province_units = [
        org_unit_create(by=SYSTEM, kind="province", code=f"RT{n}P{k}", name=f"省{k}", parent=region) for k in range(provinces)
    ]
    district_units = [
        org_unit_create(by=SYSTEM, kind="district", code=f"RT{n}D{k}", name=f"地办{k}", parent=province_units[0])
        for k in range(districts)
    ]
    for k in range(reps):
        staff_hire(
            by=SYSTEM,
            employee_no=f"RT{n}E{k}",
            name=f"员{k}",
            unit=district_units[0],
            role=Role.SALES_REP,
            hire_date=date(2020, 1, 1),
        )
    distribution = distribution_save(name=f"季节{n}", kind="amounts", values=[str(w) for w in weights], by=SYSTEM)
    parent_value = value
    for unit in (region, province_units[0], district_units[0]):
        plan = services.plan_create(kind="marketing", unit=unit, period="2026", title="p", by=center.user)
        services.plan_lines_save(plan=plan, by=center.user, targets=[{"metric": metric, "value": str(parent_value)}])
        _kind, candidates = selectors.child_candidates(unit)
        weights_of = {c.pk: shares[i % len(shares)] for i, c in enumerate(candidates)}
        if not any(weights_of.values()):
            weights_of[candidates[0].pk] = 1
        services.plan_split_suggest(
            plan=plan, by=center.user, metric=metric, method="shares", shares=weights_of, distribution=distribution.pk
        )
        assert services.plan_check(plan=plan) == []
        line = plan.target_lines.get()
        assert sum(s.value for s in line.splits.filter(month__isnull=True)) == parent_value
        assert sum(s.value for s in line.splits.filter(month__isnull=False)) == parent_value
        assert line.splits.filter(month__isnull=True).count() == len(candidates)
        request = services.plan_submit(plan=plan, by=center.user)
        while request.state == RequestState.SUBMITTED:
            request = approvals.request_approve(request=request, by=director.user)
        target = Target.objects.get(metric=metric, period="2026", unit=unit, is_current=True)
        assert target.value == parent_value
        assert services.check_decomposition(target=target) == []
        # The next level's plan sets the first child's share of this one.
        first = candidates[0]
        if isinstance(first, OrgUnit):
            parent_value = Target.objects.get(metric=metric, period="2026", unit=first, is_current=True).value


def test_the_approvals_decision_screen_shows_the_plan_review(personas, units):
    from django.urls import reverse

    dm, rm, center = personas["dm_hangzhou"], personas["rm_east"], personas["center"]
    rep1, rep2 = personas["rep_hangzhou"].staff, personas["rep_hangzhou_2"].staff
    plan = _district_plan(personas, units)
    first = services.plan_submit(plan=plan, by=dm.user)
    approvals.request_return(request=first, by=rm.user, comment="请修改")
    services.plan_lines_save(
        plan=plan,
        by=dm.user,
        targets=[{"metric": "sales_amount", "value": "1000.00", "children": {rep1.pk: "500.00", rep2.pk: "500.00"}}],
        budget=[{"category": "市场推广", "amount": "60000.00"}],
    )
    second = services.plan_submit(plan=plan, by=dm.user)
    response = rm.web().get(reverse("approvals:detail", kwargs={"pk": second.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="plan-review-targets"' in html and 'id="plan-diff"' in html
    review = html[html.index('id="review"') :]
    assert "拜访重点客户" in review and "60,000.00" in review
    assert "600,000.00 → 500.00" in review and "50,000.00 → 60,000.00" in review
    assert center.web().get(reverse("approvals:detail", kwargs={"pk": second.pk})).status_code == 200
