"""Working days on China's calendar, as the chinese_calendar package publishes the official schedule."""

from datetime import date, timedelta

import chinese_calendar
import pytest

from approvals.calendar import add_working_days, is_working_day, working_days_between

pytestmark = pytest.mark.django_db


def test_the_package_knows_the_2026_national_day_holiday():
    # The official 2026 schedule: 1–7 October off, Sunday 20 September and Saturday 10 October worked.
    off = [date(2026, 10, d) for d in range(1, 8)]
    assert all(chinese_calendar.is_holiday(day) for day in off)
    assert chinese_calendar.is_workday(date(2026, 10, 8))
    assert chinese_calendar.is_workday(date(2026, 10, 10))  # a Saturday: make-up working day (调休)
    assert date(2026, 10, 10).weekday() == 5


def test_add_working_days_skips_the_national_day_week():
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 30), 2) == date(2026, 10, 9)


def test_a_make_up_saturday_counts_as_a_working_day():
    assert is_working_day(date(2026, 10, 10))
    assert add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 10)
    # …while the Sunday after it is an ordinary day off.
    assert not is_working_day(date(2026, 10, 11))
    assert add_working_days(date(2026, 10, 10), 1) == date(2026, 10, 12)


def test_working_days_between_is_the_inverse_of_add():
    start = date(2026, 9, 18)
    for n in range(0, 25):
        end = add_working_days(start, n)
        assert working_days_between(start, end) == n
        assert working_days_between(end, start) == -n
    # 30 September → 12 October: the 8th, 9th, 10th (make-up) and 12th.
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 12)) == 4


def test_zero_days_is_the_same_day_and_negative_is_refused():
    assert add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 3)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 10, 3), -1)


def test_beyond_the_known_years_monday_to_friday_counts():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2100, 1, 4))
    friday = date(2100, 1, 1)
    assert friday.weekday() == 4
    assert add_working_days(friday, 1) == friday + timedelta(days=3)  # Monday
    assert not is_working_day(date(2100, 1, 2))
