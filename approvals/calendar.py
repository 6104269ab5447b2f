"""Working days on China's calendar: public holidays off, make-up working days (调休) on.

The schedule is the system's data: `approvals.models.CalendarDay` lists, per year, the holidays and the
make-up working days; every other day follows the Monday–Friday week. The Development Center enters each
new year when the State Council publishes it (the years the `chinese_calendar` package knew were loaded by a
data migration). A year with no entries at all is counted Monday to Friday — an SLA is then off by at most
that year's holidays rather than refusing to compute a due date — and the center is warned about it from
1 December of the year before (`next_year_missing`).

Each year's two sets are kept in the Django cache (Redis in production, shared by web and Celery processes),
so SLA arithmetic reads no table; a change on the calendar page drops that year from the cache.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
from chinese_calendar.constants import Holiday
from django.core.cache import cache
from django.db import transaction

from approvals.choices import CalendarDayKind
from approvals.models import CalendarDay
from core.dates import supported_years

CACHE_TIMEOUT = 24 * 3600
# When the warning about next year's missing calendar starts: the State Council publishes late in the year.
WARN_FROM_MONTH, WARN_FROM_DAY = 12, 1


def _key(year):
    return f"approvals:workcal:v1:{year}"


@dataclass(frozen=True)
class YearCalendar:
    """One year's exceptions to the Monday–Friday week; `listed` is False for a year nobody has entered."""

    year: int
    holidays: frozenset
    workdays: frozenset

    @property
    def listed(self):
        return bool(self.holidays or self.workdays)

    def is_working_day(self, day):
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


def year_calendar(year: int) -> YearCalendar:
    """The year's calendar, from the cache or (once per change) from the table."""
    cached = cache.get(_key(year))
    if cached is None:
        holidays, workdays = [], []
        for day, kind in CalendarDay.objects.of_year(year).values_list("day", "kind"):
            (workdays if kind == CalendarDayKind.WORKDAY else holidays).append(day.toordinal())
        cached = (holidays, workdays)
        cache.set(_key(year), cached, CACHE_TIMEOUT)
    holidays, workdays = cached
    return YearCalendar(
        year=year,
        holidays=frozenset(date.fromordinal(n) for n in holidays),
        workdays=frozenset(date.fromordinal(n) for n in workdays),
    )


def calendar_changed(*years):
    """Drop the given years from the cache: now, and again after the commit (so a process that read the
    table between the two cannot keep the old days)."""
    keys = [_key(year) for year in set(years)]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def package_days():
    """(day, kind, name) of every holiday and make-up working day the chinese_calendar package knows
    (2004 up to its release), names in Chinese: what the data migration loaded into the table."""
    chinese = {holiday.value: holiday.chinese for holiday in Holiday}
    for day, name in chinese_calendar.holidays.items():
        yield day, "holiday", chinese.get(name, name)
    for day, name in chinese_calendar.workdays.items():
        yield day, "workday", chinese.get(name, name)


def calendar_seed(model=None):
    """Load the package's days that the table does not hold yet (idempotent); returns how many were added.

    Called by the data migration (with its historical model) and by tests whose database was flushed."""
    runtime = model is None  # a migration must not need the cache (Redis may not be up yet)
    if runtime:
        model = CalendarDay
    existing = set(model.objects.values_list("day", flat=True))
    rows = [model(day=day, kind=kind, name=name) for day, kind, name in package_days() if day not in existing]
    model.objects.bulk_create(rows, batch_size=500)
    if rows and runtime:
        calendar_changed(*{row.day.year for row in rows})
    return len(rows)


def calendar_cache_clear():
    """Drop every supported year from the cache (tests, after their rows are rolled back)."""
    first, last = supported_years()
    cache.delete_many([_key(year) for year in range(first - 1, last + 2)])


class _Calendar:
    """Years looked up once per computation (a due date may span a year end)."""

    def __init__(self):
        self._years = {}

    def __call__(self, day):
        year = self._years.get(day.year)
        if year is None:
            year = self._years[day.year] = year_calendar(day.year)
        return year.is_working_day(day)


def is_working_day(day: date) -> bool:
    """True on a Chinese working day; Monday–Friday for a year nobody has entered yet."""
    return year_calendar(day.year).is_working_day(day)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (`start` itself is not counted; n=0 gives `start`)."""
    if n < 0:
        raise ValueError("n must not be negative")
    working = _Calendar()
    day = start
    while n:
        day += timedelta(days=1)
        if working(day):
            n -= 1
    return day


def working_days_between(a: date, b: date) -> int:
    """Working days after `a` up to and including `b` (negative if b is before a).

    The inverse of add_working_days: `working_days_between(d, add_working_days(d, n)) == n`.
    """
    if b < a:
        return -working_days_between(b, a)
    working = _Calendar()
    count = 0
    day = a
    while day < b:
        day += timedelta(days=1)
        if working(day):
            count += 1
    return count


def next_year_missing(today: date) -> int | None:
    """Next year, when it is 1 December or later and next year has no calendar entries; else None.

    That year's SLAs would be counted Monday to Friday: the Development Center is warned to enter it.
    """
    if (today.month, today.day) < (WARN_FROM_MONTH, WARN_FROM_DAY):
        return None
    year = today.year + 1
    # A direct (indexed) query rather than the SLA cache: the banner's cost stays the same on every page.
    return None if CalendarDay.objects.of_year(year).exists() else year
