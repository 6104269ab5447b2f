"""Working days on China's calendar: public holidays off, make-up working days (调休) on.

The official schedule is published by the State Council each year and shipped in the `chinese_calendar`
package. For a year the package does not know yet (it raises NotImplementedError), a day counts as a
working day when it falls on Monday to Friday: an SLA is then off by at most the holidays of that year
until the package is upgraded, rather than the whole system refusing to compute a due date.
"""

from datetime import date, timedelta

import chinese_calendar


def is_working_day(day: date) -> bool:
    """True on a Chinese working day; Monday–Friday for a year beyond the package's known years."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (`start` itself is not counted; n=0 gives `start`)."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    while n:
        day += timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def working_days_between(a: date, b: date) -> int:
    """Working days after `a` up to and including `b` (negative if b is before a).

    The inverse of add_working_days: `working_days_between(d, add_working_days(d, n)) == n`.
    """
    if b < a:
        return -working_days_between(b, a)
    count = 0
    day = a
    while day < b:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
