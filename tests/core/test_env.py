"""Settings from the environment fail loudly, naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env, env_bool, env_int

ROOT = Path(__file__).resolve().parents[2]


def test_missing_required_variable_names_it(monkeypatch):
    monkeypatch.delenv("SOME_REQUIRED_THING", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SOME_REQUIRED_THING"):
        env("SOME_REQUIRED_THING")


def test_malformed_values_name_the_variable(monkeypatch):
    monkeypatch.setenv("A_FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="A_FLAG"):
        env_bool("A_FLAG", False)
    monkeypatch.setenv("A_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="A_NUMBER"):
        env_int("A_NUMBER", 1)
    monkeypatch.delenv("A_NUMBER")
    assert env_int("A_NUMBER", 7) == 7


def _production_check(extra_env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    base.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **extra_env})
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120)


GOOD = {
    "DJANGO_SECRET_KEY": "x" * 60,
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "DJANGO_ALLOWED_HOSTS": "sales.example.com",
}


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing):
    result = _production_check({k: v for k, v in GOOD.items() if k != missing})
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_sqlite_and_starts_with_good_values():
    result = _production_check({**GOOD, "DATABASE_URL": "sqlite:///x.db"})
    assert result.returncode != 0 and "DATABASE_URL" in result.stderr
    result = _production_check(GOOD)
    assert result.returncode == 0, result.stderr


def test_production_refuses_the_development_key():
    from config.settings.base import DEVELOPMENT_SECRET_KEY

    result = _production_check({**GOOD, "DJANGO_SECRET_KEY": DEVELOPMENT_SECRET_KEY})
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def _started_without_settings_module(code, extra_env=None):
    """Run `code` in a fresh interpreter whose environment names no settings module (nor any other value)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **(extra_env or {})}, capture_output=True, text=True, timeout=120
    )


SHOW_SETTINGS = "from django.conf import settings; print(settings.SETTINGS_MODULE, settings.DEBUG)"


@pytest.mark.parametrize("entry", ["config.wsgi", "config.celery"])
def test_a_server_or_worker_started_without_a_settings_module_runs_production(entry):
    """gunicorn config.wsgi / celery -A config: never DEBUG with the development key by default."""
    result = _started_without_settings_module(f"import {entry}; {SHOW_SETTINGS}")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr  # production settings, refusing to start without the real key
    result = _started_without_settings_module(f"import {entry}; {SHOW_SETTINGS}", GOOD)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["config.settings.production", "False"]


def test_manage_py_keeps_the_development_settings():
    result = _started_without_settings_module(
        "import sys; sys.argv = ['manage.py', 'shell', '-c', "
        + repr(SHOW_SETTINGS)
        + "]; import runpy; runpy.run_path('manage.py', run_name='__main__')"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["config.settings.base", "True"]
