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

from django.db.models import Count, DateField, DurationField, ExpressionWrapper, F, Q, Sum, Value

from regions.models import Position
from regions.selectors import by_subtree
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


def _units(unit, units):
    return [unit] if units is None else list(units)


def _sitting_on(day):
    """A position held on `day` (see "in post" in the module docstring)."""
    return Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))


def _open_on(day):
    """A vacancy (already opened) still open on `day`."""
    return Q(closed_on__isnull=True) | Q(closed_on__gt=day)


def in_post(unit, on):
    """How many people sat at a unit of `unit`'s subtree on day `on`."""
    return _positions(unit).filter(_sitting_on(on)).values("staff_id").distinct().count()


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
    return _vacancies(unit).filter(opened_on__lte=on).filter(_open_on(on)).select_related("unit").order_by("opened_on", "id")


# --- figures of several units at once --------------------------------------------------------------------------
# Each `…_by_unit(unit, on, units=…)` reads `unit`'s subtree as the single-unit figures do and splits it between
# `units` — units of that subtree, none below another: its children for the drill-down, or `unit` alone (the
# default) — in a fixed number of grouped queries, whatever the number of units. {unit id: figures}.


def _position_counts(unit, units, days, *, leavers_after=None):
    """{unit id: ([people in post on each of `days`], leavers)} in one grouped query over the positions held on any
    of the days; leavers (with `leavers_after`, else 0): people who left the company from a position of the unit
    that ended after `leavers_after`, up to the last of the days."""
    counts = {f"d{n}": Count("staff_id", distinct=True, filter=_sitting_on(day)) for n, day in enumerate(days)}
    earliest = min(days)
    if leavers_after is not None:
        left = Q(ended_on__gt=leavers_after, ended_on__lte=max(days), staff__left_on=F("ended_on"))
        counts["leavers"] = Count("staff_id", distinct=True, filter=left)
        earliest = min(earliest, leavers_after)
    rows = (
        by_subtree(_positions(unit), "unit__path", units)
        .filter(started_on__lte=max(days))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=earliest))
        .order_by()
        .values("subtree")
        .annotate(**counts)
    )
    found = {row["subtree"]: ([row[f"d{n}"] for n in range(len(days))], row.get("leavers", 0)) for row in rows}
    return {u.pk: found.get(u.pk, ([0] * len(days), 0)) for u in units}


def _vacancy_counts(unit, units, on):
    """{unit id: {approved, filled, open, days_open}} on `on` (days_open: the open ones' days open, summed)."""
    days_open = ExpressionWrapper(Value(on, output_field=DateField()) - F("opened_on"), output_field=DurationField())
    rows = (
        by_subtree(_vacancies(unit), "unit__path", units)
        .filter(opened_on__lte=on)
        .order_by()
        .values("subtree")
        .annotate(
            # Approved seats: not cancelled on or before `on`; filled: filled on or before `on`.
            approved=Count("pk", filter=~Q(state=VacancyState.CANCELLED) | Q(closed_on__isnull=True) | Q(closed_on__gt=on)),
            filled=Count("pk", filter=Q(state=VacancyState.FILLED, closed_on__lte=on)),
            open=Count("pk", filter=_open_on(on)),
            days_open=Sum(days_open, filter=_open_on(on)),
        )
    )
    found = {row["subtree"]: row for row in rows}
    empty = {"approved": 0, "filled": 0, "open": 0, "days_open": None}
    return {u.pk: found.get(u.pk, empty) for u in units}


def headcount_by_unit(unit, on, *, units=None):
    """{unit id: HeadcountFigures on `on`} for each of `units` (see above): two queries."""
    units = _units(unit, units)
    people = _position_counts(unit, units, [on])
    seats = _vacancy_counts(unit, units, on)
    return {
        u.pk: HeadcountFigures(
            unit=u,
            on=on,
            in_post=people[u.pk][0][0],  # ([in post on `on`], leavers)
            approved_seats=seats[u.pk]["approved"],
            filled_seats=seats[u.pk]["filled"],
            open_vacancies=seats[u.pk]["open"],
        )
        for u in units
    }


def average_days_open_by_unit(unit, on, *, units=None):
    """{unit id: the mean days open of its vacancies open on `on`, one decimal place (None when none is open)}:
    one query."""
    result = {}
    for pk, seats in _vacancy_counts(unit, _units(unit, units), on).items():
        if not seats["open"]:
            result[pk] = None
            continue
        # Whole days: both ends are dates.
        days = seats["days_open"].days
        result[pk] = (Decimal(days) / seats["open"]).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return result


@dataclass(frozen=True)
class TurnoverFigures:
    unit: object
    start: date  # the window is the days after `start` up to and including `on`
    on: date
    leavers: int
    average_headcount: Decimal
    rate: Decimal | None


def turnover_by_unit(unit, on, *, units=None):
    """{unit id: the 12-month rolling turnover of its subtree as of `on`} (defined in the module docstring): the
    leavers and the people in post on the 13 month-days counted in one query."""
    units = _units(unit, units)
    start = add_months(on, -12)
    days = [add_months(on, -n) for n in range(12, -1, -1)]
    figures = _position_counts(unit, units, days, leavers_after=start)
    result = {}
    for u in units:
        counts, left = figures[u.pk]
        average = Decimal(sum(counts)) / Decimal(len(counts))
        rate = None
        if average:
            rate = (Decimal(left) / average).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        result[u.pk] = TurnoverFigures(
            unit=u,
            start=start,
            on=on,
            leavers=left,
            average_headcount=average.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
            rate=rate,
        )
    return result


# --- figures of one unit ---------------------------------------------------------------------------------------


def headcount_vs_plan(unit, on):
    """In post, approved and filled seats, open vacancies and the plan of `unit`'s subtree on day `on`."""
    return headcount_by_unit(unit, on)[unit.pk]


def headcount_by_child(unit, on):
    """The figures of each active unit directly below `unit` (the dashboard's drill-down), in tree order."""
    children = list(unit.children.filter(is_active=True).order_by("path"))
    figures = headcount_by_unit(unit, on, units=children)
    return [figures[child.pk] for child in children]


@dataclass(frozen=True)
class VacancyAge:
    vacancy: Vacancy
    days_open: int


def vacancy_ages(unit, on):
    """Each vacancy of the subtree open on `on` with its days open on that day, oldest first."""
    return [VacancyAge(vacancy=v, days_open=(on - v.opened_on).days) for v in open_vacancies(unit, on)]


def average_days_open(unit, on):
    """The mean days open of the vacancies open on `on` (one decimal place); None when none is open."""
    return average_days_open_by_unit(unit, on)[unit.pk]


def turnover(unit, on):
    """The 12-month rolling turnover of `unit`'s subtree as of `on` (defined in the module docstring)."""
    return turnover_by_unit(unit, on)[unit.pk]


__all__ = [
    "HeadcountFigures",
    "TurnoverFigures",
    "VacancyAge",
    "add_months",
    "average_days_open",
    "average_days_open_by_unit",
    "headcount_by_child",
    "headcount_by_unit",
    "headcount_vs_plan",
    "in_post",
    "open_vacancies",
    "turnover",
    "turnover_by_unit",
    "vacancy_ages",
]
