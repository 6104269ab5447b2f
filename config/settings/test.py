"""Test settings: the database comes from DATABASE_URL (PostgreSQL in CI) or SQLite by default."""

import os
import tempfile

from config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; never in production
STORAGES = {
    **STORAGES,  # noqa: F405 — the files' store as configured (local unless FILE_STORAGE says otherwise)
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = True
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"principal": "100000/min", "anon": "100000/min"}}  # noqa: F405
LANGUAGE_CODE = "zh-hans"
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405
# Many tests answer anonymous or wrong-key calls from one address (127.0.0.1) into one cache: counted at the
# production limit they would turn into 429s; the brute-force tests lower it with the `settings` fixture.
API_AUTH_FAILURE_LIMIT = 1_000_000

# Parallel test processes (pytest-xdist) share one Redis when REDIS_URL is set: a prefix per process keeps one
# worker's cached values (the working calendar's years, throttle counters) out of another's rolled-back tests.
CACHES["default"]["KEY_PREFIX"] = env("PYTEST_XDIST_WORKER", "")  # noqa: F405

# Uploaded files of tests go to a folder of their own, not the checkout's media/.
# A worker started by a test (tests/core/test_dead_worker.py) is told the test's own MEDIA_ROOT through the environment.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or Path(tempfile.gettempdir()) / "rsm-test-media")  # noqa: F405

# On PostgreSQL a test's commits need not wait for the disk (a crash of the test server loses nothing that matters):
# the transactional tests commit and flush often.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = f"{_options.get('options', '')} -c synchronous_commit=off".strip()
