"""Training (培训, issue 19): the catalogue kept by the center, sessions run by a unit for its subtree, enrolment by a
manager or oneself with the capacity held, attendance and scores with the pass mark, mandatory training due and its
weekly reminders (once per person, course and ISO week), and the pages and API in scope. Bad input is refused on
its field with nothing written. The clock is pinned."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM, NotAllowed
from notifications.models import Notification
from team import services
from team.models.training import Course, Enrolment, TrainingReminder, TrainingSession
from team.selectors.training import mandatory_due, week_of
from team.tasks_training import send_training_reminders

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 16, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Beijing


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def at(days, hour=9):
    """A local moment `days` from today at `hour`:00."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


@pytest.fixture
def course(db):
    return services.course_create(
        by=SYSTEM, code="CMP-01", title="反洗钱合规", kind="compliance", hours="4", pass_mark=60,
        mandatory_roles=["sales_rep"], validity_months=12,
    )  # fmt: skip


def _session(course, unit, *, days=7, capacity=10, by=SYSTEM):
    return services.training_session_create(
        by=by, course=course, unit=unit, starts_at=at(days), ends_at=at(days, 17), trainer="王老师", capacity=capacity,
        place="杭州培训中心",
    )  # fmt: skip


def _counts():
    return (Course.objects.count(), TrainingSession.objects.count(), Enrolment.objects.count())


# --- courses and sessions ----------------------------------------------------------------------------------------
def test_the_catalogue_is_the_centers(personas, course):
    with pytest.raises(NotAllowed):
        services.course_create(by=personas["rm_east"].user, code="X", title="X", kind="sales", hours="2")
    made = services.course_create(by=personas["center"].user, code="S-01", title="顾问式销售", kind="sales", hours="6.5")
    assert made.hours == Decimal("6.5") and made.mandatory_roles == []


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"hours": "0"}, "hours"),
        ({"hours": "abc"}, "hours"),
        ({"pass_mark": 101}, "pass_mark"),
        ({"mandatory_roles": ["king"]}, "mandatory_roles"),
        ({"validity_months": 0}, "validity_months"),
        ({"kind": "fun"}, "kind"),
    ],
)
def test_bad_course_input_is_refused_on_its_field(personas, values, field):
    before = _counts()
    with pytest.raises(InvalidInput) as refused:
        services.course_create(by=SYSTEM, **{"code": "B", "title": "B", "kind": "sales", "hours": "2", **values})
    assert refused.value.field == field and _counts() == before


def test_a_session_ending_before_it_starts_is_refused(personas, units, course):
    before = _counts()
    with pytest.raises(InvalidInput) as refused:
        services.training_session_create(
            by=personas["dm_hangzhou"].user, course=course, unit=units["330100"], starts_at=at(3, 15), ends_at=at(3, 9),
            trainer="王老师", capacity=5, place="会议室",
        )  # fmt: skip
    assert refused.value.field == "ends_at" and _counts() == before
    with translation.override("en"):
        response = personas["dm_hangzhou"].api().post(
            "/api/v1/team/training-sessions/",
            {"course": course.pk, "unit": units["330100"].pk, "starts_at": "2026-04-01T15:00", "ends_at": "2026-04-01T09:00",
             "trainer": "王老师", "capacity": 5, "place": "会议室"},
            format="json",
        )  # fmt: skip
    assert response.status_code == 400 and "ends_at" in response.json()["errors"]
    assert _counts() == before


def test_a_manager_runs_sessions_for_their_own_subtree_only(personas, units, course):
    session = _session(course, units["330100"], by=personas["pm_zhejiang"].user)
    assert session.unit == units["330100"]
    with pytest.raises(NotAllowed):
        _session(course, units["440100"], by=personas["pm_zhejiang"].user)
    with pytest.raises(NotAllowed):
        _session(course, units["330100"], by=personas["rep_hangzhou"].user)


# --- enrolment ---------------------------------------------------------------------------------------------------
def test_manager_and_self_enrolment_and_the_capacity(personas, units, course):
    session = _session(course, units["330100"], capacity=2)
    rep, rep2, dm = (personas[name] for name in ("rep_hangzhou", "rep_hangzhou_2", "dm_hangzhou"))
    first = services.enrolment_create(by=dm.user, session=session, person=rep2.staff)
    assert not first.self_enrolled and first.enrolled_by == dm.user
    own = services.enrolment_create(by=rep.user, session=session, person=rep.staff)
    assert own.self_enrolled
    before = _counts()
    with pytest.raises(Conflict) as full:
        services.enrolment_create(by=SYSTEM, session=session, person=dm.staff)
    assert full.value.field == "session" and _counts() == before
    # A seat given back can be taken again.
    services.enrolment_cancel(by=rep.user, enrolment=own)
    assert services.enrolment_create(by=dm.user, session=session, person=dm.staff).state == "enrolled"


def test_a_salesperson_enrols_only_themself(personas, units, course):
    session = _session(course, units["330100"])
    with pytest.raises(NotAllowed):
        services.enrolment_create(by=personas["rep_hangzhou"].user, session=session, person=personas["rep_hangzhou_2"].staff)


def test_a_session_is_only_for_its_units_people(personas, units, course):
    session = _session(course, units["330100"])
    before = _counts()
    with pytest.raises(InvalidInput) as refused:
        services.enrolment_create(by=personas["center"].user, session=session, person=personas["dm_guangzhou"].staff)
    assert refused.value.field == "person" and _counts() == before


def test_enrolling_beyond_capacity_through_the_api_is_a_409(personas, units, course):
    session = _session(course, units["330100"], capacity=1)
    api = personas["dm_hangzhou"].api()
    assert (
        api.post(
            "/api/v1/team/enrolments/", {"session": session.pk, "person": personas["rep_hangzhou"].staff.pk}, format="json"
        ).status_code
        == 201
    )
    before = _counts()
    response = api.post(
        "/api/v1/team/enrolments/", {"session": session.pk, "person": personas["rep_hangzhou_2"].staff.pk}, format="json"
    )
    assert response.status_code == 409 and "session" in response.json()["errors"]
    assert _counts() == before


def test_enrolling_someone_outside_ones_subtree_is_a_404(personas, units, course):
    """A center session is open to everyone; a district manager still cannot name someone of another district."""
    session = _session(course, units["HQ"])
    before = _counts()
    response = (
        personas["dm_hangzhou"]
        .api()
        .post("/api/v1/team/enrolments/", {"session": session.pk, "person": personas["dm_guangzhou"].staff.pk}, format="json")
    )
    assert response.status_code == 404 and _counts() == before
    page = (
        personas["dm_hangzhou"]
        .web()
        .post(
            reverse("team:training_session_detail", args=[session.pk]),
            {"action": "enrol", "person": personas["dm_guangzhou"].staff.pk},
        )
    )
    assert page.status_code == 404 and _counts() == before
    # Self-enrolment through the API (no `person`) on the center's session works for anyone.
    mine = personas["rep_hangzhou"].api().post("/api/v1/team/enrolments/", {"session": session.pk}, format="json")
    assert mine.status_code == 201 and mine.json()["person"] == personas["rep_hangzhou"].staff.pk


# --- attendance and scores ---------------------------------------------------------------------------------------
def _past_session_with(personas, units, course, *names):
    with time_machine.travel(NOW - timedelta(days=30), tick=False):
        session = _session(course, units["330100"], days=2)
        enrolments = [services.enrolment_create(by=SYSTEM, session=session, person=personas[n].staff) for n in names]
    return session, enrolments


def test_attendance_scores_and_the_pass_mark(personas, units, course):
    _session_, (a, b, c) = _past_session_with(personas, units, course, "rep_hangzhou", "rep_hangzhou_2", "dm_hangzhou")
    dm = personas["dm_hangzhou"].user
    assert services.enrolment_record(by=dm, enrolment=a, attended=True, score="85.5").passed is True
    low = services.enrolment_record(by=dm, enrolment=b, attended=True, score=59)
    assert low.passed is False and low.hours == Decimal("4.0")
    absent = services.enrolment_record(by=dm, enrolment=c, attended=False)
    assert absent.passed is False and absent.hours == 0
    with pytest.raises(InvalidInput) as no_score:
        services.enrolment_record(by=dm, enrolment=a, attended=True)
    assert no_score.value.field == "score"
    with pytest.raises(NotAllowed):
        services.enrolment_record(by=personas["rep_hangzhou"].user, enrolment=a, attended=True, score=100)


@pytest.mark.parametrize("score", ["101", "-1", "abc", "99.55"])
def test_a_score_outside_0_to_100_is_refused(personas, units, course, score):
    _session_, (enrolment,) = _past_session_with(personas, units, course, "rep_hangzhou")
    with translation.override("en"):
        response = (
            personas["dm_hangzhou"]
            .api()
            .post(f"/api/v1/team/enrolments/{enrolment.pk}/record/", {"attended": True, "score": score}, format="json")
        )
    assert response.status_code == 400 and "score" in response.json()["errors"]
    enrolment.refresh_from_db()
    assert enrolment.attended is None and enrolment.score is None


def test_attendance_for_a_session_in_the_future_is_refused(personas, units, course):
    session = _session(course, units["330100"], days=3)
    enrolment = services.enrolment_create(by=SYSTEM, session=session, person=personas["rep_hangzhou"].staff)
    response = (
        personas["dm_hangzhou"]
        .api()
        .post(f"/api/v1/team/enrolments/{enrolment.pk}/record/", {"attended": True, "score": 90}, format="json")
    )
    assert response.status_code == 400 and "attended" in response.json()["errors"]
    enrolment.refresh_from_db()
    assert enrolment.attended is None and enrolment.passed is None


# --- mandatory training and reminders ----------------------------------------------------------------------------
def _pass(personas, units, course, name, days_ago):
    with time_machine.travel(NOW - timedelta(days=days_ago + 5), tick=False):
        session = _session(course, units["330100"], days=5)
        enrolment = services.enrolment_create(by=SYSTEM, session=session, person=personas[name].staff)
    with time_machine.travel(NOW - timedelta(days=days_ago - 1), tick=False):
        services.enrolment_record(by=SYSTEM, enrolment=enrolment, attended=True, score=90)
    return session


def test_mandatory_training_due_follows_role_and_validity(personas, units, course):
    _pass(personas, units, course, "rep_hangzhou", days_ago=400)  # ran out after 12 months
    _pass(personas, units, course, "rep_hangzhou_2", days_ago=60)  # valid
    people = {p.pk: name for name, p in ((n, personas[n].staff) for n in ("rep_hangzhou", "rep_hangzhou_2", "dm_hangzhou"))}
    from regions.models import StaffProfile

    due = mandatory_due(StaffProfile.objects.filter(pk__in=people), today=timezone.localdate())
    assert [(people[row.person.pk], row.course.code) for row in due] == [("rep_hangzhou", "CMP-01")]
    assert due[0].last_passed is not None and due[0].expired_on <= timezone.localdate()


def test_reminders_once_per_person_course_and_week(personas, units, course):
    rep = personas["rep_hangzhou"]
    assert send_training_reminders.apply().get()["courses"] >= 1
    mine = TrainingReminder.objects.filter(person=rep.staff, course=course)
    assert list(mine.values_list("week", flat=True)) == [week_of(timezone.localdate())]
    inbox = Notification.objects.filter(recipient=rep.user, kind="reminder")
    assert inbox.count() == 1
    send_training_reminders.apply().get()  # again the same day
    with time_machine.travel(NOW + timedelta(days=4), tick=False):  # later the same ISO week
        send_training_reminders.apply().get()
    assert mine.count() == 1 and inbox.count() == 1
    with time_machine.travel(NOW + timedelta(days=7), tick=False):  # the next week
        send_training_reminders.apply().get()
    assert mine.count() == 2 and inbox.count() == 2
    # Booked on a coming session: no more reminders, though still due.
    session = _session(course, units["330100"], days=20)
    services.enrolment_create(by=SYSTEM, session=session, person=rep.staff)
    with time_machine.travel(NOW + timedelta(days=14), tick=False):
        send_training_reminders.apply().get()
    assert mine.count() == 2


def test_reminders_are_the_systems(personas):
    with pytest.raises(NotAllowed):
        services.training_reminders_send(by=personas["director"].user)


# --- scope of reads, pages ---------------------------------------------------------------------------------------
def test_who_reads_which_sessions(personas, units, course):
    center, hangzhou, guangzhou, zhejiang = (_session(course, units[code]) for code in ("HQ", "330100", "440100", "330000"))

    def ids(persona):
        return {row["id"] for row in personas[persona].api().get("/api/v1/team/training-sessions/").json()["results"]}

    assert ids("rep_hangzhou") == {center.pk, hangzhou.pk, zhejiang.pk}
    assert ids("pm_zhejiang") == {center.pk, hangzhou.pk, zhejiang.pk}
    assert ids("rm_south") == {center.pk, guangzhou.pk}
    assert ids("center") >= {center.pk, hangzhou.pk, guangzhou.pk, zhejiang.pk}


def test_pages_render(personas, units, course):
    session = _session(course, units["330100"])
    services.enrolment_create(by=SYSTEM, session=session, person=personas["rep_hangzhou"].staff)
    dm, rep = personas["dm_hangzhou"].web(), personas["rep_hangzhou"].web()
    for url in (
        reverse("team:course_list"),
        reverse("team:course_detail", args=[course.pk]),
        reverse("team:training_session_list"),
        reverse("team:training_session_detail", args=[session.pk]),
        reverse("team:my_training"),
        reverse("team:unit_training", args=[units["330100"].pk]) + "?period=2026",
    ):
        assert dm.get(url).status_code == 200, url
    mine = rep.get(reverse("team:my_training"))
    assert mine.status_code == 200 and course.title in mine.content.decode()
    assert rep.get(reverse("team:unit_training", args=[units["330100"].pk])).status_code == 403
    assert dm.get(reverse("team:unit_training", args=[units["440100"].pk])).status_code == 404
    assert dm.get(reverse("team:unit_training", args=[units["330100"].pk]) + "?period=20x6").status_code == 400
    assert dm.get(reverse("team:unit_training_mine")).status_code == 302


def test_self_enrolment_from_the_sessions_page(personas, units, course):
    session = _session(course, units["330100"])
    response = (
        personas["rep_hangzhou_2"].web().post(reverse("team:training_session_detail", args=[session.pk]), {"action": "enrol"})
    )
    assert response.status_code == 302
    assert Enrolment.objects.filter(session=session, person=personas["rep_hangzhou_2"].staff, self_enrolled=True).exists()
