"""Recruitment figures for pages and the team dashboard (issue 19), per unit subtree and as of a day.

The caller passes a unit it found in the reader's scope; the figures cover that unit and everything below it.
They are read from the raw records — positions (regions.Position: who sat where, from when to when) and
vacancies — filtered on the *position's* or vacancy's unit, not the person's current one, so a figure as of a
past day counts people where they were on that day.

Definitions (tests/team/test_recruit_figures.py recomputes each from the raw rows on a generated data set):

- **In post** on day D: people with a position at a unit of the subtree that began on or before D and had not
  ended by D (`started_on ≤ D` and (`ended_on` empty or `ended_on > D`): a move or a departure on D ends the old
  position on D, so on D the person is already where they went — or gone).
- **Open vacancies** on D: vacancies of the subtree opened on or before D and not filled or cancelled by D
  (`opened_on ≤ D` and (`closed_on` empty or `closed_on > D`)); their **days open** on D are `D − opened_on`.
- **Approved seats** on D: vacancies of the subtree opened on or before D and not cancelled on or before D
  (open ones and filled ones); **filled seats**: those filled on or before D.
- **Plan** (编制) on D: in post + open vacancies — the people the unit has and the approved seats it has yet to
  fill; the **staffing rate** is in post ÷ plan (as a percentage; none while the plan is 0).
- **Turnover, 12-month rolling**, as of D: leavers ÷ average headcount over the window of the twelve months
  ending on D — the days after S = D − 12 months up to and including D, S being the same day of the month a
  year earlier (29 February → 28 February).
  - *leavers*: people who left the company (their staff profile's `left_on`) on a day of the window, counted in
    the subtree if the position they left from (the one ending on `left_on`) was at a unit of it;
  - *average headcount*: the mean of the people in post on the 13 month-days D − 12 months (= S), D − 11 months,
    …, D − 1 month, D (each counted back from D; a day past a short month's end is that month's last day);
  - the rate is a Decimal fraction rounded half-up to 4 places (0.1250 = 12.5 %); none while the average is 0.
"""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q

from regions.models import Position
from team.models.recruit import Vacancy, VacancyState


def add_months(day, months):
    """`day` moved by `months` (negative: back), clamped to the last day of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _positions(unit):
    # Read by the position's own unit (see the module docstring); the caller found `unit` in the reader's scope.
    return Position.objects.filter(unit__path__startswith=unit.path)


def _vacancies(unit):
    return Vacancy.objects.filter(unit__path__startswith=unit.path)


def in_post(unit, on):
    """How many people sat at a unit of `unit`'s subtree on day `on`."""
    return (
        _positions(unit)
        .filter(started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        .values("staff_id")
        .distinct()
        .count()
    )


@dataclass(frozen=True)
class HeadcountFigures:
    unit: object
    on: date
    in_post: int
    approved_seats: int
    filled_seats: int
    open_vacancies: int

    @property
    def plan(self):
        return self.in_post + self.open_vacancies

    @property
    def staffing_rate(self):
        """In post ÷ plan, as a percentage rounded to one place; None while the plan is 0."""
        if not self.plan:
            return None
        return (Decimal(self.in_post) * 100 / Decimal(self.plan)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def open_vacancies(unit, on):
    """Vacancies of the subtree open on day `on`, oldest first (see the module docstring)."""
    return (
        _vacancies(unit)
        .filter(opened_on__lte=on)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on))
        .select_related("unit")
        .order_by("opened_on", "id")
    )


def headcount_vs_plan(unit, on):
    """In post, approved and filled seats, open vacancies and the plan of `unit`'s subtree on day `on`."""
    opened = _vacancies(unit).filter(opened_on__lte=on)
    approved = opened.exclude(state=VacancyState.CANCELLED, closed_on__lte=on)
    return HeadcountFigures(
        unit=unit,
        on=on,
        in_post=in_post(unit, on),
        approved_seats=approved.count(),
        filled_seats=approved.filter(state=VacancyState.FILLED, closed_on__lte=on).count(),
        open_vacancies=open_vacancies(unit, on).count(),
    )


def headcount_by_child(unit, on):
    """The figures of each active unit directly below `unit` (the dashboard's drill-down), in tree order."""
    return [headcount_vs_plan(child, on) for child in unit.children.filter(is_active=True).order_by("path")]


@dataclass(frozen=True)
class VacancyAge:
    vacancy: Vacancy
    days_open: int


def vacancy_ages(unit, on):
    """Each vacancy of the subtree open on `on` with its days open on that day, oldest first."""
    return [VacancyAge(vacancy=v, days_open=(on - v.opened_on).days) for v in open_vacancies(unit, on)]


def average_days_open(unit, on):
    """The mean days open of the vacancies open on `on` (one decimal place); None when none is open."""
    ages = [age.days_open for age in vacancy_ages(unit, on)]
    if not ages:
        return None
    return (Decimal(sum(ages)) / len(ages)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TurnoverFigures:
    unit: object
    start: date  # the window is the days after `start` up to and including `on`
    on: date
    leavers: int
    average_headcount: Decimal
    rate: Decimal | None


def turnover(unit, on):
    """The 12-month rolling turnover of `unit`'s subtree as of `on` (defined in the module docstring)."""
    start = add_months(on, -12)
    leavers = (
        _positions(unit)
        .filter(ended_on__gt=start, ended_on__lte=on, staff__left_on=F("ended_on"))
        .values("staff_id")
        .distinct()
        .count()
    )
    counts = [in_post(unit, add_months(on, -n)) for n in range(12, -1, -1)]
    average = Decimal(sum(counts)) / Decimal(len(counts))
    rate = None
    if average:
        rate = (Decimal(leavers) / average).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return TurnoverFigures(
        unit=unit,
        start=start,
        on=on,
        leavers=leavers,
        average_headcount=average.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        rate=rate,
    )


__all__ = [
    "HeadcountFigures",
    "TurnoverFigures",
    "VacancyAge",
    "add_months",
    "average_days_open",
    "headcount_by_child",
    "headcount_vs_plan",
    "in_post",
    "open_vacancies",
    "turnover",
    "vacancy_ages",
]
