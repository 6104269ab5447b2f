"""Two reviewers acting at once: the row lock and the state check let exactly one decision stand."""

import threading
from datetime import date
from functools import partial

import pytest
from django.db import connection

from approvals import services
from approvals.choices import ApprovalKind, EventAction, RequestState
from approvals.models import ApprovalEvent, ApprovalRequest
from core.errors import Conflict
from core.rights import SYSTEM
from core.roles import Role


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_at_once_make_one_decision():
    from regions.models import OrgUnit
    from regions.services import load_default_organisation, staff_hire

    load_default_organisation(by=SYSTEM)  # transactional tests flush the database
    hq, region = OrgUnit.objects.get(code="HQ"), OrgUnit.objects.get(code="HD")
    people = [
        staff_hire(
            by=SYSTEM,
            employee_no=f"C{n}",
            name=f"审核{n}",
            unit=hq,
            role=Role.CENTER_STAFF,
            hire_date=date(2020, 1, 1),
            username=f"c{n}",
        )
        for n in (1, 2)
    ]
    manager = staff_hire(
        by=SYSTEM,
        employee_no="R1",
        name="大区经理",
        unit=region,
        role=Role.REGIONAL_MANAGER,
        hire_date=date(2020, 1, 1),
        username="r1",
    )
    request = services.request_submit(
        subject=region, kind=ApprovalKind.PLAN_MARKETING, unit=region, title="华东营销计划", snapshot={}, by=manager.user
    )
    assert request.steps.count() == 1
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(staff):
        try:
            barrier.wait()
            services.request_approve(request=ApprovalRequest.objects.get(pk=request.pk), by=staff.user)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()  # each thread has its own connection; leave none open

    threads = [threading.Thread(target=approve, args=(staff,)) for staff in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED
    assert ApprovalEvent.objects.filter(request=request, action=EventAction.APPROVE).count() == 1


def race(*actions):
    """Run the actions at the same moment, each in its own thread and connection; returns the errors other
    than a Conflict (the 409 of whoever came second), e.g. a deadlock."""
    barrier = threading.Barrier(len(actions))
    errors = []

    def run(action):
        try:
            barrier.wait()
            action()
        except Conflict:
            pass
        except Exception as error:  # noqa: BLE001 (reported by the caller)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_decision_and_the_subjects_own_service_at_once_agree_and_never_deadlock():
    """The subject's row is locked before the request's by both sides: a decision (approvals) and the subject's
    own service that withdraws (budgets.expense_cancel locks the expense, then withdraws its request). In the
    other order the two could wait for each other; here one goes first and the other sees its result."""
    from budgets import services as budgets
    from budgets.choices import ExpenseState
    from budgets.models import Expense
    from regions.models import OrgUnit
    from regions.services import load_default_organisation, staff_hire

    load_default_organisation(by=SYSTEM)  # transactional tests flush the database
    region, province = OrgUnit.objects.get(code="HD"), OrgUnit.objects.get(code="330000")
    manager = staff_hire(
        by=SYSTEM,
        employee_no="R1",
        name="大区经理",
        unit=region,
        role=Role.REGIONAL_MANAGER,
        hire_date=date(2020, 1, 1),
        username="r1",
    )
    recorder = staff_hire(
        by=SYSTEM,
        employee_no="P1",
        name="省经理",
        unit=province,
        role=Role.PROVINCIAL_MANAGER,
        hire_date=date(2020, 1, 1),
        username="p1",
    )

    def approve(request_id):
        services.request_approve(request=ApprovalRequest.objects.get(pk=request_id), by=manager.user)

    def cancel(expense_id):
        budgets.expense_cancel(expense=Expense.objects.get(pk=expense_id), by=recorder.user)

    for _round in range(4):
        expense = budgets.expense_record(category="travel", spent_on=date(2025, 3, 5), amount="60.00", by=recorder.user)
        assert expense.state == ExpenseState.PENDING  # no budget: beyond it, waiting for the regional manager
        errors = race(partial(approve, expense.approval_request_id), partial(cancel, expense.pk))
        assert errors == []
        expense.refresh_from_db()
        request = ApprovalRequest.objects.get(pk=expense.approval_request_id)
        # Approved first (then cancelled as an approved expense), or withdrawn first (the approval refused).
        assert (request.state, expense.state) in {
            (RequestState.APPROVED, ExpenseState.CANCELLED),
            (RequestState.WITHDRAWN, ExpenseState.CANCELLED),
        }
