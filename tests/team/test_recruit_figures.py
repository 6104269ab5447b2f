"""The recruitment figures of the team dashboard (team/selectors/recruit.py) equal an independent computation
from the raw records — positions, staff profiles and vacancies read as plain tuples — on a generated data set:
people hired, moved between units inside and outside the subtree, and leaving, over three years; vacancies
opened, filled and cancelled. The month arithmetic of the check is dateutil's, not the selector's."""

import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from dateutil.relativedelta import relativedelta

from core.rights import SYSTEM
from regions.models import OrgUnit, Position, StaffProfile
from regions.services import staff_hire, staff_leave, staff_move
from team import selectors
from team.models import HeadcountRequest, HeadcountState, Vacancy, VacancyState

DAYS = [date(2024, 2, 29), date(2025, 3, 31), date(2025, 12, 31), date(2026, 2, 28), date(2026, 5, 15), date(2026, 8, 31)]
FIRST, LAST = date(2023, 6, 1), date(2026, 8, 31)


def _day(rng, after, before=LAST):
    return after + timedelta(days=rng.randint(0, max(0, (before - after).days)))


@pytest.fixture
def data_set(units):
    """About 60 people and 30 vacancies in 浙江 and around it, from a fixed seed."""
    rng = random.Random(19)
    zhejiang = list(OrgUnit.objects.filter(kind="district", path__startswith=units["330000"].path).order_by("path")[:4])
    elsewhere = [units["440100"], OrgUnit.objects.filter(kind="district", path__startswith=units["320000"].path).first()]
    districts = zhejiang + elsewhere
    people = []
    for n in range(60):
        hired = _day(rng, FIRST, date(2026, 6, 1))
        staff = staff_hire(
            by=SYSTEM, employee_no=f"G{n:04d}", name=f"员工{n}", unit=rng.choice(districts), role="sales_rep", hire_date=hired
        )
        day = hired
        for _move in range(rng.randint(0, 2)):
            day = _day(rng, day + timedelta(days=1))
            if day >= LAST:
                break
            staff = staff_move(by=SYSTEM, staff=staff, unit=rng.choice(districts), role="sales_rep", on=day)
        if rng.random() < 0.35:
            left = _day(rng, day + timedelta(days=1))
            if left <= LAST:
                staff_leave(by=SYSTEM, staff=staff, on=left)
        people.append(staff)
    fillers = iter(rng.sample(people, 30))
    for _n in range(30):
        unit = rng.choice(districts)
        request = HeadcountRequest.objects.create(
            unit=unit, role="sales_rep", headcount=1, reason="生成", state=HeadcountState.APPROVED
        )
        opened = _day(rng, FIRST, date(2026, 7, 1))
        state = rng.choice([VacancyState.OPEN, VacancyState.FILLED, VacancyState.CANCELLED])
        closed = None if state == VacancyState.OPEN else _day(rng, opened)
        Vacancy.objects.create(
            request=request,
            unit=unit,
            role="sales_rep",
            opened_on=opened,
            state=state,
            closed_on=closed,
            filled_by=next(fillers) if state == VacancyState.FILLED else None,
        )
    return units["330000"]


def _raw():
    positions = list(Position.objects.values_list("staff_id", "unit__path", "started_on", "ended_on"))
    left = dict(StaffProfile.objects.values_list("pk", "left_on"))
    vacancies = list(Vacancy.objects.values_list("unit__path", "opened_on", "closed_on", "state"))
    return positions, left, vacancies


def _in_post(positions, path, day):
    return len(
        {staff for staff, unit, start, end in positions if unit.startswith(path) and start <= day and (end is None or end > day)}
    )


def test_headcount_vacancies_and_turnover_equal_the_raw_records(data_set):
    positions, left, vacancies = _raw()
    path = data_set.path
    for day in DAYS:
        # Headcount vs plan.
        figures = selectors.headcount_vs_plan(data_set, day)
        mine = [v for v in vacancies if v[0].startswith(path)]
        open_ = [v for v in mine if v[1] <= day and (v[2] is None or v[2] > day)]
        approved = [v for v in mine if v[1] <= day and not (v[3] == "cancelled" and v[2] <= day)]
        filled = [v for v in approved if v[3] == "filled" and v[2] <= day]
        in_post = _in_post(positions, path, day)
        assert (figures.in_post, figures.open_vacancies, figures.approved_seats, figures.filled_seats) == (
            in_post,
            len(open_),
            len(approved),
            len(filled),
        ), day
        assert figures.plan == in_post + len(open_)
        # Days open of the open vacancies, and their mean.
        ages = sorted((day - v[1]).days for v in open_)
        assert sorted(age.days_open for age in selectors.vacancy_ages(data_set, day)) == ages
        mean = selectors.average_days_open(data_set, day)
        assert mean == (None if not ages else (Decimal(sum(ages)) / len(ages)).quantize(Decimal("0.1"), ROUND_HALF_UP))
        # Turnover, 12-month rolling.
        start = day - relativedelta(months=12)
        leavers = {
            staff
            for staff, unit, _start, end in positions
            if unit.startswith(path) and end is not None and start < end <= day and left[staff] == end
        }
        heads = [_in_post(positions, path, day - relativedelta(months=n)) for n in range(13)]
        average = Decimal(sum(heads)) / 13
        turnover = selectors.turnover(data_set, day)
        assert (turnover.start, turnover.leavers) == (start, len(leavers)), day
        assert turnover.average_headcount == average.quantize(Decimal("0.01"), ROUND_HALF_UP)
        expected = None if not average else (Decimal(len(leavers)) / average).quantize(Decimal("0.0001"), ROUND_HALF_UP)
        assert turnover.rate == expected, day
    # The data set is not trivial: people left, vacancies of every state, figures that differ between days.
    assert sum(1 for v in left.values() if v) >= 10
    assert {v[3] for v in vacancies} == {"open", "filled", "cancelled"}
    assert len({selectors.headcount_vs_plan(data_set, day).in_post for day in DAYS}) > 2
    assert any(selectors.turnover(data_set, day).leavers for day in DAYS)


def test_the_children_add_up_to_the_parent(data_set):
    day = date(2026, 5, 15)
    parent = selectors.headcount_vs_plan(data_set, day)
    children = selectors.headcount_by_child(data_set, day)
    assert sum(c.in_post for c in children) == parent.in_post
    assert sum(c.open_vacancies for c in children) == parent.open_vacancies


def test_add_months_clamps_to_the_month_end():
    assert selectors.add_months(date(2024, 2, 29), -12) == date(2023, 2, 28)
    assert selectors.add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert selectors.add_months(date(2026, 1, 15), -13) == date(2024, 12, 15)
