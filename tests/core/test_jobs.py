"""Runs of long jobs and dead workers (core/jobs.py), without a worker: the claim (one conditional UPDATE,
taken once; the same message may take its run back; a stale holder is replaced; a run out of attempts is
failed), the reaper (only stale heartbeats; a message the page shows in Chinese), a rebuild that finds a
dead worker's run, a build that lost its run writing nothing, and the Celery settings behind it all."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from core.jobs import job_claim, job_reap, jobs_reap_all
from customers.models import ImportJob, ImportStatus
from reports import services, tasks
from reports.choices import ReportKind, RunState
from reports.models import BusinessReport, ReportRun
from reports.services import report_build, report_request

MONTH = "2026-03"

pytestmark = pytest.mark.django_db


def _ago(seconds):
    return timezone.now() - datetime.timedelta(seconds=seconds)


@pytest.fixture
def run(units):
    return report_request(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY, enqueue=False)


def _claim(run, token):
    return job_claim(
        ReportRun, run.pk, token=token, states=[RunState.QUEUED, RunState.RUNNING], values={"state": RunState.RUNNING}
    )


def test_a_run_is_claimed_once(run):
    assert _claim(run, "task-a")
    assert not _claim(run, "task-b")  # held by a live worker
    run.refresh_from_db()
    assert run.state == RunState.RUNNING and run.claimed_by == "task-a" and run.attempts == 1 and run.heartbeat_at
    # The same message delivered again (its pool process died) takes its run back.
    assert _claim(run, "task-a")
    assert ReportRun.objects.get(pk=run.pk).attempts == 2
    # A finished run is taken by nobody, not even its own message.
    ReportRun.objects.filter(pk=run.pk).update(state=RunState.SUCCEEDED, heartbeat_at=None)
    assert not _claim(run, "task-a") and not _claim(run, "task-c")


def test_a_run_whose_holder_went_silent_is_taken_over(run, settings):
    assert _claim(run, "task-a")
    ReportRun.objects.filter(pk=run.pk).update(heartbeat_at=_ago(settings.JOBS_STALE_AFTER_SECONDS + 1))
    assert _claim(run, "task-b")
    assert ReportRun.objects.get(pk=run.pk).claimed_by == "task-b"


def test_a_run_that_kept_killing_its_worker_is_failed_not_retried(run, settings):
    ReportRun.objects.filter(pk=run.pk).update(attempts=settings.JOBS_MAX_ATTEMPTS)
    assert not _claim(run, "task-a")
    run.refresh_from_db()
    assert run.state == RunState.FAILED and str(settings.JOBS_MAX_ATTEMPTS) in run.message and "管理员" in run.message


def test_the_reaper_fails_only_runs_whose_heartbeat_is_stale(units, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    stale, fresh = _ago(settings.JOBS_STALE_AFTER_SECONDS + 5), _ago(settings.JOBS_STALE_AFTER_SECONDS - 30)
    dead = ReportRun.objects.create(unit=units["HD"], period=MONTH, kind="monthly", state=RunState.RUNNING, heartbeat_at=stale)
    alive = ReportRun.objects.create(unit=units["HN"], period=MONTH, kind="monthly", state=RunState.RUNNING, heartbeat_at=fresh)
    waiting = ReportRun.objects.create(unit=units["HQ"], period=MONTH, kind="monthly")  # queued: no worker yet
    user = personas["dm_hangzhou"].user

    def job(status, beat):
        return ImportJob.objects.create(
            kind="customers",
            status=status,
            unit=units["330100"],
            created_by=user,
            heartbeat_at=beat,
            file=ContentFile(b"x", "a.csv"),
        )

    checking, committing, done = (
        job(ImportStatus.UPLOADED, stale),
        job(ImportStatus.VALIDATED, stale),
        job(ImportStatus.COMMITTED, stale),
    )

    assert jobs_reap_all() == {"reports.ReportRun": 1, "customers.ImportJob": 2}
    dead.refresh_from_db()
    assert dead.state == RunState.FAILED and dead.finished_at and dead.heartbeat_at is None
    assert dead.message == "执行此任务的后台进程已停止（可能被重启或内存不足），请重试。"
    assert ReportRun.objects.get(pk=alive.pk).state == RunState.RUNNING
    assert ReportRun.objects.get(pk=waiting.pk).state == RunState.QUEUED
    for job in (checking, committing):
        job.refresh_from_db()
        assert job.status == ImportStatus.FAILED and not job.is_running and job.error_count == 1
        assert job.errors == [{"row": 0, "column": "", "message": dead.message}]
    assert ImportJob.objects.get(pk=done.pk).status == ImportStatus.COMMITTED
    assert jobs_reap_all() == {"reports.ReportRun": 0, "customers.ImportJob": 0}  # safe to run twice


def test_a_rebuild_is_accepted_when_the_running_run_lost_its_worker(run, units, settings):
    ReportRun.objects.filter(pk=run.pk).update(
        state=RunState.RUNNING, claimed_by="dead", heartbeat_at=_ago(settings.JOBS_STALE_AFTER_SECONDS + 1)
    )
    again = report_request(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY, enqueue=False)
    assert again.pk != run.pk
    run.refresh_from_db()
    assert run.state == RunState.FAILED and "请重试" in run.message


def test_a_running_run_with_a_live_worker_still_refuses_a_rebuild(run, units):
    from core.errors import Conflict

    assert _claim(run, "live")
    with pytest.raises(Conflict):
        report_request(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY, enqueue=False)


def test_a_build_whose_run_was_reaped_meanwhile_writes_nothing(run, units, monkeypatch, settings):
    old = report_build(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY)
    BusinessReport.objects.filter(pk=old.pk).update(data={"marker": "old"})

    def reaped_meanwhile(name):  # the worker looked dead for a while (figures done): the reaper failed its run
        if name == "after_figures":
            ReportRun.objects.filter(pk=run.pk).update(heartbeat_at=_ago(settings.JOBS_STALE_AFTER_SECONDS + 1))
            assert job_reap(ReportRun) == 1

    monkeypatch.setattr(services, "checkpoint", reaped_meanwhile)
    assert tasks.build_report.apply(args=[run.pk]).get() is None
    old.refresh_from_db()
    assert old.data == {"marker": "old"}  # the replacing transaction saw the run lost and rolled back
    run.refresh_from_db()
    assert run.state == RunState.FAILED and run.report_id is None


def test_a_message_delivered_again_for_a_finished_run_does_nothing(run, monkeypatch):
    assert tasks.build_report.apply(args=[run.pk], task_id="t-1").get()
    run.refresh_from_db()
    finished = (run.state, run.finished_at, run.attempts)
    monkeypatch.setattr(tasks, "report_build", lambda **kwargs: pytest.fail("built twice"))
    assert tasks.build_report.apply(args=[run.pk], task_id="t-1").get() is None
    run.refresh_from_db()
    assert (run.state, run.finished_at, run.attempts) == finished


def test_the_import_page_shows_a_job_whose_worker_died_as_failed(personas, units, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = ImportJob.objects.create(
        kind="customers",
        status=ImportStatus.UPLOADED,
        unit=units["330100"],
        created_by=personas["dm_hangzhou"].user,
        heartbeat_at=_ago(settings.JOBS_STALE_AFTER_SECONDS + 1),
        file=ContentFile(b"x", "a.csv"),
        filename="a.csv",
    )
    response = personas["dm_hangzhou"].web().get(reverse("customers:import_job", kwargs={"pk": job.pk}))
    assert response.status_code == 200
    assert "后台进程已停止" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED


def test_long_jobs_are_acked_late_and_put_back_when_their_worker_dies():
    from config.celery import app

    app.loader.import_default_modules()
    jobs = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert {"reports.build_report", "customers.import_validate", "customers.import_commit"} <= set(jobs)
    for name, task in jobs.items():
        assert task.acks_late and task.reject_on_worker_lost, name
    # The broker hands a message to another worker only after this long: longer than any task may run.
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    longest = max(task.time_limit or app.conf.task_time_limit for task in jobs.values())
    assert longest < visibility <= longest + 3600
    entry = app.conf.beat_schedule["core.jobs_reap"]
    assert entry["task"] == "core.jobs_reap" and entry["schedule"].minute == set(range(60))


def test_a_message_that_kept_killing_its_worker_is_dropped(settings, monkeypatch):
    from django.core.cache import cache

    from core import tasks as core_tasks

    calls = []
    monkeypatch.setattr(core_tasks, "jobs_reap_all", lambda: calls.append(1) or {})
    task = core_tasks.jobs_reap
    # Started JOBS_MAX_ATTEMPTS times already without ever ending: the worker died each time.
    cache.set("celery:started:t-dead", settings.JOBS_MAX_ATTEMPTS)
    task.push_request(id="t-dead", is_eager=False)
    try:
        assert task() is None
    finally:
        task.pop_request()
    assert calls == []
    # A message that ends (however it ends) forgets its count.
    cache.set("celery:started:t-ok", 1)
    task.push_request(id="t-ok", is_eager=False)
    try:
        assert task() == {}
    finally:
        task.pop_request()
    assert calls == [1] and cache.get("celery:started:t-ok") is None


def test_the_report_page_shows_a_build_whose_worker_died_as_failed(units, personas, settings):
    report = report_build(unit=units["HD"], period=MONTH, kind=ReportKind.MONTHLY)
    run = ReportRun.objects.create(
        unit=units["HD"],
        period=MONTH,
        kind="monthly",
        state=RunState.RUNNING,
        claimed_by="dead",
        heartbeat_at=_ago(settings.JOBS_STALE_AFTER_SECONDS + 1),
    )
    response = personas["rm_east"].web().get(reverse("reports:report_progress", kwargs={"pk": report.pk}))
    assert response.status_code == 200
    assert "后台进程已停止" in response.content.decode() and "请重试" in response.content.decode()
    assert ReportRun.objects.get(pk=run.pk).state == RunState.FAILED


def test_the_api_shows_a_build_whose_worker_died_as_failed(units, personas, settings):
    run = ReportRun.objects.create(
        unit=units["HD"],
        period=MONTH,
        kind="monthly",
        state=RunState.RUNNING,
        claimed_by="dead",
        attempts=1,
        heartbeat_at=_ago(settings.JOBS_STALE_AFTER_SECONDS + 1),
    )
    body = personas["rm_east"].api().get(reverse("reportrun-detail", kwargs={"pk": run.pk})).json()
    assert body["state"] == "failed" and "请重试" in body["message"]
    assert body["attempts"] == 1 and body["heartbeat_at"] is None
