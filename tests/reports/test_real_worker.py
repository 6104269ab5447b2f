"""A real Celery worker (PostgreSQL + Redis) killed with SIGKILL in the middle of a build, inside the
report's transaction: the old report stays exactly as it was, and the next build goes through."""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

REDIS = os.environ.get("REPORTS_TEST_REDIS", "redis://127.0.0.1:6379/15")


def _redis_up():
    try:
        import redis

        return redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except Exception:
        return False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: a worker process must share the test database")
@pytest.mark.skipif(not _redis_up(), reason=f"needs Redis at {REDIS} as the broker of a real worker")
@pytest.mark.django_db(transaction=True)
def test_sigkill_mid_build_leaves_the_old_report(tmp_path):
    from celery import Celery

    from customers.services import customer_create, invoice_record
    from performance.services import summaries_rebuild
    from regions.models import OrgUnit
    from regions.services import load_default_organisation
    from reports.choices import ReportKind, RunState
    from reports.models import BusinessReport, ReportRun
    from reports.services import report_build, report_request

    load_default_organisation()  # transactional tests flush the database
    region, district = OrgUnit.objects.get(code="HD"), OrgUnit.objects.get(code="330100")
    customer = customer_create(name="真实进程客户", district=district, external_id="RW-C1")
    invoice_record(
        customer=customer, issue_date=date(2026, 3, 5), due_date=date(2026, 4, 5), amount="1234.56", external_id="RW-I1"
    )
    summaries_rebuild(months=["2026-03"])
    old = report_build(unit=region, period="2026-03", kind=ReportKind.MONTHLY)
    BusinessReport.objects.filter(pk=old.pk).update(data={"marker": "old"}, analysis="旧分析")
    run = report_request(unit=region, period="2026-03", kind=ReportKind.MONTHLY, enqueue=False)

    db = connection.settings_dict
    queue = f"reports-test-{uuid.uuid4().hex[:8]}"
    marker = tmp_path / "inside"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": REDIS,
        "CELERY_RESULT_BACKEND": REDIS,
        "REPORTS_TEST_MARKER": str(marker),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    log = open(tmp_path / "worker.log", "w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.reports.slow_worker", queue], cwd=settings.BASE_DIR, env=env, stdout=log, stderr=log
    )
    try:
        Celery(broker=REDIS).send_task("reports.build_report", args=[run.pk], queue=queue)
        deadline = time.monotonic() + 90
        while not marker.exists():
            assert worker.poll() is None, Path(log.name).read_text()
            assert time.monotonic() < deadline, "the worker never reached the build's transaction: " + Path(log.name).read_text()
            time.sleep(0.2)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=30)
        log.close()

    old.refresh_from_db()
    assert old.data == {"marker": "old"} and old.analysis == "旧分析"
    assert BusinessReport.objects.count() == 1
    run.refresh_from_db()
    assert run.state == RunState.RUNNING  # orphaned; report_request retires it after STALE_RUN_AFTER

    # PostgreSQL rolled the dead worker's transaction back and freed its row lock: the next build goes through.
    ReportRun.objects.filter(pk=run.pk).update(state=RunState.FAILED)
    deadline = time.monotonic() + 30
    new = report_build(unit=region, period="2026-03", kind=ReportKind.MONTHLY)
    assert time.monotonic() < deadline
    assert new.pk == old.pk and new.data["head"]["attainment"]["sales_amount"]["actual"] == "1234.56"
    assert new.analysis == "旧分析"
