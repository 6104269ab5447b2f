"""The demo recruitment loads once through the services and the chain: approved requests with their vacancies
(days open as of the pinned today), candidates at every stage with interview notes, one hire in the staff
archive with its first position, a request waiting for the regional manager and a draft."""

from datetime import UTC, date, datetime

import time_machine

from approvals.choices import RequestState
from approvals.selectors import latest_request
from regions.demo import load_demo_company
from regions.models import StaffProfile
from team import selectors
from team.demo_recruit import load_demo_recruit
from team.models import Candidate, HeadcountRequest, Interview, Vacancy

TODAY = date(2026, 3, 16)


@time_machine.travel(datetime(2026, 3, 16, 4, 0, tzinfo=UTC), tick=False)
def test_demo_recruitment_loads_once(db):
    load_demo_company(reps_per_district=1)
    counts = load_demo_recruit(today=TODAY)
    assert counts == {"requests": 4, "vacancies": 3, "candidates": 6, "hired": 1}
    assert sorted(HeadcountRequest.objects.values_list("state", flat=True)) == ["approved", "approved", "draft", "submitted"]
    waiting = HeadcountRequest.objects.get(state="submitted")
    assert latest_request(waiting).state == RequestState.SUBMITTED
    assert latest_request(waiting).current_step.approver_role == "regional_manager"
    assert sorted(Candidate.objects.values_list("stage", flat=True)) == [
        "applied", "applied", "hired", "interviewed", "offered", "withdrawn",
    ]  # fmt: skip
    assert Interview.objects.count() == 5
    hired = StaffProfile.objects.get(employee_no="ZP26001")
    assert (hired.name, hired.unit.code, hired.role, hired.hire_date) == ("林晓峰", "330100", "sales_rep", date(2026, 3, 11))
    assert list(hired.positions.values_list("unit__code", "started_on")) == [("330100", date(2026, 3, 11))]
    filled = Vacancy.objects.get(state="filled")
    assert filled.filled_by == hired and filled.days_open() == 30
    hangzhou = hired.unit
    assert [age.days_open for age in selectors.vacancy_ages(hangzhou, TODAY)] == [35]
    assert load_demo_recruit(today=TODAY) == {"requests": 0, "vacancies": 0, "candidates": 0, "hired": 0}
