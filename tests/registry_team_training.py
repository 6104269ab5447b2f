"""Scoping-contract entries of training (培训, issue 19), joined into tests.scoping_registry.REGISTRY.

The catalogue is company-wide and kept by the Development Center. A session run by a district is read by that
district's people and the managers above it; it is run (changed, cancelled, attendance recorded) by the center and
the managers whose subtree holds it. An enrolment belongs to its person (a salesperson reads their own) and is made
by a manager of the person's subtree or the person themself; a person outside the caller's scope is a 404.
"""

from datetime import timedelta
from itertools import count

from django.utils import timezone

from core.rights import SYSTEM
from tests.scoping_registry import Scoped, Write, make_staff, make_unit, unowned

CENTER = frozenset({"director", "center"})
MANAGERS = CENTER | {"rm_east", "rm_south", "pm_zhejiang", "pm_guangdong", "dm_hangzhou", "dm_guangzhou"}
KEYS = frozenset({"key_hangzhou", "key_guangdong"})

_n = count(1)


def _course():
    from team.services import course_create

    n = next(_n)
    return course_create(by=SYSTEM, code=f"REG-TR-{n}", title=f"登记课程{n}", kind="sales", hours="3", pass_mark=60)


def _session(district, *, days=60):
    from team.models import TrainingSession

    start = timezone.now() + timedelta(days=days)
    # Made directly: a past session cannot be scheduled through the service (nor should it be).
    return TrainingSession.objects.create(
        course=_course(), unit=district, starts_at=start, ends_at=start + timedelta(hours=4), trainer="登记讲师",
        capacity=20, place="登记会议室",
    )  # fmt: skip


@unowned
def make_course(district, owner):
    return _course()


@unowned
def make_session(district, owner):
    return _session(district)


@unowned
def make_session_to_change(district, owner):
    return _session(district)


@unowned
def make_session_to_cancel(district, owner):
    return _session(district)


@unowned
def make_session_with_person(district, owner):
    """A coming session of the district and a fresh person of it (whom a manager enrols)."""
    session = _session(district)
    session.person_for_test = make_staff(district, None).pk
    return session


def _enrolment(district, owner, *, days):
    from team.models import Enrolment

    person = owner.staff if owner is not None else make_staff(district, None)
    return Enrolment.objects.create(session=_session(district, days=days), person=person)


def make_enrolment(district, owner):
    return _enrolment(district, owner, days=60)


def make_enrolment_to_cancel(district, owner):
    return _enrolment(district, owner, days=60)


def make_enrolment_to_record(district, owner):
    return _enrolment(district, owner, days=-3)


@unowned
def make_session_with_enrolment(district, owner):
    """A session of the district (past: attendance can be recorded) with a fresh person enrolled."""
    enrolment = _enrolment(district, None, days=-3)
    session = enrolment.session
    session.enrolment_for_test = enrolment.pk
    return session


@unowned
def make_coming_session_with_enrolment(district, owner):
    enrolment = _enrolment(district, None, days=60)
    session = enrolment.session
    session.enrolment_for_test = enrolment.pk
    return session


def _course_body(obj, world, persona):
    return {"code": f"REG-NEW-{persona}", "title": "新课程", "kind": "compliance", "hours": "2", "mandatory_roles": ["sales_rep"]}


def _course_patch(obj, world, persona):
    return {"code": obj.code, "title": "改过的课程", "kind": "sales", "hours": "4", "pass_mark": 70}


def _moment(days, hour):
    day = timezone.localdate() + timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00"


@unowned
def make_course_for_session(district, owner):
    """A course to schedule a session of, in `district` (the create names the district as the unit)."""
    course = _course()
    course.district_for_test = district.pk
    return course


def _session_body(obj, world, persona):
    return {
        "course": obj.pk, "unit": obj.district_for_test, "starts_at": _moment(40, 9), "ends_at": _moment(40, 17), "trainer": "新讲师",
        "capacity": 12, "place": "新会议室",
    }  # fmt: skip


def _session_patch(obj, world, persona):
    return {
        "course": obj.course_id, "starts_at": _moment(50, 9), "ends_at": _moment(50, 12), "trainer": "换讲师",
        "capacity": 15, "online": True,
    }  # fmt: skip


def _enrol_expect(success):
    """Managers and the center enrol a person of their subtree (201 / 302); outside it the session is a 404; a
    salesperson reads no one else's archive, so naming a colleague is a 404 too; a branch key holds no right (403)."""

    def expect(persona, inside, district_code, owner_name):
        if persona in KEYS:
            return 403, False
        if persona == "rep_hangzhou" or not inside:
            return 404, False
        return success, True

    return expect


def _run_expect(success):
    """Attendance and an enrolment's cancellation on the session's page: the managers over the district and the
    center; a salesperson does not see another person's enrolment (404)."""

    def expect(persona, inside, district_code, owner_name):
        if persona == "rep_hangzhou" or not inside:
            return 404, False
        return success, True

    return expect


ENTRIES = [
    Scoped(
        name="training course",
        make=make_course,
        api_list="team-course-list",
        api_detail="team-course-detail",
        web_list="team:course_list",
        web_detail="team:course_detail",
        writers=CENTER,
        company_wide=True,
        find=lambda obj: {"q": obj.code},
    ),
    Scoped(
        name="training session",
        make=make_session,
        api_list="team-training-session-list",
        api_detail="team-training-session-detail",
        web_list="team:training_session_list",
        web_detail="team:training_session_detail",
        rep_sees="unit",
        find=lambda obj: {"course": obj.course_id},
    ),
    Scoped(
        name="enrolment",
        make=make_enrolment,
        api_list="team-enrolment-list",
        api_detail="team-enrolment-detail",
        find=lambda obj: {"session": obj.session_id},
    ),
    Scoped(
        name="unit training overview",
        make=make_unit,
        web_detail="team:unit_training",
        readers=MANAGERS,
        rep_sees="unit",
    ),
]

WRITES = [
    # --- API ---------------------------------------------------------------------------------------------------
    Write(
        name="course create",
        url="team-course-list",
        make=make_unit,
        detail=False,
        body=_course_body,
        writers=CENTER,
        success=201,
        company_wide=True,
    ),
    Write(
        name="course update",
        url="team-course-detail",
        method="patch",
        make=make_course,
        body=_course_patch,
        writers=CENTER,
        company_wide=True,
    ),
    Write(
        name="training session create",
        url="team-training-session-list",
        make=make_course_for_session,
        detail=False,
        body=_session_body,
        writers=MANAGERS,
        success=201,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="training session update",
        url="team-training-session-detail",
        method="patch",
        make=make_session_to_change,
        body=_session_patch,
        writers=MANAGERS,
        rep_sees="unit",
    ),
    Write(
        name="training session cancel",
        url="team-training-session-cancel",
        make=make_session_to_cancel,
        writers=MANAGERS,
        rep_sees="unit",
    ),
    Write(
        name="enrolment create",
        url="team-enrolment-list",
        make=make_session_with_person,
        detail=False,
        body=lambda obj, world, persona: {"session": obj.pk, "person": obj.person_for_test},
        rep_sees="unit",
        expect=_enrol_expect(201),
    ),
    Write(
        name="enrolment cancel",
        url="team-enrolment-cancel",
        make=make_enrolment_to_cancel,
        writers=MANAGERS | {"rep_hangzhou"},
    ),
    Write(
        name="enrolment record",
        url="team-enrolment-record",
        make=make_enrolment_to_record,
        body={"attended": True, "score": "80"},
        writers=MANAGERS,
    ),
    # --- pages -------------------------------------------------------------------------------------------------
    Write(
        name="course create page",
        url="team:course_create",
        make=make_unit,
        detail=False,
        body={"code": "REG-PAGE", "title": "页面课程", "kind": "product", "hours": "1.5"},
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="course edit page",
        url="team:course_edit",
        make=make_course,
        body=lambda obj, world, persona: {
            "code": obj.code,
            "title": "页面改课",
            "kind": "sales",
            "hours": "2",
            "is_active": "on",
        },
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="training session create page",
        url="team:training_session_create",
        make=make_course_for_session,
        detail=False,
        body=_session_body,
        writers=MANAGERS,
        success=302,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="enrol page",
        url="team:training_session_detail",
        make=make_session_with_person,
        body=lambda obj, world, persona: {"action": "enrol", "person": obj.person_for_test},
        rep_sees="unit",
        expect=_enrol_expect(302),
    ),
    Write(
        name="training session cancel page",
        url="team:training_session_detail",
        make=make_session_to_cancel,
        body={"action": "cancel_session"},
        writers=MANAGERS,
        success=302,
        rep_sees="unit",
    ),
    Write(
        name="attendance record page",
        url="team:training_session_detail",
        make=make_session_with_enrolment,
        body=lambda obj, world, persona: {
            "action": "record",
            "enrolment": obj.enrolment_for_test,
            "attended": "1",
            "score": "75",
        },
        rep_sees="unit",
        expect=_run_expect(302),
    ),
    Write(
        name="enrolment cancel page",
        url="team:training_session_detail",
        make=make_coming_session_with_enrolment,
        body=lambda obj, world, persona: {"action": "cancel_enrolment", "enrolment": obj.enrolment_for_test},
        rep_sees="unit",
        expect=_run_expect(302),
    ),
]
