"""Training hours per person and per unit subtree (the team dashboard's figures) equal an independent computation
from the raw records on a generated data set: random sessions in several units over two years, random enrolments,
attendance and cancellations; the sums are recomputed in Python from the rows (local start day, the person's unit
path, attended only)."""

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from core.periods import Period
from core.rights import SYSTEM
from core.roles import Role
from regions.models import StaffProfile
from regions.services import staff_hire
from team import services
from team.models.training import Enrolment
from team.selectors.training import (
    training_hours,
    training_hours_by_person,
    training_hours_by_unit,
    training_hours_total,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


@pytest.fixture
def data(units):
    rng = random.Random(19)
    codes = ["330100", "330200", "440100", "320100"]
    people = []
    for n in range(16):
        code = codes[n % len(codes)]
        people.append(
            staff_hire(by=SYSTEM, employee_no=f"H{n:03d}", name=f"学员{n}", unit=units[code], role=Role.SALES_REP,
                       hire_date=datetime(2020, 1, 1).date())
        )  # fmt: skip
    courses = [
        services.course_create(by=SYSTEM, code=f"HC-{n}", title=f"课程{n}", kind="product", hours=h)
        for n, h in enumerate(["2", "3.5", "8", "1.5"])
    ]
    runners = [units["HQ"], units["HD"], units["330000"], *(units[c] for c in codes)]
    for _n in range(30):
        start = NOW - timedelta(days=rng.randint(5, 700), hours=rng.randint(0, 23))
        with time_machine.travel(start - timedelta(days=3), tick=False):
            unit = rng.choice(runners)
            session = services.training_session_create(
                by=SYSTEM, course=rng.choice(courses), unit=unit, starts_at=start, ends_at=start + timedelta(hours=4),
                trainer="讲师", capacity=8, online=True,
            )  # fmt: skip
            open_to = [p for p in people if p.unit.path.startswith(unit.path)]
            chosen = rng.sample(open_to, min(len(open_to), rng.randint(1, 8)))
            enrolments = [services.enrolment_create(by=SYSTEM, session=session, person=p) for p in chosen]
            if enrolments and rng.random() < 0.2:
                services.enrolment_cancel(by=SYSTEM, enrolment=enrolments.pop())
        with time_machine.travel(start + timedelta(hours=5), tick=False):
            for enrolment in enrolments:
                if rng.random() < 0.8:
                    services.enrolment_record(by=SYSTEM, enrolment=enrolment, attended=True)
                else:
                    services.enrolment_record(by=SYSTEM, enrolment=enrolment, attended=False)
    return people


def _independent(unit, start, end):
    """From the raw rows: hours of attended enrolments whose session started (local day) in [start, end], of people
    whose unit lies in `unit`'s subtree — by person."""
    result = {}
    for enrolment in Enrolment.objects.select_related("session__course", "person__unit"):
        day = timezone.localtime(enrolment.session.starts_at).date()
        if enrolment.attended and start <= day <= end and enrolment.person.unit.path.startswith(unit.path):
            result[enrolment.person_id] = result.get(enrolment.person_id, Decimal(0)) + enrolment.session.course.hours
    return result


def test_hours_equal_an_independent_computation(data, units):
    for code in ("HQ", "HD", "330000", "330100", "440100"):
        for text in ("2025", "2026", "2026-Q3", "2025-11"):
            unit, period = units[code], Period.parse(text)
            expected = _independent(unit, period.start, period.end)
            assert training_hours_by_person(unit, start=period.start, end=period.end) == expected, (code, text)
            assert training_hours_total(unit, start=period.start, end=period.end) == sum(expected.values(), Decimal(0))
            assert training_hours(unit, period) == sum(expected.values(), Decimal(0))
            for row in training_hours_by_unit(unit, start=period.start, end=period.end):
                below = _independent(row.unit, period.start, period.end)
                assert row.hours == sum(below.values(), Decimal(0)) and row.people == len(below), (row.unit.code, text)
                headcount = StaffProfile.objects.filter(unit__path__startswith=row.unit.path, is_active=True).count()
                assert row.headcount == headcount


def test_hours_as_of_a_day(data, units):
    assert Enrolment.objects.filter(attended=True).count() > 40
    assert Enrolment.objects.filter(attended=False).exists() and Enrolment.objects.filter(state="cancelled").exists()
    unit, period = units["HQ"], Period.parse("2026")
    as_of = datetime(2026, 6, 30).date()
    expected = _independent(unit, period.start, as_of)
    assert training_hours(unit, period, as_of=as_of) == sum(expected.values(), Decimal(0))
    assert sum(expected.values(), Decimal(0)) > 0  # the data set has hours in it
