"""The daily overdue run: reminds owners once a day, escalates to the supervisor once, safe to run twice."""

from datetime import date

import pytest

from notifications.models import Notification
from workflow.choices import TaskState
from workflow.models import Task
from workflow.services import task_cancel, task_complete, tasks_remind_overdue
from workflow.tasks import workflow_remind_overdue

from .factories import make_task

pytestmark = pytest.mark.django_db

FRI, SAT, MON, TUE = date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 23), date(2026, 11, 24)


def inbox(persona, kind=None):
    rows = Notification.objects.filter(recipient=persona.user)
    return rows.filter(kind=kind) if kind else rows


def test_due_today_reminds_owner_only(personas):
    rep, dm = personas["rep_hangzhou"], personas["dm_hangzhou"]
    task = make_task(rep.staff, due_on=MON)
    assert tasks_remind_overdue(today=MON) == {"reminded": 1, "escalated": 0}
    assert inbox(rep, "task_overdue").count() == 1
    assert not inbox(dm).exists()
    task.refresh_from_db()
    assert task.reminded_on == MON and task.escalated_on is None


def test_one_working_day_late_escalates_once(personas):
    rep, dm = personas["rep_hangzhou"], personas["dm_hangzhou"]
    task = make_task(rep.staff, due_on=MON)
    assert tasks_remind_overdue(today=TUE) == {"reminded": 1, "escalated": 1}
    # The same day again: nothing more.
    assert tasks_remind_overdue(today=TUE) == {"reminded": 0, "escalated": 0}
    assert inbox(rep, "task_overdue").count() == 1
    assert inbox(dm, "escalated").count() == 1
    message = inbox(dm, "escalated").get()
    assert task.title in message.title and message.url == task.get_absolute_url()
    # The next day: the owner again, the supervisor not.
    assert tasks_remind_overdue(today=date(2026, 11, 25)) == {"reminded": 1, "escalated": 0}
    assert inbox(rep, "task_overdue").count() == 2
    assert inbox(dm, "escalated").count() == 1
    task.refresh_from_db()
    assert task.escalated_on == TUE and task.reminded_on == date(2026, 11, 25)


def test_weekend_does_not_count_as_a_working_day(personas):
    rep, dm = personas["rep_hangzhou"], personas["dm_hangzhou"]
    make_task(rep.staff, due_on=FRI)
    assert tasks_remind_overdue(today=SAT) == {"reminded": 1, "escalated": 0}
    assert tasks_remind_overdue(today=date(2026, 11, 22)) == {"reminded": 1, "escalated": 0}
    assert tasks_remind_overdue(today=MON) == {"reminded": 1, "escalated": 1}
    assert inbox(dm, "escalated").count() == 1


def test_done_cancelled_and_future_tasks_are_left_alone(personas):
    rep, dm = personas["rep_hangzhou"], personas["dm_hangzhou"]
    done = make_task(rep.staff, due_on=FRI)
    task_complete(task=done, by=rep.user)
    cancelled = make_task(rep.staff, due_on=FRI)
    task_cancel(task=cancelled, by=dm.user, reason="不需要了")
    make_task(rep.staff, due_on=date(2026, 11, 25))
    before = Notification.objects.count()
    assert tasks_remind_overdue(today=TUE) == {"reminded": 0, "escalated": 0}
    assert Notification.objects.count() == before


def test_nobody_to_escalate_to(personas):
    director = personas["director"]
    task = make_task(director.staff, due_on=FRI)
    assert task.supervisor is None
    assert tasks_remind_overdue(today=TUE) == {"reminded": 1, "escalated": 0}
    task.refresh_from_db()
    assert task.escalated_on is None


def test_celery_task_is_thin_and_idempotent(personas):
    make_task(personas["rep_hangzhou"].staff, due_on=MON)
    make_task(personas["rep_hangzhou_2"].staff, due_on=TUE)
    assert workflow_remind_overdue.delay(today=TUE.isoformat()).get() == {"reminded": 2, "escalated": 1}
    assert workflow_remind_overdue.delay(today=TUE.isoformat()).get() == {"reminded": 0, "escalated": 0}
    assert Task.objects.filter(state=TaskState.OPEN, reminded_on=TUE).count() == 2


def test_reopened_task_is_escalated_afresh(personas):
    from workflow.services import task_reopen

    rep, dm = personas["rep_hangzhou"], personas["dm_hangzhou"]
    task = make_task(rep.staff, due_on=FRI)
    tasks_remind_overdue(today=MON)
    task_complete(task=task, by=rep.user)
    task_reopen(task=task, by=dm.user)
    assert tasks_remind_overdue(today=TUE) == {"reminded": 1, "escalated": 1}


def test_beat_schedule_runs_daily_at_half_past_eight():
    from config.celery import app

    entry = app.conf.beat_schedule["workflow.remind_overdue"]
    assert entry["task"] == "workflow.remind_overdue"
    assert entry["schedule"].hour == {8} and entry["schedule"].minute == {30}
