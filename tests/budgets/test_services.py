"""Budgets and spending through the services: versions, allocation that adds up exactly (a property),
spending within and beyond budget through the approval, budget vs actual against a hand computation,
and two expenses recorded at once on PostgreSQL."""

import threading
from datetime import date
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from approvals import services as approvals
from approvals.choices import ApprovalKind, RequestState
from approvals.models import ApprovalRequest
from approvals.subjects import subject_review
from budgets import selectors, services
from budgets.choices import AllocationTarget, ExpenseState
from budgets.models import Budget, Expense
from core.errors import Conflict, InvalidInput, Unprocessable
from core.periods import Period
from core.rights import SYSTEM, NotAllowed
from regions.models import OrgUnit

EAST_PROVINCES = ["310000", "320000", "330000", "340000", "350000", "360000", "370000"]


def _east(units, personas, amount="700000.00", period="2025", category="travel"):
    return services.budget_set(unit=units["HD"], period=period, category=category, amount=amount, by=personas["director"].user)


# --- setting ------------------------------------------------------------------------------------------
def test_budget_set_adds_versions_never_edits_in_place(units, personas):
    first = _east(units, personas, "1000.00")
    assert (first.version, first.is_current, first.starts_on, first.ends_on) == (1, True, date(2025, 1, 1), date(2025, 12, 31))
    assert _east(units, personas, "1000.00").pk == first.pk  # the same amount changes nothing
    second = _east(units, personas, "1500.00")
    first.refresh_from_db()
    assert (second.version, second.is_current, first.is_current, first.amount) == (2, True, False, D("1000.00"))
    assert Budget.objects.filter(unit=units["HD"], is_current=True).count() == 1


def test_database_holds_one_current_version_and_no_negative_amount(units, personas):
    budget = _east(units, personas)
    base = {
        "unit": units["HD"],
        "period": "2025",
        "category": "travel",
        "starts_on": date(2025, 1, 1),
        "ends_on": date(2025, 12, 31),
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Budget.objects.create(**base, amount=D("1"), version=budget.version + 1, is_current=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Budget.objects.create(**base, amount=D("-1"), version=9, is_current=False)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"period": "2025-13"}, "period"),
        ({"category": "yachts"}, "category"),
        ({"amount": "-1"}, "amount"),
        ({"amount": "1.001"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "1e20"}, "amount"),
        ({"unit": 10**12}, "unit"),
    ],
)
def test_budget_set_refuses_bad_input(units, personas, change, field):
    args = {"unit": units["330000"], "period": "2025", "category": "travel", "amount": "10", **change}
    with pytest.raises(InvalidInput) as caught:
        services.budget_set(**args, by=personas["rm_east"].user)
    assert caught.value.field == field


def test_who_may_set_a_budget(units, personas):
    args = {"period": "2025", "category": "travel", "amount": "10"}
    services.budget_set(unit=units["330000"], **args, by=personas["rm_east"].user)  # the level above: yes
    with pytest.raises(NotAllowed):  # one's own unit: the level above sets it
        services.budget_set(unit=units["330000"], **args, by=personas["pm_zhejiang"].user)
    with pytest.raises(NotAllowed):  # outside the scope
        services.budget_set(unit=units["440000"], **args, by=personas["rm_east"].user)
    with pytest.raises(NotAllowed):  # no right
        services.budget_set(unit=units["330100"], **args, by=personas["rep_hangzhou"].user)


# --- allocation ---------------------------------------------------------------------------------------
def test_allocate_to_provinces_by_shares_adds_up_and_points_at_the_parent(units, personas):
    budget = _east(units, personas, "1000.00")
    shares = {units[code].pk: 1 for code in EAST_PROVINCES}
    result = services.budget_allocate(budget=budget, to="units", method="shares", shares=shares, by=personas["rm_east"].user)
    amounts = [b.amount for b in result.budgets]
    assert sum(amounts) == D("1000.00")
    assert amounts == [D("142.86"), D("142.86"), D("142.86"), D("142.86"), D("142.86"), D("142.85"), D("142.85")]
    assert {b.parent_id for b in result.budgets} == {budget.pk}
    assert selectors.allocation_check(budget) == []


def test_manual_allocation_that_does_not_add_up_is_refused_saying_by_how_much_and_where(units, personas):
    budget = _east(units, personas, "1000.00")
    values = {units[code].pk: "100" for code in EAST_PROVINCES}
    with pytest.raises(InvalidInput) as caught:
        services.budget_allocate(budget=budget, to="units", method="manual", values=values, by=SYSTEM)
    assert caught.value.field == "values"
    message = str(caught.value.message)
    assert "700.00" in message and "1000.00" in message and "300.00" in message and "浙江" in message
    values[units["330000"].pk] = "400"
    result = services.budget_allocate(budget=budget, to="units", method="manual", values=values, by=SYSTEM)
    assert sum(b.amount for b in result.budgets) == D("1000.00")


def test_allocation_refuses_unknown_and_missing_children(units, personas):
    budget = _east(units, personas)
    with pytest.raises(InvalidInput) as caught:
        services.budget_allocate(budget=budget, to="units", method="shares", shares={units["330000"].pk: 1}, by=SYSTEM)
    assert caught.value.field == "shares" and "上海市" in str(caught.value.message)  # names the missing ones
    with pytest.raises(InvalidInput) as caught:
        shares = {units[code].pk: 1 for code in EAST_PROVINCES} | {units["440000"].pk: 1}
        services.budget_allocate(budget=budget, to="units", method="shares", shares=shares, by=SYSTEM)
    assert str(units["440000"].pk) in str(caught.value.message)
    with pytest.raises(InvalidInput) as caught:
        services.budget_allocate(
            budget=budget, to="units", method="shares", shares={units[c].pk: 0 for c in EAST_PROVINCES}, by=SYSTEM
        )
    assert caught.value.field == "shares"
    district = services.budget_set(unit=units["330100"], period="2025", category="travel", amount="10", by=SYSTEM)
    with pytest.raises(Unprocessable):
        services.budget_allocate(budget=district, to="units", method="equal", by=SYSTEM)
    month = services.budget_set(unit=units["330100"], period="2025-03", category="travel", amount="10", by=SYSTEM)
    with pytest.raises(InvalidInput) as caught:
        services.budget_allocate(budget=month, to="months", method="equal", by=SYSTEM)
    assert caught.value.field == "to"


def test_allocate_to_months_and_quarters_and_the_check_finds_a_changed_child(units, personas):
    budget = services.budget_set(unit=units["330000"], period="2025", category="office", amount="1200.05", by=SYSTEM)
    months = services.budget_allocate(budget=budget, to="months", method="equal", by=SYSTEM)
    assert [str(b.period) for b in months.budgets] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert sum(b.amount for b in months.budgets) == D("1200.05")
    quarters = services.budget_allocate(
        budget=budget, to="quarters", method="shares", shares={"1": 1, "2": 2, "3": 3, "4": 4}, by=SYSTEM
    )
    assert [b.amount for b in quarters.budgets] == [
        D("120.01"),
        D("240.01"),
        D("360.01"),
        D("480.02"),
    ]  # 0.5-cent tie: the earlier quarter
    assert selectors.allocation_check(budget) == []
    services.budget_set(unit=units["330000"], period="2025-07", category="office", amount="0", by=SYSTEM)
    [problem] = selectors.allocation_check(budget)
    assert problem["level"] == AllocationTarget.MONTHS and problem["difference"] == -months.budgets[6].amount


def test_allocating_a_superseded_budget_is_a_conflict(units, personas):
    old = _east(units, personas, "10")
    _east(units, personas, "20")
    with pytest.raises(Conflict):
        services.budget_allocate(budget=old, to="months", method="equal", by=SYSTEM)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    amount=st.integers(min_value=0, max_value=10**15),
    weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=7, max_size=7).filter(any),
    months=st.lists(st.integers(min_value=0, max_value=1000), min_size=12, max_size=12).filter(any),
)
def test_allocation_always_sums_exactly_to_the_parent(units, personas, amount, weights, months):
    total = D(amount).scaleb(-2)
    budget = services.budget_set(unit=units["HD"], period="2024", category="marketing", amount=total, by=SYSTEM)
    shares = {units[code].pk: w for code, w in zip(EAST_PROVINCES, weights, strict=True)}
    children = services.budget_allocate(budget=budget, to="units", method="shares", shares=shares, by=SYSTEM).budgets
    assert sum(b.amount for b in children) == total
    for child, weight in zip(children, weights, strict=True):
        exact = total * weight / sum(weights)
        assert abs(child.amount - exact) < D("0.01")
    by_month = services.budget_allocate(
        budget=budget, to="months", method="shares", shares=dict(enumerate(months, 1)), by=SYSTEM
    ).budgets
    assert sum(b.amount for b in by_month) == total
    assert selectors.allocation_check(budget) == []


# --- spending -----------------------------------------------------------------------------------------
def _province_budget(units, personas, amount="1000.00", period="2025-03"):
    return services.budget_set(unit=units["330000"], period=period, category="travel", amount=amount, by=personas["rm_east"].user)


def _spend(personas, amount, *, who="pm_zhejiang", day=date(2025, 3, 10), unit=None, category="travel"):
    return services.expense_record(unit=unit, category=category, spent_on=day, amount=amount, by=personas[who].user)


def test_within_budget_is_recorded_beyond_it_waits_for_approval_and_counts_once_approved(units, personas):
    budget = _province_budget(units, personas)
    first = _spend(personas, "600.00")
    assert (first.state, first.budget_id, first.approval_request_id) == (ExpenseState.RECORDED, budget.pk, None)
    second = _spend(personas, "400.00")  # exactly up to the budget is still within it
    assert second.state == ExpenseState.RECORDED
    third = _spend(personas, "0.01")
    assert third.state == ExpenseState.PENDING
    request = third.approval_request
    assert (request.kind, request.state, request.amount, request.unit_id) == (
        ApprovalKind.EXPENSE_OVER_BUDGET,
        RequestState.SUBMITTED,
        D("0.01"),
        units["330000"].pk,
    )
    # The manager one level up (the regional manager) decides.
    assert request.current_step.approver_id == personas["rm_east"].staff.pk
    assert selectors.spent_against(budget) == D("1000.00")
    snapshot = request.snapshot
    assert D(str(snapshot["excess"])) == D("0.01") and D(str(snapshot["spent"])) == D("1000.00")

    approvals.request_approve(request=request, by=personas["rm_east"].user)
    third.refresh_from_db()
    assert third.state == ExpenseState.APPROVED
    assert selectors.spent_against(budget) == D("1000.01")


def test_rejected_and_returned_expenses_do_not_count_and_a_returned_one_can_come_back(units, personas):
    budget = _province_budget(units, personas, amount="100.00")
    big = _spend(personas, "150.00")
    approvals.request_reject(request=big.approval_request, by=personas["rm_east"].user, comment="太贵")
    big.refresh_from_db()
    assert big.state == ExpenseState.REJECTED
    assert selectors.spent_against(budget) == D("0.00")

    other = _spend(personas, "120.00")
    approvals.request_return(request=other.approval_request, by=personas["rm_east"].user, comment="拆分")
    other.refresh_from_db()
    assert other.state == ExpenseState.RETURNED and selectors.spent_against(budget) == D("0.00")
    # Corrected to fit the budget, it is simply recorded.
    other = services.expense_resubmit(expense=other, by=personas["pm_zhejiang"].user, amount="90.00")
    assert other.state == ExpenseState.RECORDED and selectors.spent_against(budget) == D("90.00")
    with pytest.raises(Conflict):
        services.expense_cancel(expense=big, by=personas["pm_zhejiang"].user)


def test_no_budget_means_approval_and_the_smallest_period_applies(units, personas):
    expense = _spend(personas, "1.00", category="office")
    assert expense.state == ExpenseState.PENDING and expense.budget is None
    year = services.budget_set(unit=units["330000"], period="2025", category="office", amount="1000", by=SYSTEM)
    quarter = services.budget_set(unit=units["330000"], period="2025-Q1", category="office", amount="10", by=SYSTEM)
    assert services.applicable_budget(unit=units["330000"], category="office", day=date(2025, 2, 1)) == quarter
    assert services.applicable_budget(unit=units["330000"], category="office", day=date(2025, 5, 1)) == year
    month = services.budget_set(unit=units["330000"], period="2025-02", category="office", amount="5", by=SYSTEM)
    assert services.applicable_budget(unit=units["330000"], category="office", day=date(2025, 2, 1)) == month
    assert _spend(personas, "5.00", category="office", day=date(2025, 2, 3)).state == ExpenseState.RECORDED
    assert _spend(personas, "6.00", category="office", day=date(2025, 2, 4)).state == ExpenseState.PENDING


def test_spending_below_counts_against_the_unit_above(units, personas):
    budget = _province_budget(units, personas, amount="100.00")
    services.budget_set(unit=units["330100"], period="2025-03", category="travel", amount="80.00", by=personas["rm_east"].user)
    assert _spend(personas, "80.00", who="rep_hangzhou").state == ExpenseState.RECORDED  # against 杭州's own budget
    assert selectors.spent_against(budget) == D("80.00")
    assert _spend(personas, "30.00").state == ExpenseState.PENDING  # 浙江: 80 + 30 > 100


def test_a_sales_rep_records_for_their_own_district_and_their_manager_decides(units, personas):
    expense = _spend(personas, "50.00", who="rep_hangzhou")
    assert expense.unit == units["330100"] and expense.recorded_by == personas["rep_hangzhou"].staff
    assert expense.approval_request.current_step.approver_id == personas["dm_hangzhou"].staff.pk
    with pytest.raises(NotAllowed):
        _spend(personas, "1.00", who="rep_hangzhou", unit=units["330000"])
    with pytest.raises(NotAllowed):
        _spend(personas, "1.00", who="dm_hangzhou", unit=units["440100"])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "0.001"}, "amount"),
        ({"category": "x"}, "category"),
        ({"spent_on": date(2999, 1, 1)}, "spent_on"),
        ({"spent_on": None}, "spent_on"),
        ({"description": "x" * 501}, "description"),
    ],
)
def test_expense_record_refuses_bad_input_and_writes_nothing(units, personas, change, field):
    args = {"category": "travel", "spent_on": date(2025, 3, 1), "amount": "1.00", "description": "", **change}
    with pytest.raises(InvalidInput) as caught:
        services.expense_record(**args, by=personas["pm_zhejiang"].user)
    assert caught.value.field == field
    assert not Expense.objects.exists()


def test_cancel_stops_counting_and_a_pending_one_is_withdrawn(units, personas):
    budget = _province_budget(units, personas, amount="100.00")
    recorded = _spend(personas, "60.00")
    services.expense_cancel(expense=recorded, by=personas["rm_east"].user)  # a manager above may
    recorded.refresh_from_db()
    assert recorded.state == ExpenseState.CANCELLED and selectors.spent_against(budget) == D("0.00")
    pending = _spend(personas, "160.00")
    with pytest.raises(NotAllowed):  # only the submitter withdraws an approval request
        services.expense_cancel(expense=pending, by=personas["rm_east"].user)
    services.expense_cancel(expense=pending, by=personas["pm_zhejiang"].user)
    pending.refresh_from_db()
    assert pending.state == ExpenseState.CANCELLED
    assert ApprovalRequest.objects.get(pk=pending.approval_request_id).state == RequestState.WITHDRAWN
    with pytest.raises(Conflict):
        services.expense_cancel(expense=pending, by=personas["pm_zhejiang"].user)
    with pytest.raises(NotAllowed):
        services.expense_cancel(expense=_spend(personas, "1.00"), by=personas["pm_guangdong"].user)


# --- budget vs actual ---------------------------------------------------------------------------------
def test_budget_vs_actual_against_a_hand_computation(units, personas):
    services.budget_set(unit=units["330000"], period="2025-Q1", category="travel", amount="1000.00", by=SYSTEM)
    services.budget_set(unit=units["330000"], period="2025-Q1", category="office", amount="300.00", by=SYSTEM)
    services.budget_set(unit=units["330100"], period="2025-Q1", category="travel", amount="500.00", by=SYSTEM)
    services.budget_set(unit=units["330000"], period="2025-Q1", category="meetings", amount="0.00", by=SYSTEM)
    q1 = date(2025, 2, 1)
    _spend(personas, "200.50", day=q1)  # 浙江 travel: recorded
    _spend(personas, "99.50", who="rep_hangzhou", day=date(2025, 3, 31))  # 杭州 travel (in the subtree): recorded
    _spend(personas, "150.00", category="office", day=q1)  # office: recorded
    pending = _spend(personas, "170.00", category="office", day=q1)  # 150 + 170 > 300: pending
    rejected = _spend(personas, "999.00", category="entertainment", day=q1)  # no budget: pending, then rejected
    approvals.request_reject(request=rejected.approval_request, by=personas["rm_east"].user, comment="否")
    approved = _spend(personas, "40.00", category="meetings", day=q1)
    approvals.request_approve(request=approved.approval_request, by=personas["rm_east"].user)
    _spend(personas, "77.00", day=date(2025, 4, 1))  # Q2: outside the period
    _spend(personas, "66.00", who="dm_guangzhou", day=q1)  # 广州: outside the subtree
    assert pending.state == ExpenseState.PENDING

    report = selectors.budget_vs_actual(unit=units["330000"], period="2025-Q1")
    rows = {row["category"]: row for row in report["rows"]}
    assert (rows["travel"]["budget"], rows["travel"]["spent"], rows["travel"]["remaining"], rows["travel"]["used_percent"]) == (
        D("1000.00"),
        D("300.00"),
        D("700.00"),
        D("30.0"),
    )
    assert (rows["office"]["spent"], rows["office"]["pending"], rows["office"]["used_percent"]) == (
        D("150.00"),
        D("170.00"),
        D("50.0"),
    )
    assert (rows["entertainment"]["budget"], rows["entertainment"]["spent"], rows["entertainment"]["remaining"]) == (
        None,
        D("0.00"),
        None,
    )
    assert (rows["meetings"]["spent"], rows["meetings"]["remaining"], rows["meetings"]["used_percent"]) == (
        D("40.00"),
        D("-40.00"),
        None,
    )
    total = report["total"]
    assert total["budget"] == D("1300.00") and total["spent"] == D("490.00") and total["pending"] == D("170.00")
    assert total["remaining"] == D("810.00") and total["used_percent"] == D("37.7")
    assert sum(row["spent"] for row in report["rows"]) == total["spent"]
    # The district on its own: its travel only.
    district = {
        row["category"]: row for row in selectors.budget_vs_actual(unit=units["330100"], period=Period.parse("2025-Q1"))["rows"]
    }
    assert district["travel"]["budget"] == D("500.00") and district["travel"]["spent"] == D("99.50")
    # The list annotation agrees with the report.
    annotated = selectors.with_spending(Budget.objects.filter(unit=units["330000"], period="2025-Q1", category="travel")).get()
    assert annotated.spent == D("300.00") and annotated.pending == D("0.00")


def test_expense_review_for_the_approval_screen(units, personas):
    _province_budget(units, personas, amount="100.00")
    _spend(personas, "70.00")
    expense = _spend(personas, "50.00")
    template, context = subject_review(expense, expense.approval_request)
    assert template == "budgets/_expense_review.html"
    assert (context["spent"], context["this"], context["excess"], context["remaining"]) == (
        D("70.00"),
        D("50.00"),
        D("20.00"),
        D("30.00"),
    )
    assert context["expense"] == expense and expense.get_absolute_url() == f"/budgets/expenses/{expense.pk}/"
    from django.template.loader import render_to_string

    html = render_to_string(template, context)
    assert "20.00" in html


# --- two at once (PostgreSQL) -------------------------------------------------------------------------
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_expenses_at_once_cannot_both_slip_under_the_budget():
    from core.roles import Role
    from regions.services import load_default_organisation, staff_hire

    load_default_organisation(by=SYSTEM)  # transactional tests flush the database
    region, province = OrgUnit.objects.get(code="HD"), OrgUnit.objects.get(code="330000")
    staff_hire(
        by=SYSTEM,
        employee_no="R1",
        name="大区经理",
        unit=region,
        role=Role.REGIONAL_MANAGER,
        hire_date=date(2020, 1, 1),
        username="r1",
    )
    people = [
        staff_hire(
            by=SYSTEM,
            employee_no=f"P{n}",
            name=f"省经理{n}",
            unit=province,
            role=Role.PROVINCIAL_MANAGER,
            hire_date=date(2020, 1, 1),
            username=f"p{n}",
        )
        for n in (1, 2)
    ]
    budget = services.budget_set(unit=province, period="2025-03", category="travel", amount="100.00", by=SYSTEM)
    barrier = threading.Barrier(2)
    states, errors = [], []

    def record(person):
        try:
            barrier.wait()
            expense = services.expense_record(category="travel", spent_on=date(2025, 3, 5), amount="60.00", by=person.user)
            states.append(expense.state)
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(states) == [ExpenseState.PENDING, ExpenseState.RECORDED]
    assert selectors.spent_against(budget) == D("60.00")
