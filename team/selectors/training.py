"""Reads of training (培训), issue 19: sessions with their seats, mandatory training due per person, training hours
per person and per unit subtree over a period (the figures the team dashboard reads).

Training hours are the hours of the sessions a person attended (the course's hours, copied on the enrolment when the
attendance was recorded), counted on the day the session started (local time), and counted for the unit the person
works in now — a person who moved takes their training with them, as the scope follows them."""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from regions.models import OrgUnit, StaffProfile
from regions.selectors import by_subtree
from team.models.training import Course, Enrolment, EnrolmentState, SessionState, TrainingSession

ZERO_HOURS = Decimal("0.0")


def week_of(day):
    """The Monday of `day`'s ISO week: the unit of the reminders' idempotency."""
    return day - datetime.timedelta(days=day.weekday())


def add_months(day, months):
    """`day` plus whole months; the 31st of a shorter month becomes its last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def sessions_with_seats(queryset):
    """Sessions annotated with `taken` (people enrolled) and `seats_left`."""
    return queryset.annotate(taken=Count("enrolments", filter=Q(enrolments__state=EnrolmentState.ENROLLED))).annotate(
        seats_left=F("capacity") - F("taken")
    )


@dataclass(frozen=True)
class DueRow:
    """A mandatory course a person has not passed within its validity: when they last passed it (None: never),
    when that pass ran out, and the coming session they are booked on, if any."""

    person: StaffProfile
    course: Course
    last_passed: datetime.date | None
    expired_on: datetime.date | None
    booked: TrainingSession | None

    @property
    def never_passed(self):
        return self.last_passed is None


def last_passes(person_ids, course_ids, *, today):
    """{(person id, course id): the last day (local) a session they passed ended, up to `today`}."""
    rows = (
        Enrolment.objects.filter(person_id__in=person_ids, session__course_id__in=course_ids, passed=True)
        .values("person_id", "session__course_id")
        .annotate(last=Max("session__ends_at"))
    )
    result = {}
    for row in rows:
        day = timezone.localdate(row["last"])
        if day <= today:
            result[(row["person_id"], row["session__course_id"])] = day
    return result


def bookings(person_ids, course_ids, *, today):
    """{(person id, course id): the first coming session the person is enrolled on}."""
    rows = (
        Enrolment.objects.filter(
            person_id__in=person_ids,
            session__course_id__in=course_ids,
            state=EnrolmentState.ENROLLED,
            session__state=SessionState.SCHEDULED,
            session__starts_at__date__gte=today,
        )
        .select_related("session")
        .order_by("session__starts_at", "session_id")
    )
    result = {}
    for enrolment in rows:
        result.setdefault((enrolment.person_id, enrolment.session.course_id), enrolment.session)
    return result


def mandatory_due(people, *, today=None):
    """Every (person, mandatory course) not passed within its validity as of `today`, for the people of the
    queryset `people` (a course is mandatory for a person when their role is among its roles; courses no longer in
    use are not). Ordered by person, then course code."""
    today = today or timezone.localdate()
    courses = [course for course in Course.objects.filter(is_active=True).order_by("code") if course.mandatory_roles]
    if not courses:
        return []
    roles = {role for course in courses for role in course.mandatory_roles}
    people = list(people.filter(role__in=roles).select_related("unit").order_by("unit__path", "name", "pk"))
    person_ids, course_ids = [p.pk for p in people], [c.pk for c in courses]
    passed = last_passes(person_ids, course_ids, today=today)
    booked = bookings(person_ids, course_ids, today=today)
    rows = []
    for person in people:
        for course in courses:
            if person.role not in course.mandatory_roles:
                continue
            last = passed.get((person.pk, course.pk))
            if last is not None:
                if course.validity_months is None:
                    continue
                expired_on = add_months(last, course.validity_months)
                if expired_on > today:
                    continue
            else:
                expired_on = None
            rows.append(DueRow(person, course, last, expired_on, booked.get((person.pk, course.pk))))
    return rows


# --- training hours --------------------------------------------------------------------------------------------
def attended(unit, *, start, end):
    """Attended enrolments of the people of `unit`'s subtree in sessions that started from `start` to `end`."""
    return Enrolment.objects.for_unit(unit).filter(attended=True, session__starts_at__date__range=(start, end))


def training_hours_total(unit, *, start, end):
    """Hours trained by the people of `unit`'s subtree in sessions that started from `start` to `end`."""
    return attended(unit, start=start, end=end).aggregate(total=Sum("hours"))["total"] or ZERO_HOURS


def training_hours_by_person(unit, *, start, end):
    """{person id: hours} for the people of `unit`'s subtree who trained from `start` to `end`."""
    rows = attended(unit, start=start, end=end).values("person_id").annotate(total=Sum("hours"))
    return {row["person_id"]: row["total"] for row in rows}


@dataclass(frozen=True)
class UnitHours:
    unit: OrgUnit
    hours: Decimal
    people: int  # people of the subtree who trained
    headcount: int  # people in service in the subtree now

    @property
    def per_head(self):
        return (self.hours / self.headcount).quantize(Decimal("0.1")) if self.headcount else None


def trained_by_unit(unit, *, start, end, units=None):
    """{unit id: (hours, people who trained)} from `start` to `end` for each of `units` — units of `unit`'s subtree,
    none below another (its children, or `unit` alone: the default) — split in one grouped query."""
    units = [unit] if units is None else list(units)
    rows = (
        by_subtree(attended(unit, start=start, end=end), Enrolment.scope_spec.path, units)
        .order_by()
        .values("subtree")
        .annotate(total=Sum("hours"), people=Count("person", distinct=True))
    )
    found = {row["subtree"]: (row["total"] or ZERO_HOURS, row["people"]) for row in rows}
    return {u.pk: found.get(u.pk, (ZERO_HOURS, 0)) for u in units}


def training_hours_by_unit(unit, *, start, end):
    """One row per unit directly below `unit` (its subtree's hours, people who trained, people in service), for
    the drill-down; the units below a district (none) give an empty list. Three queries, however many units."""
    children = list(OrgUnit.objects.filter(parent=unit, is_active=True).order_by("code"))
    hours = trained_by_unit(unit, start=start, end=end, units=children)
    in_service = StaffProfile.objects.for_unit(unit).filter(is_active=True)
    headcount = dict(
        by_subtree(in_service, StaffProfile.scope_spec.path, children)
        .order_by()
        .values("subtree")
        .annotate(n=Count("pk"))
        .values_list("subtree", "n")
    )
    return [UnitHours(child, *hours[child.pk], headcount.get(child.pk, 0)) for child in children]


def training_hours(unit, period, *, as_of=None):
    """Hours of `unit`'s subtree in a core.periods.Period, up to `as_of` (a day inside it) if given."""
    end = period.end if as_of is None else min(period.end, as_of)
    return training_hours_total(unit, start=period.start, end=end)


# --- a person's training (a promotion's evidence) ---------------------------------------------------------------
def courses_passed(person, *, start, end):
    """The sessions `person` attended and passed that started from `start` to `end` (local days), newest first,
    with their course: [{"course", "code", "hours", "score", "on"}] (JSON-ready strings)."""
    rows = (
        Enrolment.objects.filter(person=person, attended=True, passed=True, session__starts_at__date__range=(start, end))
        .select_related("session__course")
        .order_by("-session__starts_at", "-id")
    )
    return [
        {
            "course": row.session.course.title,
            "code": row.session.course.code,
            "hours": str(row.hours),
            "score": str(row.score) if row.score is not None else None,
            "on": timezone.localdate(row.session.starts_at).isoformat(),
        }
        for row in rows
    ]
