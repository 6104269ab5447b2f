"""Headcount and recruitment (招聘, issue 19): a request through the approval chain, a vacancy per approved seat,
candidates through their stages with interview notes, and the hire through regions' staff_hire — the staff
archive, the position history and the audit trail show it, the vacancy is filled, and the new person's scope is
their unit's at once. Bad input is refused on its field with nothing written."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from approvals.choices import ApprovalKind, RequestState
from approvals.selectors import latest_request
from approvals.services import request_approve, request_reject
from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM, NotAllowed
from regions.models import Position, StaffProfile
from team import services
from team.models import Candidate, CandidateStage, HeadcountRequest, HeadcountState, Interview, Vacancy, VacancyState

DECIDERS = {
    "regional_manager": "rm_east",
    "regional_manager/HN": "rm_south",
    "center_staff": "center",
    "director": "director",
    "provincial_manager": "pm_zhejiang",
}
TABLES = (HeadcountRequest, Vacancy, Candidate, Interview, StaffProfile, Position)
TODAY = date(2026, 11, 16)


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(datetime(2026, 11, 16, 4, 0, tzinfo=UTC), tick=False):
        yield


def counts():
    return {model.__name__: model.objects.count() for model in TABLES}


def approve(personas, subject):
    request = latest_request(subject)
    while request.state == RequestState.SUBMITTED:
        step = request.current_step
        key = step.approver_role if step.approver_unit.code != "HN" else f"{step.approver_role}/HN"
        request_approve(request=request, by=personas[DECIDERS[key]].user, comment="同意")
        request.refresh_from_db()
    subject.refresh_from_db()


def approved_vacancy(units, personas, headcount=1, unit="330100", role="sales_rep"):
    by = personas["dm_hangzhou" if unit == "330100" else "dm_guangzhou"].user
    request = services.headcount_request_create(
        by=by,
        unit=units[unit],
        role=role,
        headcount=headcount,
        reason="业务扩张，新增客户经理",
    )
    services.headcount_request_submit(by=by, request=request)
    approve(personas, request)
    return request


def offered(vacancy, by, name="林晓峰"):
    candidate = services.candidate_record(by=by, vacancy=vacancy, name=name, phone="13900001111", applied_on=date(2026, 11, 2))
    services.interview_record(by=by, candidate=candidate, held_on=date(2026, 11, 9), assessment="recommend", notes="沟通能力强")
    return services.candidate_move(by=by, candidate=candidate, stage="offered")


# --- the flow ------------------------------------------------------------------------------------------------
def test_request_approve_vacancy_candidate_hire(units, personas):
    dm, pm = personas["dm_hangzhou"].user, personas["pm_zhejiang"].user
    request = services.headcount_request_create(
        by=dm, unit=units["330100"], role="sales_rep", headcount=2, reason="新开拓余杭片区", title="客户经理"
    )
    assert request.state == HeadcountState.DRAFT and request.requested_by == personas["dm_hangzhou"].staff
    approval = services.headcount_request_submit(by=dm, request=request)
    assert approval.kind == ApprovalKind.HEADCOUNT_REQUEST
    # The chain from the tree: the region's manager, then the center's pool.
    assert [step.approver_role for step in approval.steps.order_by("order")] == ["regional_manager", "center_staff"]
    assert approval.snapshot["headcount"] == 2 and approval.snapshot["in_post"] == 2  # the two reps of the personas
    assert not Vacancy.objects.exists()
    approve(personas, request)
    assert request.state == HeadcountState.APPROVED and request.approved_at is not None
    vacancies = list(request.vacancies.order_by("id"))
    assert len(vacancies) == 2
    assert {(v.unit_id, v.role, v.state, v.opened_on, v.title) for v in vacancies} == {
        (units["330100"].pk, "sales_rep", VacancyState.OPEN, TODAY, "客户经理")
    }

    vacancy = vacancies[0]
    candidate = services.candidate_record(by=dm, vacancy=vacancy, name="林晓峰", email="lin@example.com", applied_on="2026-11-02")
    assert candidate.stage == CandidateStage.APPLIED
    interview = services.interview_record(
        by=dm, candidate=candidate, held_on=date(2026, 11, 9), assessment="strong", notes="熟悉本地银行客户"
    )
    candidate.refresh_from_db()
    assert candidate.stage == CandidateStage.INTERVIEWED
    assert (interview.interviewer, interview.held_on, interview.assessment) == (
        personas["dm_hangzhou"].staff,
        date(2026, 11, 9),
        "strong",
    )
    services.candidate_move(by=dm, candidate=candidate, stage="offered")
    # A district manager takes a candidate to the offer; hiring into the staff archive is the province's (staff.hire).
    with pytest.raises(NotAllowed):
        services.candidate_hire(by=dm, candidate=candidate, employee_no="HZ-2026-01", hire_date="2026-11-16")
    staff = services.candidate_hire(
        by=pm, candidate=candidate, employee_no="HZ-2026-01", hire_date="2026-11-16", username="linxf", password="a-long-pass-1"
    )
    assert (staff.name, staff.unit, staff.role, staff.title, staff.hire_date, staff.email) == (
        "林晓峰",
        units["330100"],
        "sales_rep",
        "客户经理",
        TODAY,
        "lin@example.com",
    )
    # Position history: the first position, at the vacancy's unit and role, from the hire date.
    assert list(staff.positions.values_list("unit__code", "role", "started_on", "ended_on")) == [
        ("330100", "sales_rep", TODAY, None)
    ]
    # Audit trail: the profile's creation is in its history.
    assert staff.history.filter(history_type="+").count() == 1
    vacancy.refresh_from_db()
    candidate.refresh_from_db()
    assert (vacancy.state, vacancy.filled_by, vacancy.closed_on, vacancy.days_open()) == (VacancyState.FILLED, staff, TODAY, 0)
    assert (candidate.stage, candidate.staff) == (CandidateStage.HIRED, staff)
    assert staff.user is not None and staff.user.check_password("a-long-pass-1")
    vacancies[1].refresh_from_db()
    assert vacancies[1].state == VacancyState.OPEN


def test_hired_person_is_in_the_staff_archive_and_their_scope_follows_their_unit_through_the_api(units, personas):
    request = approved_vacancy(units, personas)
    vacancy = request.vacancies.get()
    candidate = offered(vacancy, personas["dm_hangzhou"].user)
    response = (
        personas["pm_zhejiang"]
        .api()
        .post(
            reverse("team-candidate-hire", kwargs={"pk": candidate.pk}),
            {"employee_no": "HZ-2026-07", "hire_date": "2026-11-16", "username": "wangfang", "password": "a-long-pass-1"},
            format="json",
        )
    )
    assert response.status_code == 200, response.content
    staff = StaffProfile.objects.get(employee_no="HZ-2026-07")
    assert response.json()["staff"] == staff.pk and response.json()["stage"] == "hired"
    # The staff archive shows the person and their position history to their managers.
    page = personas["dm_hangzhou"].web().get(reverse("regions:staff_detail", kwargs={"pk": staff.pk}))
    assert page.status_code == 200 and "HZ-2026-07" in page.content.decode()
    # The new person's scope is their own records in their district, at once: their own profile, not a colleague's.
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(staff.user)
    assert client.get(reverse("staff-detail", kwargs={"pk": staff.pk})).status_code == 200
    assert client.get(reverse("staff-detail", kwargs={"pk": personas["rep_hangzhou"].staff.pk})).status_code == 404
    assert client.get(reverse("orgunit-detail", kwargs={"pk": units["330100"].pk})).status_code == 200
    assert client.get(reverse("orgunit-detail", kwargs={"pk": units["440100"].pk})).status_code == 404
    # …and recruitment is not theirs to read.
    assert client.get(reverse("team-candidate-detail", kwargs={"pk": candidate.pk})).status_code == 404


def test_a_returned_request_is_changed_and_submitted_again_a_rejected_one_opens_nothing(units, personas):
    dm = personas["dm_hangzhou"].user
    request = services.headcount_request_create(by=dm, unit=units["330100"], role="sales_rep", headcount=3, reason="扩张")
    services.headcount_request_submit(by=dm, request=request)
    request_reject(request=latest_request(request), by=personas["rm_east"].user, comment="预算不足")
    request.refresh_from_db()
    assert request.state == HeadcountState.REJECTED and not request.vacancies.exists()
    with pytest.raises(Conflict):
        services.headcount_request_update(by=dm, request=request, role="sales_rep", headcount=1, reason="再议")


def test_withdraw_a_submitted_request(units, personas):
    dm = personas["dm_hangzhou"].user
    request = services.headcount_request_create(by=dm, unit=units["330100"], role="sales_rep", headcount=1, reason="补员")
    services.headcount_request_submit(by=dm, request=request)
    services.headcount_request_withdraw(by=dm, request=request)
    request.refresh_from_db()
    assert request.state == HeadcountState.WITHDRAWN
    services.headcount_request_update(by=dm, request=request, role="sales_rep", headcount=2, reason="补员两人")
    request.refresh_from_db()
    assert request.headcount == 2


def test_a_cancelled_vacancy_keeps_its_days_open(units, personas):
    request = approved_vacancy(units, personas)
    vacancy = request.vacancies.get()
    with time_machine.travel(datetime(2026, 12, 1, 4, 0, tzinfo=UTC), tick=False):
        services.vacancy_cancel(by=personas["dm_hangzhou"].user, vacancy=vacancy, reason="片区合并")
    vacancy.refresh_from_db()
    assert (vacancy.state, vacancy.closed_on, vacancy.days_open(today=date(2027, 1, 1))) == (
        VacancyState.CANCELLED,
        date(2026, 12, 1),
        15,
    )


# --- bad input: refused on its field, nothing written --------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"headcount": 0}, "headcount"),
        ({"headcount": -2}, "headcount"),
        ({"headcount": 5000}, "headcount"),
        ({"headcount": "2.5"}, "headcount"),
        ({"headcount": True}, "headcount"),
        ({"role": "provincial_manager"}, "role"),  # a provincial manager cannot sit in a district office
        ({"role": "director"}, "role"),
        ({"role": "king"}, "role"),
        ({"reason": "  "}, "reason"),
        ({"needed_by": "2026-01-01"}, "needed_by"),
        ({"needed_by": "not a day"}, "needed_by"),
        ({"unit": 10**12}, "unit"),
    ],
)
def test_bad_headcount_requests_are_refused(units, personas, english, changes, field):
    values = {"unit": units["330100"], "role": "sales_rep", "headcount": 2, "reason": "扩张"} | changes
    before = counts()
    with pytest.raises(InvalidInput) as error:
        services.headcount_request_create(by=personas["dm_hangzhou"].user, **values)
    assert error.value.field == field and str(error.value.message)
    assert counts() == before


def test_a_role_that_cannot_sit_at_the_unit_level_says_why(units, personas, english):
    with pytest.raises(InvalidInput) as error:
        services.headcount_request_create(
            by=personas["pm_zhejiang"].user, unit=units["330000"], role="sales_rep", headcount=1, reason="x"
        )
    assert error.value.field == "role"
    assert "belongs in a District office" in str(error.value.message) or "belongs in a" in str(error.value.message)


def test_outside_the_scope_and_without_the_right(units, personas):
    before = counts()
    with pytest.raises(InvalidInput) as error:  # a unit outside the scope is like no unit
        services.headcount_request_create(
            by=personas["dm_hangzhou"].user, unit=units["440100"].pk, role="sales_rep", headcount=1, reason="x"
        )
    assert error.value.field == "unit"
    with pytest.raises(InvalidInput) as error:  # the same when the unit comes as an object
        services.headcount_request_create(
            by=personas["dm_hangzhou"].user, unit=units["440100"], role="sales_rep", headcount=1, reason="x"
        )
    assert error.value.field == "unit"
    with pytest.raises(NotAllowed):
        services.headcount_request_create(
            by=personas["rep_hangzhou"].user, unit=units["330100"], role="sales_rep", headcount=1, reason="x"
        )
    assert counts() == before


def test_hiring_without_an_approved_open_vacancy_is_refused(units, personas, english):
    request = approved_vacancy(units, personas, headcount=2)
    first, second = request.vacancies.order_by("id")
    dm, pm = personas["dm_hangzhou"].user, personas["pm_zhejiang"].user
    candidate = offered(first, dm)
    services.vacancy_cancel(by=dm, vacancy=first, reason="岗位调整")
    before = counts()
    with pytest.raises(InvalidInput) as error:
        services.candidate_hire(by=pm, candidate=candidate, employee_no="HZ-9", hire_date="2026-11-16")
    assert error.value.field == "vacancy" and "no approved open vacancy" in str(error.value.message)
    assert counts() == before
    # A vacancy of another unit outside the hirer's scope is like none.
    other = approved_vacancy(units, personas, unit="440100").vacancies.get()
    before = counts()
    with pytest.raises(InvalidInput) as error:
        services.candidate_hire(by=pm, candidate=candidate, employee_no="HZ-9", hire_date="2026-11-16", vacancy=other.pk)
    assert error.value.field == "vacancy"
    assert counts() == before
    # Into the other open seat of the approved request: hired, and that seat is filled.
    staff = services.candidate_hire(by=pm, candidate=candidate, employee_no="HZ-9", hire_date="2026-11-16", vacancy=second.pk)
    second.refresh_from_db()
    assert second.filled_by == staff and second.state == VacancyState.FILLED


@pytest.mark.parametrize(
    ("changes", "field", "error_class"),
    [
        ({"hire_date": "2026-12-01"}, "hire_date", InvalidInput),  # in the future
        ({"hire_date": "2026-11-01"}, "hire_date", InvalidInput),  # before the vacancy opened
        ({"employee_no": ""}, "employee_no", InvalidInput),
        ({"employee_no": "T0001"}, "employee_no", Conflict),  # a persona's number: regions' staff_hire refuses it
        ({"username": "dm_hangzhou", "password": "a-long-pass-1"}, "username", Conflict),
        ({"username": "newlogin", "password": "short"}, "password", InvalidInput),
    ],
)
def test_bad_hires_are_refused_with_nothing_written(units, personas, english, changes, field, error_class):
    vacancy = approved_vacancy(units, personas).vacancies.get()
    candidate = offered(vacancy, personas["dm_hangzhou"].user)
    before = counts()
    values = {"employee_no": "HZ-2026-02", "hire_date": "2026-11-16"} | changes
    with pytest.raises(error_class) as error:
        services.candidate_hire(by=personas["pm_zhejiang"].user, candidate=candidate, **values)
    assert error.value.field == field
    assert counts() == before
    candidate.refresh_from_db()
    vacancy.refresh_from_db()
    assert candidate.stage == CandidateStage.OFFERED and vacancy.state == VacancyState.OPEN


def test_stage_moves_that_are_not_allowed(units, personas, english):
    vacancy = approved_vacancy(units, personas).vacancies.get()
    dm, pm = personas["dm_hangzhou"].user, personas["pm_zhejiang"].user
    candidate = services.candidate_record(by=dm, vacancy=vacancy, name="赵敏")
    before = counts()
    with pytest.raises(Conflict) as error:  # straight to an offer, skipping the interview
        services.candidate_move(by=dm, candidate=candidate, stage="offered")
    assert error.value.field == "stage" and "cannot move from Applied to Offered" in str(error.value.message)
    with pytest.raises(Conflict) as error:  # interviewed without an interview
        services.candidate_move(by=dm, candidate=candidate, stage="interviewed")
    assert error.value.field == "stage"
    with pytest.raises(InvalidInput) as error:  # hired by a stage move, bypassing the staff archive
        services.candidate_move(by=dm, candidate=candidate, stage="hired")
    assert error.value.field == "stage"
    with pytest.raises(Conflict) as error:  # hired before an offer
        services.candidate_hire(by=pm, candidate=candidate, employee_no="X1", hire_date="2026-11-16")
    assert error.value.field == "stage"
    with pytest.raises(InvalidInput) as error:
        services.candidate_move(by=dm, candidate=candidate, stage="promoted")
    assert error.value.field == "stage"
    assert counts() == before
    services.candidate_move(by=dm, candidate=candidate, stage="withdrawn")
    with pytest.raises(Conflict):  # withdrawn is final
        services.candidate_move(by=dm, candidate=candidate, stage="interviewed")
    with pytest.raises(Conflict):
        services.interview_record(by=dm, candidate=candidate, held_on="2026-11-10", assessment="hold")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"held_on": "2026-11-20"}, "held_on"),  # not held yet
        ({"held_on": "2026-10-01"}, "held_on"),  # before the application
        ({"assessment": "great"}, "assessment"),
        ({"interviewer": 10**9}, "interviewer"),
    ],
)
def test_bad_interviews_are_refused(units, personas, english, changes, field):
    vacancy = approved_vacancy(units, personas).vacancies.get()
    candidate = services.candidate_record(by=SYSTEM, vacancy=vacancy, name="周杰", applied_on="2026-11-02")
    before = counts()
    values = {"held_on": "2026-11-10", "assessment": "recommend"} | changes
    with pytest.raises(InvalidInput) as error:
        services.interview_record(by=personas["dm_hangzhou"].user, candidate=candidate, **values)
    assert error.value.field == field
    assert counts() == before


def test_candidates_apply_for_open_vacancies_only(units, personas, english):
    vacancy = approved_vacancy(units, personas).vacancies.get()
    dm = personas["dm_hangzhou"].user
    services.vacancy_cancel(by=dm, vacancy=vacancy, reason="取消")
    before = counts()
    with pytest.raises(InvalidInput) as error:
        services.candidate_record(by=dm, vacancy=vacancy, name="钱多")
    assert error.value.field == "vacancy"
    with pytest.raises(Conflict) as error:
        services.vacancy_cancel(by=dm, vacancy=vacancy, reason="再取消")
    assert counts() == before
