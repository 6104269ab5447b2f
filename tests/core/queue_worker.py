"""A test-only Celery worker (started as a subprocess by tests/core/test_queues.py) with the project's routing,
its broker keys under the prefix QUEUES_TEST_PREFIX (kombu's global_keyprefix), so that the test's "reminders"
and "reports" queues are its own on a Redis shared with other tests. Consumes the queues named in argv."""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from config.celery import app  # noqa: E402

app.conf.broker_transport_options = {**app.conf.broker_transport_options, "global_keyprefix": os.environ["QUEUES_TEST_PREFIX"]}

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
