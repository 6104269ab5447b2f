"""Two reviewers acting at once: the row lock and the state check let exactly one decision stand."""

import threading
from datetime import date

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
            employee_no=f"C{n}", name=f"审核{n}", unit=hq, role=Role.CENTER_STAFF, hire_date=date(2020, 1, 1), username=f"c{n}"
        )
        for n in (1, 2)
    ]
    manager = staff_hire(
        by=SYSTEM,
        employee_no="R1", name="大区经理", unit=region, role=Role.REGIONAL_MANAGER, hire_date=date(2020, 1, 1), username="r1"
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
