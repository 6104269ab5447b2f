"""Beat sends each run of the schedule once however many beat processes run (config/beat.py, issue 20): two
schedulers over the project's real schedule tick through a morning side by side, with their claims in the real
Redis; one of them stops and comes back later from its old schedule file. Every run is sent exactly as many times
as the crontab has slots in the window — counted here from the crontab fields, not by the code under test."""

import os
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings

from config.beat import SingleRunScheduler, run_slot
from config.celery import app

REDIS = os.environ.get("REPORTS_TEST_REDIS") or getattr(settings, "REDIS_URL", "") or "redis://127.0.0.1:6379/15"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _redis_up():
    try:
        import redis

        return redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except Exception:
        return False


pytestmark = pytest.mark.skipif(not _redis_up(), reason=f"needs Redis at {REDIS} for the beat claims")


class Recording(SingleRunScheduler):
    """The scheduler under test, its sends recorded instead of published (the claim happens before)."""

    producer = None  # no broker connection: nothing is published

    def __init__(self, *args, sent, label, **kwargs):
        self.sent, self.label = sent, label
        super().__init__(*args, **kwargs)

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        self.sent.append((entry.name, self.label))


@pytest.fixture
def claims(settings):
    settings.REDIS_URL = REDIS
    app.set_current()  # the schedule's crontabs read the current app's clock and time zone (Asia/Shanghai)
    prefix = f"beat-test-{uuid.uuid4().hex[:8]}:"
    yield prefix
    import redis

    client = redis.Redis.from_url(REDIS)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


def _beat(tmp_path, name, prefix, sent):
    scheduler = Recording(app=app, schedule_filename=str(tmp_path / name), sent=sent, label=name)
    scheduler.key_prefix = prefix
    return scheduler


def _tick_all(scheduler):
    for _ in range(200):  # tick() sends one due entry per call and returns 0 while more are due
        if scheduler.tick() > 0:
            return
    raise AssertionError("beat kept finding due entries")


def _slots(schedule, start, end):
    """Minutes in (start, end] that the crontab names (its fields read directly)."""
    count, minute = 0, start.replace(second=0, microsecond=0) + timedelta(minutes=1)
    while minute <= end:
        if (
            minute.minute in schedule.minute
            and minute.hour in schedule.hour
            and minute.day in schedule.day_of_month
            and minute.month in schedule.month_of_year
            and minute.isoweekday() % 7 in schedule.day_of_week
        ):
            count += 1
        minute += timedelta(minutes=1)
    return count


def _expected(start, end):
    return {key: _slots(entry["schedule"], start, end) for key, entry in app.conf.beat_schedule.items()}


def _counts(sent):
    counts = dict.fromkeys(app.conf.beat_schedule, 0)
    for name, _label in sent:
        counts[name] += 1
    return counts


def test_every_entry_is_a_crontab():
    # The claims name a run by its crontab slot (config/beat.py); an interval schedule would be claimed by bucket.
    for key, entry in app.conf.beat_schedule.items():
        assert isinstance(entry["schedule"], crontab), key


def test_two_beats_started_at_once_send_each_run_once(tmp_path, claims):
    start = datetime(2026, 3, 2, 8, 24, 30, tzinfo=SHANGHAI)  # a Monday morning: reminders, escalations, refreshes
    end = start + timedelta(minutes=40)
    sent = []
    with time_machine.travel(start, tick=False) as clock:
        first, second = _beat(tmp_path, "a", claims, sent), _beat(tmp_path, "b", claims, sent)
        now, step = start, 0
        while now < end:
            now += timedelta(minutes=1)
            clock.move_to(now)
            # Either may get there first: a redeploy starts both, the clocks and loads differ.
            order = (first, second) if step % 2 else (second, first)
            for scheduler in order:
                _tick_all(scheduler)
            step += 1
        first.close()
        second.close()
    expected = _expected(start, end)
    assert expected["core.jobs_reap"] == 40 and expected["workflow.remind_overdue"] == 1
    assert expected["relations.complaints_escalate"] == 1 and expected["performance.refresh_recent"] == 4
    assert _counts(sent) == expected
    # Both processes sent runs (each claimed some first), and never the same run twice.
    assert {label for _name, label in sent} == {"a", "b"}


def test_without_the_claims_two_beats_send_every_run_twice(tmp_path, claims, settings):
    # The check above can fail: Celery's own scheduler (no Redis to claim in) sends each run from each process.
    settings.REDIS_URL = ""
    start = datetime(2026, 3, 2, 8, 28, 30, tzinfo=SHANGHAI)
    end = start + timedelta(minutes=3)
    sent = []
    with time_machine.travel(start, tick=False) as clock:
        beats = [_beat(tmp_path, "a", claims, sent), _beat(tmp_path, "b", claims, sent)]
        now = start
        while now < end:
            now += timedelta(minutes=1)
            clock.move_to(now)
            for scheduler in beats:
                _tick_all(scheduler)
        for scheduler in beats:
            scheduler.close()
    assert _counts(sent)["core.jobs_reap"] == 6
    assert _counts(sent)["workflow.remind_overdue"] == 2


def test_a_beat_that_stops_and_comes_back_from_its_old_schedule_file_sends_nothing_twice(tmp_path, claims):
    start = datetime(2026, 3, 2, 8, 24, 30, tzinfo=SHANGHAI)
    stop, back, end = start + timedelta(minutes=4), start + timedelta(minutes=30), start + timedelta(minutes=40)
    sent = []
    with time_machine.travel(start, tick=False) as clock:
        steady, flaky = _beat(tmp_path, "a", claims, sent), _beat(tmp_path, "b", claims, sent)
        now = start
        while now < end:
            now += timedelta(minutes=1)
            clock.move_to(now)
            if now == back:
                # Restarted: its schedule file says it last sent at 08:28; Celery's catch-up would send those again.
                flaky = _beat(tmp_path, "b", claims, sent)
            if flaky is not None and now > stop and now < back:
                flaky.close()
                flaky = None
            for scheduler in (flaky, steady) if flaky is not None else (steady,):
                _tick_all(scheduler)
        steady.close()
        flaky.close()
    assert _counts(sent) == _expected(start, end)
    # While one was down the other sent everything: the morning reminder at 08:30 and every reaper run.
    down = [name for name, label in sent if label == "a"]
    assert "workflow.remind_overdue" in down and down.count("core.jobs_reap") >= 25


def test_the_slot_of_a_run_is_the_crontabs_not_the_clocks():
    # Two processes whose last runs differ by seconds (or one restarted yesterday) name today's 08:30 run alike.
    from celery.beat import ScheduleEntry

    app.set_current()  # another test may have made its own Celery app current (the crontab reads its time zone)
    entry = app.conf.beat_schedule["workflow.remind_overdue"]

    def slot(last):
        return run_slot(ScheduleEntry(name="w", task=entry["task"], schedule=entry["schedule"], last_run_at=last, app=app))

    with time_machine.travel(datetime(2026, 3, 2, 8, 30, 5, tzinfo=SHANGHAI), tick=False):
        assert slot(datetime(2026, 3, 1, 8, 30, 0, 200, tzinfo=SHANGHAI)) == "2026-03-02T00:30Z"
        assert slot(datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI)) == "2026-03-02T00:30Z"
        assert slot(datetime(2026, 3, 2, 8, 30, 1, tzinfo=SHANGHAI)) == "2026-03-03T00:30Z"
