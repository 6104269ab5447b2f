"""Completion rates against a hand count, and the team summary computed in the database."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from workflow import selectors
from workflow.models import Task
from workflow.services import task_cancel, task_complete

from .factories import make_task

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 27)


def done(task, by, on):
    task_complete(task=task, by=by)
    Task.objects.filter(pk=task.pk).update(completed_on=on, completed_at=timezone.make_aware(datetime.combine(on, time(12))))


@pytest.fixture
def hand_counted(personas):
    """rep_hangzhou in November: due A, B, C, F (4), on time A, F (2) → 50 %; D cancelled, E not due yet.
    rep_hangzhou_2: H due and on time → 100 %. October: G on time (rep_hangzhou)."""
    rep, rep2, dm = personas["rep_hangzhou"], personas["rep_hangzhou_2"], personas["dm_hangzhou"]
    a = make_task(rep.staff, due_on=date(2026, 11, 5), title="A")
    done(a, rep.user, date(2026, 11, 4))
    b = make_task(rep.staff, due_on=date(2026, 11, 10), title="B")
    done(b, rep.user, date(2026, 11, 12))
    make_task(rep.staff, due_on=date(2026, 11, 15), title="C")
    d = make_task(rep.staff, due_on=date(2026, 11, 20), title="D")
    task_cancel(task=d, by=dm.user, reason="取消")
    make_task(rep.staff, due_on=date(2026, 11, 30), title="E")
    f = make_task(rep.staff, due_on=date(2026, 11, 29), title="F")
    done(f, rep.user, date(2026, 11, 26))
    g = make_task(rep.staff, due_on=date(2026, 10, 31), title="G")
    done(g, rep.user, date(2026, 10, 31))
    h = make_task(rep2.staff, due_on=date(2026, 11, 10), title="H")
    done(h, rep2.user, date(2026, 11, 10))
    return personas


def test_completion_rate_against_hand_count(hand_counted, units):
    rep, rep2 = hand_counted["rep_hangzhou"].staff, hand_counted["rep_hangzhou_2"].staff
    rate = selectors.completion_rate
    assert rate(period="2026-11", staff=rep, today=TODAY) == Decimal("0.5000")
    assert rate(period="2026-11", staff=rep2, today=TODAY) == Decimal("1.0000")
    assert rate(period="2026-11", unit=units["330100"], today=TODAY) == Decimal("0.6000")
    assert rate(period="2026-Q4", staff=rep, today=TODAY) == Decimal("0.6000")
    assert rate(period="2026-11", unit=units["440100"], today=TODAY) is None
    # After the month: E (still open) is due too → 2 of 5.
    assert rate(period="2026-11", staff=rep, today=date(2026, 12, 1)) == Decimal("0.4000")
    # Thirds are rounded half up to four places.
    assert selectors.rate(2, 3) == Decimal("0.6667")


def test_team_summary_per_person_and_unit(hand_counted, django_assert_max_num_queries):
    pm = hand_counted["pm_zhejiang"].user
    with django_assert_max_num_queries(4):
        summary = selectors.team_summary(pm, period="2026-11", today=TODAY)
    people = {row["owner__name"]: row for row in summary["people"]}
    rep = people["rep_hangzhou"]
    assert (rep["open"], rep["overdue"], rep["due"], rep["done_on_time"], rep["rate"]) == (2, 1, 4, 2, Decimal("0.5000"))
    rep2 = people["rep_hangzhou_2"]
    assert (rep2["open"], rep2["overdue"], rep2["due"], rep2["done_on_time"], rep2["rate"]) == (0, 0, 1, 1, Decimal("1.0000"))
    units = {row["code"]: row for row in summary["units"]}
    hz = units["330100"]
    assert (hz["open"], hz["overdue"], hz["due"], hz["done_on_time"], hz["rate"]) == (2, 1, 5, 3, Decimal("0.6000"))
    assert units["330200"]["due"] == 0 and units["330200"]["rate"] is None
    assert summary["total"]["rate"] == Decimal("0.6000")


def test_team_summary_is_scoped(hand_counted):
    summary = selectors.team_summary(hand_counted["pm_guangdong"].user, period="2026-11", today=TODAY)
    assert summary["people"] == [] and summary["total"]["due"] == 0
    center = selectors.team_summary(hand_counted["center"].user, period="2026-11", today=TODAY)
    assert {row["code"]: row["due"] for row in center["units"]}["HD"] == 5


def test_team_summary_query_count_does_not_grow(hand_counted, personas, django_assert_max_num_queries):
    for n in range(10):
        make_task(personas["rep_hangzhou_2"].staff, due_on=date(2026, 11, 1 + n), title=f"more {n}")
    with django_assert_max_num_queries(4):
        selectors.team_summary(personas["director"].user, period="2026-Q4", today=TODAY)


def test_parse_period():
    assert str(selectors.parse_period("month", TODAY)) == "2026-11"
    assert str(selectors.parse_period("quarter", TODAY)) == "2026-Q4"
    assert str(selectors.parse_period("2026-07", TODAY)) == "2026-07"
    assert selectors.parse_period("junk", TODAY) is None


def test_overdue_count_and_lists(hand_counted):
    rep = hand_counted["rep_hangzhou"]
    assert selectors.overdue_count(rep.user, today=TODAY) == 1
    assert selectors.my_tasks(rep.user).count() == 7
    assert selectors.team_tasks(hand_counted["dm_hangzhou"].user).count() == 8
    assert selectors.visible_tasks(hand_counted["rep_hangzhou_2"].user).count() == 1
