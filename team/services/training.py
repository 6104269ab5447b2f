"""Training (培训), issue 19: keep the course catalogue, run sessions, enrol people (capacity held under the
session's row lock), record attendance and scores, and remind people of mandatory training that is due.

Every write asks its rule (team/rights/training.py) with `ensure(by, …)` before it changes anything; bad input is
refused on its field (InvalidInput, 400) and a state that does not allow the change is a Conflict (409) — nothing
is written either way.

Lock order: a session's row, then its enrolments. Two enrolments for the last seat at once: the second waits for
the first's lock, then counts the seats again and is refused (tests/team/test_training_pg.py)."""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core.dates import supported_date_error
from core.errors import Conflict, InvalidInput
from core.money import parse_decimal
from core.rights import SYSTEM, ensure
from core.roles import Role
from customers.services.inputs import clean_text
from notifications.choices import NotificationKind
from notifications.services import notify
from regions.models import OrgUnit, StaffProfile
from team.models.training import (
    Course,
    CourseKind,
    Enrolment,
    EnrolmentState,
    SessionState,
    TrainingReminder,
    TrainingSession,
)
from team.selectors.training import mandatory_due, week_of

MAX_CAPACITY = 1000


# --- input -----------------------------------------------------------------------------------------------------
def _pick(model, value, *, field, message, queryset=None):
    if isinstance(value, model):
        return value
    if value in (None, ""):
        return None
    try:
        obj = (queryset if queryset is not None else model._default_manager).filter(pk=int(value)).first()
    except (TypeError, ValueError, OverflowError):
        obj = None
    if obj is None:
        raise InvalidInput(message, field=field)
    return obj


def _clean_int(value, *, field, label, low, high, required=True):
    if value in (None, ""):
        if required:
            raise InvalidInput(_("%(label)s is required.") % {"label": label}, field=field)
        return None
    if isinstance(value, bool):
        raise InvalidInput(_("%(label)s must be a whole number.") % {"label": label}, field=field)
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput(_("%(label)s must be a whole number.") % {"label": label}, field=field) from None
    if not low <= number <= high:
        raise InvalidInput(
            _("%(label)s must lie between %(low)s and %(high)s.") % {"label": label, "low": low, "high": high}, field=field
        )
    return number


def clean_datetime(value, *, field):
    """A moment from input (a datetime, or ISO text such as 2026-05-12T09:00); without a zone it is local time."""
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        try:
            moment = parse_datetime(str(value).strip()) if value not in (None, "") else None
        except ValueError:
            moment = None
        if moment is None:
            raise InvalidInput(_("Enter a valid date and time (YYYY-MM-DD HH:MM)."), field=field)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    message = supported_date_error(timezone.localtime(moment).date())
    if message is not None:
        raise InvalidInput(message, field=field, code="date_out_of_range")
    return moment


def clean_score(value, *, field="score"):
    """A score from 0 to 100, at most one decimal place."""
    label = _("The score")
    number = parse_decimal(value, field=field, label=label, max_digits=4, decimal_places=1)
    if not Decimal(0) <= number <= Decimal(100):
        raise InvalidInput(_("A score lies between 0 and 100, not %(value)s.") % {"value": number}, field=field)
    return number


def _clean_course(*, code, title, topic, kind, hours, pass_mark, mandatory_roles, validity_months, description):
    code = clean_text(code, field="code", max_length=30, required=True, label=_("The code"))
    title = clean_text(title, field="title", max_length=200, required=True, label=_("The title"))
    topic = clean_text(topic, field="topic", max_length=200)
    if kind not in CourseKind.values:
        raise InvalidInput(_("Choose the kind of course."), field="kind")
    hours = parse_decimal(hours, field="hours", label=_("The hours"), max_digits=5, decimal_places=1)
    if hours <= 0:
        raise InvalidInput(_("A course lasts more than zero hours."), field="hours")
    pass_mark = _clean_int(pass_mark, field="pass_mark", label=_("The pass mark"), low=0, high=100, required=False)
    validity_months = _clean_int(
        validity_months, field="validity_months", label=_("The validity"), low=1, high=120, required=False
    )
    roles = list(mandatory_roles or [])
    if any(role not in Role.values for role in roles):
        raise InvalidInput(_("Choose roles of the organisation."), field="mandatory_roles")
    roles = sorted(set(roles), key=Role.values.index)
    description = clean_text(description, field="description", max_length=4000)
    return {
        "code": code,
        "title": title,
        "topic": topic,
        "kind": kind,
        "hours": hours,
        "pass_mark": pass_mark,
        "mandatory_roles": roles,
        "validity_months": validity_months,
        "description": description,
    }


# --- courses ---------------------------------------------------------------------------------------------------
@transaction.atomic
def course_create(
    *, by, code, title, kind, hours, topic="", pass_mark=None, mandatory_roles=(), validity_months=None, description=""
):
    """Add a course to the catalogue."""
    ensure(by, "course.change")
    fields = _clean_course(
        code=code, title=title, topic=topic, kind=kind, hours=hours, pass_mark=pass_mark,
        mandatory_roles=mandatory_roles, validity_months=validity_months, description=description,
    )  # fmt: skip
    if Course.objects.filter(code=fields["code"]).exists():
        raise Conflict(_("A course with this code exists already."), field="code")
    return Course.objects.create(**fields)


@transaction.atomic
def course_update(
    *, by, course, code, title, kind, hours, topic="", pass_mark=None, mandatory_roles=(), validity_months=None,
    description="", is_active=True,
):  # fmt: skip
    """Change a course. Hours already trained keep the hours of their day (copied on each enrolment)."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    ensure(by, "course.change", course)
    fields = _clean_course(
        code=code, title=title, topic=topic, kind=kind, hours=hours, pass_mark=pass_mark,
        mandatory_roles=mandatory_roles, validity_months=validity_months, description=description,
    )  # fmt: skip
    if Course.objects.filter(code=fields["code"]).exclude(pk=course.pk).exists():
        raise Conflict(_("A course with this code exists already."), field="code")
    for name, value in fields.items():
        setattr(course, name, value)
    course.is_active = bool(is_active)
    course.save()
    return course


# --- sessions --------------------------------------------------------------------------------------------------
def _clean_session(*, course, starts_at, ends_at, online, place, trainer, capacity, note):
    course = _pick(Course, course, field="course", message=_("No such course."))
    if course is None:
        raise InvalidInput(_("Choose the course."), field="course")
    if not course.is_active:
        raise InvalidInput(_("This course is no longer in use."), field="course")
    starts_at = clean_datetime(starts_at, field="starts_at")
    ends_at = clean_datetime(ends_at, field="ends_at")
    if ends_at <= starts_at:
        raise InvalidInput(_("A session ends after it starts."), field="ends_at")
    place = clean_text(place, field="place", max_length=200)
    if not online and not place:
        raise InvalidInput(_("Say where the session takes place, or mark it online."), field="place")
    trainer = clean_text(trainer, field="trainer", max_length=100, required=True, label=_("The trainer"))
    capacity = _clean_int(capacity, field="capacity", label=_("The capacity"), low=1, high=MAX_CAPACITY)
    note = clean_text(note, field="note", max_length=2000)
    return {
        "course": course,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "online": bool(online),
        "place": place,
        "trainer": trainer,
        "capacity": capacity,
        "note": note,
    }


@transaction.atomic
def training_session_create(*, by, course, unit, starts_at, ends_at, trainer, capacity, online=False, place="", note=""):
    """Schedule a session of `course`, run by `unit` (the center: company-wide; another unit: for its subtree)."""
    ensure(by, "training_session.change")
    unit = _pick(OrgUnit, unit, field="unit", message=_("No such org unit."))
    if unit is None:
        raise InvalidInput(_("Choose the unit that runs the session."), field="unit")
    if not unit.is_active:
        raise InvalidInput(_("%(unit)s is closed.") % {"unit": unit}, field="unit")
    fields = _clean_session(
        course=course, starts_at=starts_at, ends_at=ends_at, online=online, place=place, trainer=trainer,
        capacity=capacity, note=note,
    )  # fmt: skip
    session = TrainingSession(unit=unit, created_by=None if by is SYSTEM else by, **fields)
    ensure(by, "training_session.change", session)
    session.save()
    return session


def _lock_session(session):
    return TrainingSession.objects.select_for_update(of=("self",)).select_related("unit", "course").get(pk=session.pk)


def enrolled_count(session):
    return session.enrolments.filter(state=EnrolmentState.ENROLLED).count()


@transaction.atomic
def training_session_update(*, by, session, course, starts_at, ends_at, trainer, capacity, online=False, place="", note=""):
    """Change a scheduled session that has not ended; its capacity never below the people enrolled."""
    session = _lock_session(session)
    ensure(by, "training_session.change", session)
    if session.state != SessionState.SCHEDULED:
        raise Conflict(_("A cancelled session cannot be changed."), field="state")
    fields = _clean_session(
        course=course, starts_at=starts_at, ends_at=ends_at, online=online, place=place, trainer=trainer,
        capacity=capacity, note=note,
    )  # fmt: skip
    taken = enrolled_count(session)
    if fields["capacity"] < taken:
        raise Conflict(_("%(count)s people are enrolled: the capacity cannot be smaller.") % {"count": taken}, field="capacity")
    if fields["course"].pk != session.course_id and session.enrolments.filter(attended__isnull=False).exists():
        raise Conflict(_("Attendance is recorded: the course cannot change."), field="course")
    for name, value in fields.items():
        setattr(session, name, value)
    session.save()
    return session


@transaction.atomic
def training_session_cancel(*, by, session):
    """Cancel a session that has not started; the people enrolled are told."""
    session = _lock_session(session)
    ensure(by, "training_session.change", session)
    if session.state != SessionState.SCHEDULED:
        raise Conflict(_("The session is cancelled already."), field="state")
    if session.starts_at <= timezone.now():
        raise Conflict(_("The session has started: it can no longer be cancelled."), field="state")
    session.state = SessionState.CANCELLED
    session.save(update_fields=["state"])
    people = StaffProfile.objects.filter(enrolments__session=session, enrolments__state=EnrolmentState.ENROLLED).select_related(
        "user"
    )
    notify(
        recipients=list(people),
        kind=NotificationKind.OTHER,
        title=_("Training cancelled: %(session)s") % {"session": session},
        url=session.get_absolute_url(),
    )
    return session


# --- enrolment -------------------------------------------------------------------------------------------------
@transaction.atomic
def enrolment_create(*, by, session, person):
    """Put `person` on `session`: by a manager of their subtree (or the center), or by the person themself.

    The session's row is locked first, then the seats are counted: two enrolments for the last seat at once get
    exactly one seat; the other is a Conflict on `session`. A cancelled enrolment of the same person comes back."""
    ensure(by, "enrolment.create")
    person = _pick(StaffProfile, person, field="person", message=_("No such member of staff."))
    if person is None:
        raise InvalidInput(_("Choose the person to enrol."), field="person")
    session = _pick(TrainingSession, session, field="session", message=_("No such training session."))
    if session is None:
        raise InvalidInput(_("Choose the session."), field="session")
    ensure(by, "enrolment.create", Enrolment(session=session, person=person))
    session = _lock_session(session)
    if not person.is_active:
        raise InvalidInput(_("%(name)s has left the company.") % {"name": person.name}, field="person")
    if session.state != SessionState.SCHEDULED:
        raise Conflict(_("The session is cancelled."), field="session")
    if session.starts_at <= timezone.now():
        raise Conflict(_("The session has started: enrolment is closed."), field="session")
    if not session.is_open_to(person):
        raise InvalidInput(
            _("The session is run by %(unit)s for its own people; %(name)s works elsewhere.")
            % {"unit": session.unit, "name": person.name},
            field="person",
        )
    existing = Enrolment.objects.filter(session=session, person=person).first()
    if existing is not None and existing.state == EnrolmentState.ENROLLED:
        raise Conflict(_("%(name)s is enrolled already.") % {"name": person.name}, field="person")
    taken = enrolled_count(session)
    if taken >= session.capacity:
        raise Conflict(_("The session is full: %(capacity)s seats, all taken.") % {"capacity": session.capacity}, field="session")
    staff = None if by is SYSTEM else getattr(by, "staff_profile", None)
    values = {
        "state": EnrolmentState.ENROLLED,
        "self_enrolled": staff is not None and staff.pk == person.pk,
        "enrolled_by": None if by is SYSTEM else by,
        "enrolled_at": timezone.now(),
    }
    if existing is not None:
        for name, value in values.items():
            setattr(existing, name, value)
        existing.save(update_fields=list(values))
        return existing
    return Enrolment.objects.create(session=session, person=person, **values)


def _lock_enrolment(enrolment):
    enrolment = Enrolment.objects.select_related("session").get(pk=enrolment.pk)
    _lock_session(enrolment.session)  # the lock order: the session, then its enrolments
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("session__unit", "session__course", "person__unit")
        .get(pk=enrolment.pk)
    )


@transaction.atomic
def enrolment_cancel(*, by, enrolment):
    """Take the person off a session that has not started (the seat is free again)."""
    enrolment = _lock_enrolment(enrolment)
    ensure(by, "enrolment.cancel", enrolment)
    if enrolment.state != EnrolmentState.ENROLLED:
        raise Conflict(_("This enrolment is cancelled already."), field="state")
    if enrolment.session.starts_at <= timezone.now():
        raise Conflict(_("The session has started: the enrolment can no longer be cancelled."), field="state")
    enrolment.state = EnrolmentState.CANCELLED
    enrolment.save(update_fields=["state"])
    return enrolment


@transaction.atomic
def enrolment_record(*, by, enrolment, attended, score=None):
    """Record whether the person attended and their score (0–100) once the session has begun. The person passes
    when they attended and, if the course has a pass mark, scored at least that; attending counts the course's
    hours. Recording again corrects the record."""
    enrolment = _lock_enrolment(enrolment)
    ensure(by, "enrolment.record", enrolment)
    session, course = enrolment.session, enrolment.session.course
    if enrolment.state != EnrolmentState.ENROLLED:
        raise Conflict(_("This enrolment is cancelled."), field="state")
    if session.starts_at > timezone.now():
        raise InvalidInput(
            _("The session starts on %(day)s: attendance is recorded once it has begun.")
            % {"day": timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M")},
            field="attended",
        )
    if attended in (None, ""):
        raise InvalidInput(_("Say whether the person attended."), field="attended")
    if isinstance(attended, str):
        if attended.lower() not in ("true", "false", "1", "0", "on", "off", "yes", "no"):
            raise InvalidInput(_("Say whether the person attended."), field="attended")
        attended = attended.lower() in ("true", "1", "on", "yes")
    attended = bool(attended)
    score = None if score in (None, "") else clean_score(score)
    if not attended and score is not None:
        raise InvalidInput(_("Someone who did not attend has no score."), field="score")
    if attended and course.pass_mark is not None and score is None:
        raise InvalidInput(
            _("The course has a pass mark of %(mark)s: enter the score.") % {"mark": course.pass_mark}, field="score"
        )
    enrolment.attended = attended
    enrolment.score = score
    enrolment.passed = attended and (course.pass_mark is None or score >= course.pass_mark)
    enrolment.hours = course.hours if attended else Decimal(0)
    enrolment.recorded_by = None if by is SYSTEM else by
    enrolment.recorded_at = timezone.now()
    enrolment.save(update_fields=["attended", "score", "passed", "hours", "recorded_by", "recorded_at"])
    return enrolment


# --- reminders -------------------------------------------------------------------------------------------------
def training_reminders_send(*, by=SYSTEM, today=None):
    """Remind every person in service of each mandatory course that is due for them (never passed, or the pass
    older than the course's validity) and for which they are not booked on a coming session: at most one
    reminder per person, course and ISO week (Monday to Sunday) — a TrainingReminder row, unique per
    (person, course, week), so the job may run any number of times a week. One message per person lists the
    courses newly reminded. Returns {"reminded": people told, "courses": reminder rows written}."""
    ensure(by, "training.remind")
    today = today or timezone.localdate()
    week = week_of(today)
    people = StaffProfile.objects.unscoped().filter(is_active=True)
    due = [row for row in mandatory_due(people, today=today) if row.booked is None]
    by_person = {}
    for row in due:
        by_person.setdefault(row.person, []).append(row)
    counts = {"reminded": 0, "courses": 0}
    for person, rows in by_person.items():
        with transaction.atomic():
            fresh = []
            for row in rows:
                try:
                    with transaction.atomic():
                        _reminder, created = TrainingReminder.objects.get_or_create(person=person, course=row.course, week=week)
                except IntegrityError:  # another run wrote it meanwhile
                    created = False
                if created:
                    fresh.append(row)
            if not fresh:
                continue
            titles = "、".join(row.course.title for row in fresh)
            notify(
                recipients=[person],
                kind=NotificationKind.REMINDER,
                title=_("Mandatory training due: %(courses)s") % {"courses": titles},
                body=_("Enrol in a coming session of each course, or ask your manager to enrol you."),
                url=reverse("team:my_training"),
            )
            counts["reminded"] += 1
            counts["courses"] += len(fresh)
    return counts
