"""A test-only Celery worker (started as a subprocess by tests/core/test_dead_worker.py): the first job to
reach the checkpoint named by JOBS_TEST_PAUSE_AT writes the id of the process running it (the pool child)
to JOBS_TEST_MARKER and sleeps there, so the test can SIGKILL the worker at exactly that point. Once the
marker exists nothing pauses again, so a redelivered job runs through."""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from customers import imports  # noqa: E402
from reports import services  # noqa: E402

PAUSE_AT = os.environ["JOBS_TEST_PAUSE_AT"]
MARKER = os.environ["JOBS_TEST_MARKER"]


def pause(name):
    if name == PAUSE_AT and not os.path.exists(MARKER):
        with open(MARKER + ".tmp", "w") as marker:
            marker.write(str(os.getpid()))
        os.replace(MARKER + ".tmp", MARKER)  # the test never reads a half-written pid
        time.sleep(120)


services.checkpoint = pause
imports.checkpoint = pause

from config.celery import app  # noqa: E402

if __name__ == "__main__":
    app.worker_main(
        [
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "-Q",
            sys.argv[1],
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ]
    )
