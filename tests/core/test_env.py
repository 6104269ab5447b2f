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
