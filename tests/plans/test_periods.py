"""Periods as values: parsing and its errors, the round trip, the tree (parent/children/months),
neighbours, ordering, and — for any period — children that partition its days exactly."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from core.periods import MONTH, QUARTER, YEAR, Period, PeriodField, validate_period


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2026", YEAR, date(2026, 1, 1), date(2026, 12, 31)),
        ("2026-Q3", QUARTER, date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-Q1", QUARTER, date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-07", MONTH, date(2026, 7, 1), date(2026, 7, 31)),
        ("2024-02", MONTH, date(2024, 2, 1), date(2024, 2, 29)),  # leap year
        ("2026-02", MONTH, date(2026, 2, 1), date(2026, 2, 28)),
        ("2026-12", MONTH, date(2026, 12, 1), date(2026, 12, 31)),
    ],
)
def test_parse_gives_kind_and_inclusive_dates(text, kind, start, end):
    period = Period.parse(text)
    assert period.kind == kind
    assert (period.start, period.end) == (start, end)
    assert str(period) == text
    assert Period.parse(str(period)) == period


@pytest.mark.parametrize(
    "text", ["2026-13", "2026-Q5", "26", "2026-7", "2026-00", "2026-Q0", "0000", "2026-q3", "", "2026-", "x2026"]
)
def test_malformed_text_is_refused_with_a_clear_message(text):
    with pytest.raises(ValueError, match="not a period"):
        Period.parse(text)
    with pytest.raises(ValidationError):
        validate_period(text)


def test_non_text_is_refused():
    with pytest.raises(ValueError):
        Period.parse(2026)


def test_parent_and_children():
    assert Period.parse("2026-07").parent() == Period.parse("2026-Q3")
    assert Period.parse("2026-Q3").parent() == Period.parse("2026")
    assert Period.parse("2026").parent() is None
    assert [str(p) for p in Period.parse("2026").children()] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert [str(p) for p in Period.parse("2026-Q4").children()] == ["2026-10", "2026-11", "2026-12"]
    assert Period.parse("2026-07").children() == []
    assert Period.parse("2026-07").months() == [Period.parse("2026-07")]


def test_months_of_a_year_are_twelve_consecutive():
    months = Period.parse("2026").months()
    assert len(months) == 12
    assert [m.index for m in months] == list(range(1, 13))
    for before, after in zip(months, months[1:], strict=False):
        assert after.start == before.end + timedelta(days=1)
        assert after.previous() == before


def test_neighbours_cross_year_boundaries():
    assert str(Period.parse("2026-01").previous()) == "2025-12"
    assert str(Period.parse("2026-Q1").previous()) == "2025-Q4"
    assert str(Period.parse("2026").previous()) == "2025"
    assert str(Period.parse("2025-12").next()) == "2026-01"
    assert str(Period.parse("2026-Q3").same_period_last_year()) == "2025-Q3"
    assert str(Period.parse("2026-02").same_period_last_year()) == "2025-02"


def test_of_a_date_and_contains():
    day = date(2026, 8, 15)
    assert str(Period.of(day, YEAR)) == "2026"
    assert str(Period.of(day, QUARTER)) == "2026-Q3"
    assert str(Period.of(day, MONTH)) == "2026-08"
    assert Period.parse("2026-Q3").contains(day)
    assert not Period.parse("2026-Q3").contains(date(2026, 10, 1))
    assert day in Period.parse("2026")
    assert Period.parse("2026").contains(Period.parse("2026-Q3"))
    assert not Period.parse("2026-Q3").contains(Period.parse("2026"))
    with pytest.raises(ValueError):
        Period.of(day, "week")


def test_ordering_and_hashing():
    texts = ["2026-07", "2025", "2026", "2026-Q3", "2026-01", "2026-Q1"]
    assert [str(p) for p in sorted(Period.parse(t) for t in texts)] == [
        "2025",
        "2026",
        "2026-Q1",
        "2026-01",
        "2026-Q3",
        "2026-07",
    ]
    assert len({Period.parse("2026-07"), Period.parse("2026-07"), Period.parse("2026")}) == 2
    assert Period.parse("2026-07") != "2026-07"
    with pytest.raises(TypeError):
        _ = Period.parse("2026") < "2027"


def test_period_field_converts_both_ways():
    field = PeriodField()
    assert field.max_length == 7
    assert field.to_python("2026-Q3") == Period.parse("2026-Q3")
    assert field.get_prep_value(Period.parse("2026-Q3")) == "2026-Q3"
    assert field.from_db_value("2026-07", None, None) == Period.parse("2026-07")
    with pytest.raises(ValidationError):
        field.clean("2026-13", None)


periods = st.one_of(
    st.builds(lambda y: Period(YEAR, y), st.integers(2, 9998)),
    st.builds(lambda y, q: Period(QUARTER, y, q), st.integers(2, 9998), st.integers(1, 4)),
    st.builds(lambda y, m: Period(MONTH, y, m), st.integers(2, 9998), st.integers(1, 12)),
)


@given(periods)
def test_children_partition_the_period_exactly(period):
    # The algebra holds for any year; input is bounded to the supported years (tests/core/test_dates.py).
    assert Period.parse(str(period), bounded=False) == period
    for parts in (period.children(), period.months()):
        if not parts:
            continue
        assert parts[0].start == period.start
        assert parts[-1].end == period.end
        for before, after in zip(parts, parts[1:], strict=False):
            assert after.start == before.end + timedelta(days=1)
        assert sum((p.end - p.start).days + 1 for p in parts) == (period.end - period.start).days + 1
        assert all(p.parent() == period for p in period.children())
    assert period.contains(period.start) and period.contains(period.end)
    assert not period.contains(period.start - timedelta(days=1))
    assert period.previous().next() == period
    assert period.previous() < period
    assert period.same_period_last_year().kind == period.kind


@given(st.dates(min_value=date(2, 1, 1), max_value=date(9998, 12, 31)), st.sampled_from([YEAR, QUARTER, MONTH]))
def test_of_contains_its_date(day, kind):
    period = Period.of(day, kind)
    assert period.contains(day)
    if period.parent() is not None:
        assert period.parent().contains(day)
