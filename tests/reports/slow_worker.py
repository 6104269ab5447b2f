"""A test-only Celery worker (started by test_real_worker.py as a subprocess): every report build pauses
inside its transaction, after writing a marker file, so the test can SIGKILL the worker right there."""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from reports import services  # noqa: E402

MARKER = os.environ["REPORTS_TEST_MARKER"]


def pause(name):
    if name == "in_transaction":
        with open(MARKER, "w") as marker:
            marker.write("inside the transaction")
        time.sleep(120)


services._checkpoint = pause

from config.celery import app  # noqa: E402

if __name__ == "__main__":
    app.worker_main(
        [
            "worker",
            "--pool=solo",
            "-Q",
            sys.argv[1],
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ]
    )
