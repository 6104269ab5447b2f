"""A real Celery worker (PostgreSQL + Redis, prefork with one pool process) killed with SIGKILL in the middle
of a job — the whole worker (its main process; the pool child dies with it) or only the pool child — at
three points of a report build and in the middle of an import's commit.

What must hold every time: the old report (or the customers table) is exactly as it was until a build
finishes, nothing is written twice, and the run never stays "running": a killed pool child's message comes
straight back (reject-on-worker-lost) and the same message takes its run back and finishes it; a killed
worker's run is failed by the reaper once its heartbeat is stale, a rebuild is then accepted, and the
message that comes back later does nothing. The heartbeat timings are compressed to seconds here
(production: beat every 15 s, stale after 120 s, the reaper every minute)."""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date

import pytest
from django.conf import settings
from django.db import connection

from core.rights import SYSTEM

REDIS = os.environ.get("REPORTS_TEST_REDIS") or getattr(settings, "REDIS_URL", "") or "redis://127.0.0.1:6379/15"
STALE = 3  # seconds without a heartbeat before a run counts as abandoned (3 beats: a loaded CI box may delay one)


def _redis_up():
    try:
        import redis

        return redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except Exception:
        return False


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: a worker process must share the test database"
    ),
    pytest.mark.skipif(not _redis_up(), reason=f"needs Redis at {REDIS} as the broker of a real worker"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def compressed_timings(settings, tmp_path):
    settings.JOBS_STALE_AFTER_SECONDS = STALE
    settings.JOBS_HEARTBEAT_SECONDS = 1
    settings.MEDIA_ROOT = tmp_path / "media"


class Worker:
    """One killable worker on a queue of its own."""

    def __init__(self, tmp_path, pause_at):
        db = connection.settings_dict
        self.queue = f"jobs-test-{uuid.uuid4().hex[:8]}"
        self.marker = tmp_path / "paused"
        self.log_path = tmp_path / "worker.log"
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "CELERY_BROKER_URL": REDIS,
            "CELERY_RESULT_BACKEND": REDIS,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "JOBS_HEARTBEAT_SECONDS": "1",
            "JOBS_STALE_AFTER_SECONDS": str(STALE),
            "JOBS_TEST_PAUSE_AT": pause_at,
            "JOBS_TEST_MARKER": str(self.marker),
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
        }
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.core.killable_worker", self.queue],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        from celery import Celery

        self.app = Celery(broker=REDIS, backend=REDIS, set_as_current=False)  # shared tasks keep resolving in the project app

    def send(self, name, *args, task_id=None):
        return self.app.send_task(name, args=list(args), queue=self.queue, task_id=task_id)

    def outcomes(self, task_id):
        """What each finished execution of the task returned, from the worker's log ("...[id] succeeded in 0.1s: 7")."""
        self.log.flush()
        lines = self.log_path.read_text().splitlines()
        return [line.rsplit(": ", 1)[-1] for line in lines if f"[{task_id}] succeeded in" in line]

    def wait_paused(self):
        """The pid of the pool child paused at the checkpoint."""
        deadline = time.monotonic() + 60
        while not self.marker.exists():
            assert self.process.poll() is None, self.output()
            assert time.monotonic() < deadline, "the job never reached the checkpoint: " + self.output()
            time.sleep(0.1)
        return int(self.marker.read_text())

    def kill(self, which, child):
        if which == "main":
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
            _wait_gone(child)  # the pool child follows its parent (PR_SET_PDEATHSIG), and its transaction rolls back
        else:
            os.kill(child, signal.SIGKILL)

    def output(self):
        self.log.flush()
        return self.log_path.read_text()[-4000:]

    def stop(self, task_ids=()):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        self.log.close()
        # A message that died with its worker waits in the broker's unacked set for the visibility timeout;
        # drop it (and this test's queue) so nothing of this test is ever delivered elsewhere.
        client = self.app.connection().default_channel.client
        for tag, raw in client.hgetall("unacked").items():
            if any(task_id in raw.decode() for task_id in task_ids):
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
        client.delete(self.queue)
        self.app.close()


def _wait_gone(pid, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError(f"process {pid} is still alive")


def _wait_for(predicate, worker, timeout=60, what="the condition"):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}: " + worker.output()
        time.sleep(0.1)


def _wait_stale(model, pk):
    """Until the run's heartbeat is older than the stale threshold (the worker is dead: nothing beats)."""
    from django.utils import timezone

    deadline = time.monotonic() + 30
    while True:
        beat = model.objects.unscoped().values_list("heartbeat_at", flat=True).get(pk=pk)
        if beat is None or (timezone.now() - beat).total_seconds() > STALE + 0.2:
            return
        assert time.monotonic() < deadline, "the heartbeat is still fresh: is the worker alive?"
        time.sleep(0.2)


def _assert_a_live_worker_keeps_its_run(model, pk):
    """Paused longer than the stale threshold (a long query, a long transaction), the worker's heartbeat
    thread still beats on its own connection: the reaper leaves the run alone."""
    from core.jobs import jobs_reap_all

    first = model.objects.unscoped().values_list("heartbeat_at", flat=True).get(pk=pk)
    time.sleep(STALE + 1)
    assert not any(jobs_reap_all().values())
    assert model.objects.unscoped().values_list("heartbeat_at", flat=True).get(pk=pk) > first


def _report_setup():
    from customers.services import customer_create, invoice_record
    from performance.services import summaries_rebuild
    from regions.models import OrgUnit
    from regions.services import load_default_organisation
    from reports.choices import ReportKind
    from reports.models import BusinessReport
    from reports.services import report_build

    load_default_organisation(by=SYSTEM)  # transactional tests flush the database
    region, district = OrgUnit.objects.get(code="HD"), OrgUnit.objects.get(code="330100")
    customer = customer_create(by=SYSTEM, name="真实进程客户", district=district, external_id="RW-C1")
    invoice_record(
        by=SYSTEM,
        customer=customer,
        issue_date=date(2026, 3, 5),
        due_date=date(2026, 4, 5),
        amount="1234.56",
        external_id="RW-I1",
    )
    summaries_rebuild(months=["2026-03"])
    old = report_build(unit=region, period="2026-03", kind=ReportKind.MONTHLY)
    BusinessReport.objects.filter(pk=old.pk).update(data={"marker": "old"}, analysis="旧分析")
    return region, old


@pytest.mark.parametrize("which", ["main", "child"])
@pytest.mark.parametrize("point", ["before_figures", "after_figures", "in_transaction"])
def test_a_report_build_killed_at_any_point_never_stays_running(tmp_path, which, point):
    from core.jobs import jobs_reap_all
    from reports import tasks
    from reports.choices import ReportKind, RunState
    from reports.models import BusinessReport, ReportRun
    from reports.services import report_build, report_request, run_claim

    region, old = _report_setup()
    run = report_request(unit=region, period="2026-03", kind=ReportKind.MONTHLY, enqueue=False)
    worker = Worker(tmp_path, pause_at=point)
    started = time.monotonic()
    try:
        task = worker.send("reports.build_report", run.pk)
        child = worker.wait_paused()
        run.refresh_from_db()
        assert run.state == RunState.RUNNING and run.claimed_by == task.id and run.heartbeat_at is not None
        if point == "in_transaction" and which == "main":
            _assert_a_live_worker_keeps_its_run(ReportRun, run.pk)
        worker.kill(which, child)

        if which == "child":
            # The pool noticed its child's death and put the message back; the same message took its run
            # back (attempt 2) and finished the build.
            _wait_for(lambda: ReportRun.objects.get(pk=run.pk).state != RunState.RUNNING, worker, what="the retried build")
            run.refresh_from_db()
            assert run.state == RunState.SUCCEEDED and run.attempts == 2, (run.state, run.message, worker.output())
            report = BusinessReport.objects.get()
            assert report.pk == old.pk and report.data["head"]["attainment"]["sales_amount"]["actual"] == "1234.56"
            assert report.analysis == "旧分析"
            _wait_for(lambda: worker.outcomes(task.id), worker, what="the retried execution's end")
            assert worker.outcomes(task.id) == [str(old.pk)]
            finished_at = run.finished_at
            # The same message delivered once more (a duplicate) finds the run finished and does nothing.
            worker.send("reports.build_report", run.pk, task_id=task.id)
            _wait_for(lambda: len(worker.outcomes(task.id)) == 2, worker, what="the duplicate's end")
            assert worker.outcomes(task.id) == [str(old.pk), "None"]
            run.refresh_from_db()
            assert run.finished_at == finished_at and run.attempts == 2
        else:
            old.refresh_from_db()
            assert old.data == {"marker": "old"} and old.analysis == "旧分析"  # the killed build wrote nothing
            assert ReportRun.objects.get(pk=run.pk).state == RunState.RUNNING
            _wait_stale(ReportRun, run.pk)
            assert jobs_reap_all() == {"reports.ReportRun": 1, "customers.ImportJob": 0}
            run.refresh_from_db()
            assert run.state == RunState.FAILED and "重试" in run.message, run.message
            # The message comes back after the visibility timeout: it finds the run failed and does nothing.
            assert tasks.build_report.apply(args=[run.pk], task_id=task.id).get() is None
            assert ReportRun.objects.get(pk=run.pk).state == RunState.FAILED
            # A rebuild is accepted and goes through (PostgreSQL freed the dead worker's locks).
            again = report_request(unit=region, period="2026-03", kind=ReportKind.MONTHLY, enqueue=False)
            assert run_claim(run=again, token="test")
            report = report_build(unit=region, period="2026-03", kind=ReportKind.MONTHLY, run=again)
            assert report.pk == old.pk and report.analysis == "旧分析" and report.data["head"]["attainment"]
        assert BusinessReport.objects.count() == 1
        assert not ReportRun.objects.filter(state=RunState.RUNNING).exists()
        assert time.monotonic() - started < 300  # released well within 5 minutes of the kill
    finally:
        worker.stop(task_ids=[locals().get("task").id] if locals().get("task") else [])


@pytest.mark.parametrize("which", ["main", "child"])
def test_an_import_killed_mid_commit_never_stays_running(tmp_path, which):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from core.jobs import jobs_reap_all
    from core.roles import Role
    from customers import imports
    from customers.models import Customer, ImportJob, ImportStatus
    from regions.models import OrgUnit
    from regions.services import load_default_organisation, staff_hire

    load_default_organisation(by=SYSTEM)
    manager = staff_hire(
        by=SYSTEM,
        employee_no="T9001",
        name="dm",
        unit=OrgUnit.objects.get(code="330100"),
        role=Role.DISTRICT_MANAGER,
        hire_date=date(2020, 1, 1),
        username="dm",
        password="pw-for-tests-1",
    )
    header = "客户编号,客户名称,统一社会信用代码,客户类型,行业,省份,城市,地址,地办编码,业务员工号,重要客户,信用额度"
    rows = [f"KILL-{n},杭州测试客户{n}号,,个人,,浙江省,杭州市,,330100,,否,0" for n in range(1, 31)]
    content = ("\n".join([header, *rows]) + "\n").encode()

    def start():
        job = imports.job_start(by=manager.user, kind="customers", upload=SimpleUploadedFile("kill.csv", content))
        assert job.status == ImportStatus.VALIDATED, job.errors
        ImportJob.objects.filter(pk=job.pk).update(commit_requested_at=timezone.now())
        return job

    job = start()
    worker = Worker(tmp_path, pause_at="written")
    try:
        task = worker.send("customers.import_commit", job.pk)
        child = worker.wait_paused()
        if which == "main":
            _assert_a_live_worker_keeps_its_run(ImportJob, job.pk)
        worker.kill(which, child)
        if which == "child":
            _wait_for(lambda: not ImportJob.objects.get(pk=job.pk).is_running, worker, what="the retried commit")
            job.refresh_from_db()
            assert job.status == ImportStatus.COMMITTED and job.attempts == 2, (job.status, job.errors)
            assert job.result == {"created": 30, "updated": 0, "unchanged": 0}
        else:
            assert not Customer.objects.filter(external_id__startswith="KILL-").exists()  # rolled back whole
            _wait_stale(ImportJob, job.pk)
            assert jobs_reap_all() == {"reports.ReportRun": 0, "customers.ImportJob": 1}
            job.refresh_from_db()
            assert job.status == ImportStatus.FAILED and not job.is_running
            assert "重试" in job.errors[0]["message"]
            assert imports.job_commit(job_id=job.pk).status == ImportStatus.FAILED  # the message again: nothing
            again = start()  # the branch uploads the file again and commits it
            assert imports.job_commit(job_id=again.pk).status == ImportStatus.COMMITTED
        assert Customer.objects.filter(external_id__startswith="KILL-").count() == 30  # written once
    finally:
        worker.stop(task_ids=[locals().get("task").id] if locals().get("task") else [])
