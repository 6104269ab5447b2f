"""Queues by kind of work (config/celery.py QUEUES, issue 20): every task the project registers goes to exactly
one of the four named queues, and a worker consuming only the reminders queue runs a reminder while a report
sits unconsumed on the reports queue (a real worker on Redis)."""

import fnmatch
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import QUEUES, app

ROOT = Path(settings.BASE_DIR)
REDIS = os.environ.get("REPORTS_TEST_REDIS") or getattr(settings, "REDIS_URL", "") or "redis://127.0.0.1:6379/15"


def _all_tasks():
    app.loader.import_default_modules()  # what a worker does at start: every app's tasks module (autodiscovery)
    return sorted(app.tasks)


def _declared_task_names():
    """Every task name the source declares (`@shared_task(name=…)` / `@app.task(name=…)`), found by reading the
    files, so a tasks module that autodiscovery misses is still checked."""
    names = set()
    for path in ROOT.rglob("*.py"):
        if any(part in {".venv", "tests", "node_modules"} for part in path.relative_to(ROOT).parts):
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"@(?:shared_task|app\.task)\((?:[^()]|\([^()]*\))*?name=\"([^\"]+)\"", text, re.S):
            names.add(match.group(1))
    return names


def _queues_matching(name):
    return sorted({queue for queue, patterns in QUEUES.items() for pattern in patterns if fnmatch.fnmatchcase(name, pattern)})


def test_every_registered_task_resolves_to_exactly_one_named_queue():
    tasks = _all_tasks()
    declared = _declared_task_names()
    assert len(declared) >= 30  # the source scan works
    # Every declared task is registered by autodiscovery (config/celery.py), so a worker knows it.
    assert declared <= set(tasks), sorted(declared - set(tasks))
    unrouted, ambiguous = [], []
    for name in tasks:
        queues = _queues_matching(name)
        if not queues:
            unrouted.append(name)
        elif len(queues) > 1:
            ambiguous.append((name, queues))
        else:
            # Celery's own router (task_routes) sends it there, with no queue= at the call site.
            route = app.amqp.router.route({}, name, (), {})
            assert route["queue"].name == queues[0], (name, route)
    assert not unrouted, f"tasks without a queue (add them to QUEUES in config/celery.py): {unrouted}"
    assert not ambiguous, f"tasks matching patterns of two queues: {ambiguous}"
    # Each queue has work, and every pattern routes at least one task (no dead pattern hiding a typo).
    for queue, patterns in QUEUES.items():
        for pattern in patterns:
            assert any(fnmatch.fnmatchcase(name, pattern) for name in tasks), (queue, pattern)


def test_the_kinds_of_work_sit_where_the_readme_says():
    assert _queues_matching("customers.import_commit") == ["ingest"]
    assert _queues_matching("reports.build_report") == ["reports"]
    for name in ["workflow.remind_overdue", "approvals.escalate_overdue", "relations.complaints_escalate", "core.jobs_reap"]:
        assert _queues_matching(name) == ["reminders"], name
    for name in ["performance.rebuild_summaries", "dashboard.refresh_receivables", "risk.rate_all"]:
        assert _queues_matching(name) == ["rebuilds"], name
    # A name no pattern covers is caught by the check above.
    assert _queues_matching("customers.something_new") == []


def test_every_beat_entry_is_a_routed_task():
    names = set(_all_tasks())
    for key, entry in app.conf.beat_schedule.items():
        assert entry["task"] in names, key
        assert len(_queues_matching(entry["task"])) == 1, key


def _redis_up():
    try:
        import redis

        return redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except Exception:
        return False


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: the worker process must share the test database")
@pytest.mark.skipif(not _redis_up(), reason=f"needs Redis at {REDIS} as the broker of a real worker")
@pytest.mark.django_db(transaction=True)
def test_a_reminders_worker_runs_a_reminder_while_a_report_waits_on_its_own_queue(tmp_path):
    from celery import Celery

    prefix = f"queues-test-{uuid.uuid4().hex[:8]}:"
    sender = Celery(broker=REDIS, backend=REDIS, set_as_current=False)  # the crontabs keep reading the project app
    sender.conf.task_queues = app.conf.task_queues
    sender.conf.task_routes = app.conf.task_routes
    sender.conf.broker_transport_options = {"global_keyprefix": prefix}
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": REDIS,
        "CELERY_RESULT_BACKEND": REDIS,
        "QUEUES_TEST_PREFIX": prefix,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    log_path = tmp_path / "worker.log"
    import redis

    client = redis.Redis.from_url(REDIS)  # plain keys: the prefix written out
    with open(log_path, "w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.core.queue_worker", "reminders"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
        try:
            # A report first — by name only, as reports.services sends it; the router puts it on "reports".
            report = sender.send_task("reports.build_report", args=[2_000_000_000])
            assert client.llen(f"{prefix}reports") == 1
            # Then a reminder-queue task: the worker of the reminders queue runs it at once.
            reminder = sender.send_task("core.jobs_reap")
            assert client.llen(f"{prefix}reminders") + client.hlen(f"{prefix}unacked") >= 1 or reminder.ready()
            outcome = reminder.get(timeout=90)
            assert isinstance(outcome, dict), outcome
            # The report is still waiting, untouched: no worker of this queue, and the reminder did not wait for it.
            time.sleep(1)
            assert client.llen(f"{prefix}reports") == 1
            assert report.state == "PENDING"
            assert f"[{report.id}]" not in log_path.read_text()
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            for key in client.keys(f"{prefix}*"):
                client.delete(key)
            sender.close()
            client.close()
    assert f"[{reminder.id}] succeeded" in log_path.read_text()
    reminder.forget()
