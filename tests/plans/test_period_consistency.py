"""Targets of one metric and owner agree across period levels after every approval (issue 12, item 1).

A year target of 1,200.00 and a Q1 target of 600.00, each split equally across its months, used to be
approved as they were: the months of 2047 then summed to 1,500.00 against a year of 1,200.00. The rule
(docs/DECISIONS.md): a quarter equals its months once all three are set (until then they stay within
it); a year equals its quarters (a quarter's own target, else its three months) once all four are
determined (until then what is set inside stays within it) — for the plan's lines laid over the targets
already current. `check` reports a disagreement, submit refuses it, approval checks again under lock.
"""

import itertools
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from approvals import services as approvals
from approvals.choices import RequestState
from core.errors import Conflict
from core.money import allocate
from core.periods import QUARTER, YEAR, Period
from core.rights import SYSTEM
from plans import services
from plans.choices import PlanState
from plans.models import Plan, Target
from plans.services import PlanDoesNotAddUp
from regions.choices import Role
from regions.services import org_unit_create, staff_hire

D = Decimal
_codes = itertools.count(1)


def _url(plan, name):
    return reverse(f"plan-{name}", kwargs={"pk": plan.pk})


def _plan(by, unit, targets, *, title="2047 计划"):
    plan = services.plan_create(kind="marketing", unit=unit, period="2047", title=title, by=by, body="目标")
    services.plan_lines_save(plan=plan, by=by, targets=targets)
    return plan


def _approve(request, personas):
    while request.state == RequestState.SUBMITTED:
        request = approvals.request_approve(request=request, by=personas["director"].user)
    return request


def _current(unit, metric="sales_amount"):
    return {str(t.period): t.value for t in Target.objects.filter(unit=unit, staff__isnull=True, metric=metric, is_current=True)}


def test_the_reported_case_is_refused_by_check_and_submit(personas, units):
    """The tester's case over the API, in Chinese: year 1,200.00 and Q1 600.00, split-suggest on each."""
    dm = personas["dm_hangzhou"]
    client = dm.api()
    plan = _plan(dm.user, units["330100"], [])
    lines = {
        "targets": [
            {"metric": "sales_amount", "period": "2047", "value": "1200.00"},
            {"metric": "sales_amount", "period": "2047-Q1", "value": "600.00"},
        ]
    }
    assert client.put(_url(plan, "lines"), lines, format="json").status_code == 200
    for period in ("2047", "2047-Q1"):
        response = client.post(_url(plan, "split-suggest"), {"metric": "sales_amount", "period": period}, format="json")
        assert response.status_code == 200, response.content

    check = client.get(_url(plan, "check")).json()
    assert check["ok"] is False
    conflicts = [m for m in check["mismatches"] if m["level"] == "periods"]
    assert conflicts, check
    year = next(c for c in conflicts if c["period"] == "2047")
    assert (year["expected"], year["actual"], year["difference"]) == ("1200.00", "1500.00", "300.00")
    assert year["owner"] == units["330100"].name
    # Named in Chinese, with the lines that take part.
    assert "目标明细 1" in year["message"] and "目标明细 2" in year["message"] and "1,500.00" in year["message"]
    assert any("目标明细 2" in line for line in year["lines"])

    response = client.post(_url(plan, "submit"))
    assert response.status_code == 422, response.content
    body = response.json()
    assert "targets" in body["errors"] and any(m["level"] == "periods" for m in body["mismatches"])
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT and not Target.objects.exists()

    # The plan's pages show the disagreement in Chinese too.
    html = dm.web().get(reverse("plans:plan_detail", kwargs={"pk": plan.pk})).content.decode()
    assert 'data-add-up="problem"' in html and "目标明细 2" in html and "1,500.00" in html
    html = dm.web().get(reverse("plans:plan_edit", kwargs={"pk": plan.pk})).content.decode()
    assert "目标明细 2" in html


def test_a_year_and_a_quarter_that_agree_are_approved(personas, units):
    dm = personas["dm_hangzhou"]
    months = {f"2047-{m:02d}": "100.00" for m in range(1, 13)}
    plan = _plan(
        dm.user,
        units["330100"],
        [
            {"metric": "sales_amount", "period": "2047", "value": "1200.00", "months": months},
            {"metric": "sales_amount", "period": "2047-Q1", "value": "300.00"},
        ],
    )
    assert services.plan_check(plan=plan) == []
    _approve(services.plan_submit(plan=plan, by=dm.user), personas)
    current = _current(units["330100"])
    assert current["2047"] == D("1200.00") and current["2047-Q1"] == D("300.00")
    assert sum(current[f"2047-{m:02d}"] for m in range(1, 13)) == D("1200.00")


def test_a_quarter_larger_than_its_year_is_refused_even_before_the_other_quarters_are_set(personas, units):
    dm = personas["dm_hangzhou"]
    plan = _plan(
        dm.user,
        units["330100"],
        [
            {"metric": "sales_amount", "period": "2047", "value": "1200.00"},
            {"metric": "sales_amount", "period": "2047-Q2", "value": "1300.00"},
        ],
    )
    [conflict] = services.plan_check(plan=plan)
    assert conflict["period"] == "2047" and conflict["difference"] == D("100.00")
    assert conflict["missing"] == ["2047-Q1", "2047-Q3", "2047-Q4"]
    with pytest.raises(PlanDoesNotAddUp):
        services.plan_submit(plan=plan, by=dm.user)


def test_a_plan_with_a_quarter_is_checked_against_the_approved_year(personas, units):
    dm = personas["dm_hangzhou"]
    months = {f"2047-{m:02d}": "100.00" for m in range(1, 13)}
    year = _plan(dm.user, units["330100"], [{"metric": "sales_amount", "period": "2047", "value": "1200.00", "months": months}])
    _approve(services.plan_submit(plan=year, by=dm.user), personas)

    q1 = {"2047-01": "200.00", "2047-02": "200.00", "2047-03": "200.00"}
    plan = _plan(dm.user, units["330100"], [{"metric": "sales_amount", "period": "2047-Q1", "value": "600.00", "months": q1}])
    [conflict] = services.plan_check(plan=plan)
    assert (conflict["period"], conflict["expected"], conflict["actual"]) == ("2047", D("1200.00"), D("1500.00"))
    assert any("已批准的目标" in line and "2047" in line for line in conflict["lines"])
    with pytest.raises(PlanDoesNotAddUp):
        services.plan_submit(plan=plan, by=dm.user)

    # Q1 moved within the year (the same 300.00 in other months): agrees, and is approved.
    q1 = {"2047-01": "50.00", "2047-02": "100.00", "2047-03": "150.00"}
    services.plan_lines_save(
        plan=plan, by=dm.user, targets=[{"metric": "sales_amount", "period": "2047-Q1", "value": "300.00", "months": q1}]
    )
    assert services.plan_check(plan=plan) == []
    _approve(services.plan_submit(plan=plan, by=dm.user), personas)
    current = _current(units["330100"])
    assert current["2047-01"] == D("50.00") and sum(current[f"2047-{m:02d}"] for m in range(1, 13)) == current["2047"]


def test_approval_checks_again_under_the_lock(personas, units):
    """Two plans that each agree with what is approved when they are submitted; once the first is
    approved, the second would break the year — its approval is refused (409) and nothing is written."""
    dm = personas["dm_hangzhou"]
    months = {f"2047-{m:02d}": "100.00" for m in range(1, 13)}
    first = _plan(dm.user, units["330100"], [{"metric": "sales_amount", "period": "2047", "value": "1200.00", "months": months}])
    q1 = {"2047-01": "200.00", "2047-02": "200.00", "2047-03": "200.00"}
    second = _plan(dm.user, units["330100"], [{"metric": "sales_amount", "period": "2047-Q1", "value": "600.00", "months": q1}])
    first_request = services.plan_submit(plan=first, by=dm.user)
    second_request = services.plan_submit(plan=second, by=dm.user)
    _approve(first_request, personas)
    before = _current(units["330100"])

    second_request = approvals.request_approve(request=second_request, by=personas["director"].user)
    while second_request.steps.filter(state="pending").count() > 1:
        second_request = approvals.request_approve(request=second_request, by=personas["director"].user)
    with pytest.raises(Conflict) as caught:
        approvals.request_approve(request=second_request, by=personas["director"].user)
    assert caught.value.field == "targets" and "2047" in caught.value.message
    second.refresh_from_db()
    second_request.refresh_from_db()
    assert second.state == PlanState.SUBMITTED and second_request.state == RequestState.SUBMITTED
    assert _current(units["330100"]) == before

    # Over the API: 409 with the reason in Chinese.
    url = reverse("approval-approve", kwargs={"pk": second_request.pk})
    response = personas["director"].api().post(url, {}, format="json")
    assert response.status_code == 409, response.content
    assert "targets" in response.json()["errors"] and "2047" in response.json()["detail"]


def test_a_split_to_staff_is_checked_for_each_person(personas, units):
    """The year split 50/50 and Q1 split 90/10: rep 1's Q1 (540.00) is above their year (500.00)."""
    dm = personas["dm_hangzhou"]
    rep1, rep2 = personas["rep_hangzhou"].staff, personas["rep_hangzhou_2"].staff
    plan = _plan(
        dm.user,
        units["330100"],
        [
            {"metric": "sales_amount", "period": "2047", "value": "1000.00", "children": {rep1.pk: "500.00", rep2.pk: "500.00"}},
            {"metric": "sales_amount", "period": "2047-Q1", "value": "600.00", "children": {rep1.pk: "540.00", rep2.pk: "60.00"}},
        ],
    )
    [conflict] = services.plan_check(plan=plan)
    assert conflict["owner"] == rep1.name and conflict["period"] == "2047" and conflict["difference"] == D("40.00")


# --- the property ---------------------------------------------------------------------------------------
QUARTERS = [f"2047-Q{q}" for q in range(1, 5)]
MONTHS = [f"2047-{m:02d}" for m in range(1, 13)]


def _assert_consistent(owner_filter):
    """For each metric: a quarter equals its months when all three are current (else they stay within
    it); the year equals its quarters when all four are determined (else what is inside stays within)."""
    rows = Target.objects.filter(is_current=True, **owner_filter)
    by_metric = {}
    for target in rows:
        by_metric.setdefault(target.metric, {})[str(target.period)] = target.value
    for metric, values in by_metric.items():
        determined, lower = [], D(0)
        for quarter in Period.parse("2047").children():
            months = [str(m) for m in quarter.months() if str(m) in values]
            month_sum = sum((values[m] for m in months), D(0))
            if str(quarter) in values:
                if len(months) == 3:
                    assert month_sum == values[str(quarter)], (metric, quarter, values)
                else:
                    assert month_sum <= values[str(quarter)], (metric, quarter, values)
                determined.append(values[str(quarter)])
                lower += values[str(quarter)]
            else:
                determined.append(month_sum if len(months) == 3 else None)
                lower += month_sum
        if "2047" in values:
            if None not in determined:
                assert sum(determined) == values["2047"], (metric, values)
            else:
                assert lower <= values["2047"], (metric, values)


def _line(period_text, value, split_months, weights):
    line = {"metric": "sales_amount", "period": period_text, "value": f"{value:.2f}"}
    period = Period.parse(period_text)
    if split_months and period.kind in (YEAR, QUARTER):
        months = period.months()
        parts = allocate(value, [weights[(m.index - 1) % len(weights)] for m in months])
        line["months"] = {str(m): f"{p:.2f}" for m, p in zip(months, parts, strict=True)}
    return line


_lines = st.lists(
    st.tuples(
        st.sampled_from(["2047", *QUARTERS, *MONTHS]),
        st.integers(min_value=0, max_value=2000).map(lambda cents: D(cents) * 50 / 100),
        st.booleans(),
    ),
    min_size=1,
    max_size=3,
    unique_by=lambda line: line[0],
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    plans=st.lists(_lines, min_size=2, max_size=4),
    weights=st.lists(st.integers(min_value=1, max_value=5), min_size=3, max_size=3),
    order=st.randoms(use_true_random=False),
    staff_split=st.booleans(),
)
def test_period_levels_agree_after_every_approval(personas, units, plans, weights, order, staff_split):
    """Random plans of one district with year, quarter and month lines (some split across months, some
    to its two salespeople), submitted in turn and approved in a random order: after every approval,
    and every refusal, each current coarse target agrees with its current finer ones, to the cent."""
    center, director = personas["center"], personas["director"]
    n = next(_codes)
    district = org_unit_create(by=SYSTEM, kind="district", code=f"PC{n}", name=f"一致性地办{n}", parent=units["330000"])
    reps = [
        staff_hire(
            by=SYSTEM, employee_no=f"PC{n}E{k}", name=f"员{n}-{k}", unit=district, role=Role.SALES_REP, hire_date=date(2020, 1, 1)
        )
        for k in range(2)
    ]
    submitted = []
    for k, lines in enumerate(plans):
        rows = [_line(period, value, split, weights) for period, value, split in lines]
        if staff_split:
            for row in rows:
                first, second = allocate(D(row["value"]), [weights[0], weights[1]])
                row["children"] = {reps[0].pk: f"{first:.2f}", reps[1].pk: f"{second:.2f}"}
        plan = services.plan_create(kind="marketing", unit=district, period="2047", title=f"p{k}", by=center.user)
        services.plan_lines_save(plan=plan, by=center.user, targets=rows)
        problems = services.plan_check(plan=plan)
        if problems:
            assert all(p["level"] == "periods" for p in problems), problems
            with pytest.raises(PlanDoesNotAddUp):
                services.plan_submit(plan=plan, by=center.user)
            event("a plan refused at submission")
            continue
        submitted.append(services.plan_submit(plan=plan, by=center.user))
    order.shuffle(submitted)
    for request in submitted:
        try:
            while request.state == RequestState.SUBMITTED:
                request = approvals.request_approve(request=request, by=director.user)
            event("a plan approved")
        except Conflict as refusal:
            assert refusal.field == "targets"
            assert Plan.objects.get(pk=request.object_id).state == PlanState.SUBMITTED
            event("a plan refused at approval")
        _assert_consistent({"unit": district, "staff__isnull": True})
        for rep in reps:
            _assert_consistent({"staff": rep})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_conflicting_plans_approved_at_once_leave_one_standing():
    """Each plan agrees with what is approved; together they break the year. Approved at the same moment
    by two people, the owner's row lock makes the second check see the first's targets: one stands."""
    import threading

    from regions.models import OrgUnit
    from regions.services import load_default_organisation

    load_default_organisation(by=SYSTEM)  # transactional tests flush the database
    hq, district = OrgUnit.objects.get(code="HQ"), OrgUnit.objects.get(code="330100")
    directors = [
        staff_hire(
            by=SYSTEM,
            employee_no=f"D{n}",
            name=f"总监{n}",
            unit=hq,
            role=Role.DIRECTOR,
            hire_date=date(2020, 1, 1),
            username=f"d{n}",
        )
        for n in (1, 2)
    ]
    dm = staff_hire(
        by=SYSTEM,
        employee_no="M1",
        name="地办经理",
        unit=district,
        role=Role.DISTRICT_MANAGER,
        hire_date=date(2020, 1, 1),
        username="m1",
    )
    months = {f"2047-{m:02d}": "100.00" for m in range(1, 13)}
    q1 = {"2047-01": "200.00", "2047-02": "200.00", "2047-03": "200.00"}
    plans = [
        _plan(dm.user, district, [{"metric": "sales_amount", "period": "2047", "value": "1200.00", "months": months}]),
        _plan(dm.user, district, [{"metric": "sales_amount", "period": "2047-Q1", "value": "600.00", "months": q1}]),
    ]
    requests = []
    for plan in plans:
        request = services.plan_submit(plan=plan, by=dm.user)
        while request.steps.filter(state="pending").count() > 1:
            request = approvals.request_approve(request=request, by=directors[0].user)
        requests.append(request)
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(request, director):
        from approvals.models import ApprovalRequest

        try:
            barrier.wait()
            approvals.request_approve(request=ApprovalRequest.objects.get(pk=request.pk), by=director.user)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=pair) for pair in zip(requests, directors, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    _assert_consistent({"unit": district, "staff__isnull": True})
