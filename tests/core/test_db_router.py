"""The read-replica router's rules, without a replica server (tests/core/test_replica.py runs them against a
real streaming replica): where reads and writes go, that migrations never run on the replica, the lag figures,
and that the system starts with DATABASE_REPLICA_URL set."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from core.db_router import REPLICA, ReplicaStatus, ReportReplicaRouter, parse_lsn, reading_alias, use_primary, use_replica
from customers.models import Invoice

router = ReportReplicaRouter()


@pytest.fixture
def replica_alias():
    """A "replica" alias naming the default database (never connected to here)."""
    connections.settings[REPLICA] = {**connections[DEFAULT_DB_ALIAS].settings_dict}
    yield
    del connections.settings[REPLICA]


def test_reads_go_to_the_replica_only_inside_use_replica(replica_alias):
    assert router.db_for_read(Invoice) == DEFAULT_DB_ALIAS
    with use_replica():
        assert router.db_for_read(Invoice) == REPLICA
        with use_primary():
            assert router.db_for_read(Invoice) == DEFAULT_DB_ALIAS  # a read that must see a write just made
        assert router.db_for_read(Invoice) == REPLICA
        with use_replica(False):
            assert reading_alias() == DEFAULT_DB_ALIAS
    assert router.db_for_read(Invoice) == DEFAULT_DB_ALIAS


def test_without_a_replica_everything_reads_the_primary():
    with use_replica():
        assert router.db_for_read(Invoice) == DEFAULT_DB_ALIAS


@pytest.mark.django_db
def test_reads_inside_a_transaction_on_the_primary_stay_there(replica_alias):
    with use_replica():
        with transaction.atomic():  # (the test's own transaction would do as well)
            assert router.db_for_read(Invoice) == DEFAULT_DB_ALIAS


def test_writes_always_go_to_the_primary(replica_alias):
    invoice = Invoice()
    invoice._state.db = REPLICA  # read from the replica: Django would write it back there without the router
    with use_replica():
        assert router.db_for_write(Invoice, instance=invoice) == DEFAULT_DB_ALIAS


def test_migrations_never_run_on_the_replica_and_relations_cross_the_aliases():
    assert router.allow_migrate(REPLICA, "customers") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "customers") is True
    a, b = Invoice(), Invoice()
    a._state.db, b._state.db = REPLICA, DEFAULT_DB_ALIAS
    assert router.allow_relation(a, b) is True
    b._state.db = "elsewhere"
    assert router.allow_relation(a, b) is False


def test_lsn_and_lag():
    assert parse_lsn("16/B374D848") == (0x16 << 32) + 0xB374D848
    assert parse_lsn(None) is None and parse_lsn("nonsense") is None
    current = ReplicaStatus(0.0, None, 100, 30.0)
    assert not current.behind and not current.stale and current.has_replayed(100) and not current.has_replayed(101)
    behind = ReplicaStatus(12.25, None, 90, 30.0)
    assert behind.behind and not behind.stale and behind.lag_text == "12.3"
    assert ReplicaStatus(31.0, None, 90, 30.0).stale
    assert ReplicaStatus(None, None, None, 30.0).stale  # nothing replayed since it started: not to be trusted
    assert current.has_replayed(None)  # no pin


def test_the_system_starts_with_a_replica_configured():
    """`manage.py check` with DATABASE_REPLICA_URL set (it once named a router that did not exist)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_REPLICA_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{settings.BASE_DIR / 'db.sqlite3'}",
    }
    script = (
        "import django; django.setup(); from django.core.management import call_command; call_command('check'); "
        "from django.conf import settings as s; print(s.DATABASE_ROUTERS, s.DATABASES['replica']['TEST']['MIRROR'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
    assert done.stdout.split()[-2:] == ["['core.db_router.ReportReplicaRouter']", "default"], done.stdout
