"""The read replica against a real streaming replica: a primary PostgreSQL cluster and its hot standby
(pg_basebackup -R) started by this module on two free ports under a temporary folder, torn down at the end.

The primary is a cluster of its own (initdb), not the machine's server at 5432: a base backup copies a
whole cluster (every database on the shared server) and needs replication allowed in its pg_hba.conf.
It gets the test database's schema and reference data (pg_dump of the session's test database), then
Django's `default` alias points at it and a `replica` alias at the standby, for the tests of this module
only. Nothing here uses the session's test database: the tests write committed rows (autocommit, no test
transaction), which is what a standby can see.

What must hold: the dashboard, its API and the ageing API read from the replica and say how far behind it
is; with replay paused and a write on the primary, the page says its figures are stale and shows the old
figure; after replay resumes, the page reads the new figure. The writer of a change reads it from the
primary at once (pinned); a report build never reads a replica that is behind; a replica that does not
answer leaves the primary serving the page."""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.db_router import PIN_PREFIX, REPLICA, principal_key, replica_status
from core.rights import SYSTEM
from regions.models import OrgUnit

PG_BIN = Path(os.environ.get("PG_BIN") or "/usr/lib/postgresql/15/bin")
TOOLS = ("initdb", "pg_ctl", "pg_basebackup", "pg_dump", "psql")
TODAY = datetime(2026, 4, 20, 10, 0)  # the pinned clock: the dashboard's month is 2026-04


def _bin_dir():
    """The folder of the server's tools: PG_BIN (Debian's layout by default), else wherever pg_ctl is on PATH."""
    on_path = shutil.which("pg_ctl")
    for folder in (PG_BIN, Path(on_path).parent if on_path else None):
        if folder is not None and all((folder / tool).exists() for tool in TOOLS):
            return folder
    return None


BIN = _bin_dir()

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        BIN is None, reason=f"PostgreSQL server binaries ({', '.join(TOOLS)}) not found in {PG_BIN} or on PATH (set PG_BIN)"
    ),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="runs in the PostgreSQL phase of scripts/test: the replica's schema is copied from the PostgreSQL test database",
    ),
    # Committed rows (a standby sees nothing else). The flush after each test empties the temporary primary, never
    # the session's test database; the replica alias is a test mirror, so it is not flushed (it is read-only).
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Clusters:
    """A primary and its streaming replica, each a `pg_ctl` cluster under one temporary folder."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="rsm-replica-"))
        self.as_postgres = os.geteuid() == 0  # the server refuses to run as root: CI runs as root
        if self.as_postgres:
            shutil.chown(self.root, user="postgres", group=pwd.getpwnam("postgres").pw_gid)
        self.primary_port, self.replica_port = _free_port(), _free_port()
        self.started = []

    def run(self, tool, *args, server=False, **kwargs):
        command = [str(BIN / tool), *map(str, args)]
        if server and self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60, **kwargs)

    def sql(self, port, query, database="postgres"):
        out = self.run("psql", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", database, "-AtXq", "-c", query)
        return out.stdout.strip()

    def start(self, name, port):
        self.run("pg_ctl", "-D", self.root / name, "-l", self.root / f"{name}.log", "-w", "-t", "60", "start", server=True)
        self.started.append(name)

    def up(self, source):
        """Start the primary, load the test database into it, clone it (pg_basebackup -R) and start the clone."""
        s = source
        dump = self.root / "schema.sql"
        env = {**os.environ, "PGPASSWORD": s.get("PASSWORD") or ""}
        # The dump runs while initdb does (the two slow steps).
        with open(dump, "w") as out:
            dumping = subprocess.Popen(
                [str(BIN / "pg_dump"), "-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432), "-U", s["USER"]]
                + ["--no-owner", "--no-privileges", s["NAME"]],
                stdout=out,
                stderr=subprocess.PIPE,
                env=env,
            )
            self.run(
                "initdb", "-D", self.root / "primary", "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", server=True
            )
            _, error = dumping.communicate(timeout=120)
            assert dumping.returncode == 0, error
        with open(self.root / "primary" / "postgresql.conf", "a") as conf:
            conf.write(
                f"port = {self.primary_port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.root}'\n"
                "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\nfsync = off\nfull_page_writes = off\n"
                "synchronous_commit = off\nshared_buffers = 32MB\nmax_connections = 30\n"
            )
        with open(self.root / "primary" / "pg_hba.conf", "a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        self.start("primary", self.primary_port)
        self.sql(self.primary_port, f'CREATE DATABASE "{s["NAME"]}"')
        self.run(
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            self.primary_port,
            "-U",
            "postgres",
            "-d",
            s["NAME"],
            "-Xq",
            "-v",
            "ON_ERROR_STOP=1",
            "-f",
            dump,
        )
        self.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", self.primary_port, "-U", "postgres",
            "-D", self.root / "replica", "-R", "-X", "stream", "-c", "fast", "--no-sync", server=True,
        )  # fmt: skip
        with open(self.root / "replica" / "postgresql.conf", "a") as conf:
            conf.write(f"port = {self.replica_port}\n")
        self.start("replica", self.replica_port)

    def down(self):
        for name in reversed(self.started):
            try:
                self.run("pg_ctl", "-D", self.root / name, "-m", "immediate", "-w", "stop", server=True)
            except subprocess.CalledProcessError:
                pass
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def clusters(django_db_setup, django_db_blocker):
    pair = Clusters()
    try:
        pair.up(connections[DEFAULT_DB_ALIAS].settings_dict)
        yield pair
    finally:
        pair.down()


@pytest.fixture(scope="module")
def pointed(clusters, django_db_blocker):
    """Django's `default` alias on the temporary primary and a `replica` alias on its standby, with the router
    installed — for this module's tests only; everything as it was afterwards."""
    from django.conf import settings
    from django.db import router

    default = connections[DEFAULT_DB_ALIAS]
    saved = dict(default.settings_dict)
    saved_routers = settings.DATABASE_ROUTERS
    with django_db_blocker.unblock():
        default.close()
        default.settings_dict["HOST"], default.settings_dict["PORT"] = "127.0.0.1", clusters.primary_port
        default.settings_dict["CONN_MAX_AGE"] = 0
        connections.settings[REPLICA] = {
            **default.settings_dict,
            "PORT": clusters.replica_port,
            "TEST": {**default.settings_dict["TEST"], "MIRROR": DEFAULT_DB_ALIAS},
        }
        settings.DATABASE_ROUTERS = ["core.db_router.ReportReplicaRouter"]
        router.routers = router.__class__().routers
        try:
            yield clusters
        finally:
            for alias in (REPLICA, DEFAULT_DB_ALIAS):
                connections[alias].close()
            del connections[REPLICA]
            del connections.settings[REPLICA]
            default.settings_dict.clear()
            default.settings_dict.update(saved)
            settings.DATABASE_ROUTERS = saved_routers
            router.routers = router.__class__().routers


@pytest.fixture
def world(pointed, settings):
    """Committed on the primary: the default organisation (again after the flush of the test before), the personas
    and a customer of 杭州 with one invoice this month; the summaries rebuilt (the dashboard reads them). The
    clock pinned, a 1-second staleness limit, no pins left by an earlier run (the cache outlives the clusters);
    the replica replaying again at the end."""
    from customers.services import customer_create, invoice_record
    from performance.services import summaries_rebuild
    from regions.services import load_default_organisation
    from tests.conftest import make_personas

    settings.REPLICA_MAX_LAG_SECONDS = 1
    with time_machine.travel(TODAY, tick=True):
        if not OrgUnit.objects.exists():
            load_default_organisation(by=SYSTEM)
        units = {unit.code: unit for unit in OrgUnit.objects.all()}
        people = make_personas(units)
        customer = customer_create(
            by=SYSTEM, name="副本客户", district=units["330100"], salesperson=people["rep_hangzhou"].staff, external_id="RP-C-1"
        )
        invoice_record(by=SYSTEM, customer=customer, issue_date=date(2026, 4, 2), due_date=date(2026, 5, 2), amount="1234.56")
        summaries_rebuild()
        cache.delete_many([_pin(person) for person in people.values()])
        yield {"units": units, "people": people, "customer": customer}
        _replica_sql("SELECT pg_wal_replay_resume()")


def _pin(person):
    """The cache key of a persona's read-after-write pin (core.db_router.ReplicaPinMiddleware)."""
    return principal_key(person.user) if person.user is not None else f"{PIN_PREFIX}key:{person.api_key.pk}"


def _replica_sql(query):
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(query)
        return cursor.fetchone()


def _caught_up(timeout=15):
    """Wait until the replica has replayed everything the primary has written."""
    deadline = time.monotonic() + timeout
    while True:
        status = replica_status()
        if not status.behind:
            return status
        assert time.monotonic() < deadline, f"the replica did not catch up in {timeout} s: {status}"
        time.sleep(0.05)


def _pause(timeout=15):
    """Pause replay on the replica and wait until it is paused: a pause is only requested until the replica's
    startup process reads its next WAL record, so the primary writes one (a checkpoint) until it is."""
    _replica_sql("SELECT pg_wal_replay_pause()")
    deadline = time.monotonic() + timeout
    while _replica_sql("SELECT pg_get_wal_replay_pause_state()")[0] != "paused":
        assert time.monotonic() < deadline, "the replica did not pause"
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
        time.sleep(0.05)


def _pause_and_write(world, amount, *, sleep=1.2):
    """Replay paused on the replica; then, `sleep` seconds later (older than the 1-second limit), an invoice
    of `amount` on the primary with the summaries rebuilt."""
    from customers.services import invoice_record
    from performance.services import summaries_rebuild

    _caught_up()
    _pause()
    time.sleep(sleep)
    invoice_record(by=SYSTEM, customer=world["customer"], issue_date=date(2026, 4, 3), due_date=date(2026, 5, 3), amount=amount)
    summaries_rebuild()


def _hangzhou_month_sales(client, world):
    response = client.get(reverse("dashboard-api"), {"unit": world["units"]["330000"].pk})
    assert response.status_code == 200, response.content
    row = next(c for c in response.json()["children"] if c["id"] == world["units"]["330100"].pk)
    return response, row["month"]["sales_amount"]["actual"]


def test_dashboard_reads_the_replica_says_it_lags_and_reads_new_figures_after_resume(world):
    director = world["people"]["director"]
    page = reverse("dashboard:dashboard")
    web = director.web()  # logged in first: the login's session row is a write the replica must have replayed
    _caught_up()

    # Caught up: the page reads its figures from the replica and says it is up to date.
    with CaptureQueriesContext(connections[REPLICA]) as on_replica, CaptureQueriesContext(connection) as on_primary:
        response = web.get(page, {"unit": world["units"]["330000"].pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="replica-lag"' in html and "up to date" in html and "replica-stale" not in html
    assert response["X-Replica-Lag"] == "0.000"
    assert "1,234.56" in html
    assert any("performance_" in q["sql"] for q in on_replica.captured_queries)  # the summaries, from the replica
    assert not [q["sql"][:300] for q in on_primary.captured_queries if "performance_" in q["sql"]]

    # Replay paused, a new invoice on the primary: the page still shows the old figure, marked stale with its lag.
    _pause_and_write(world, "8765.43")
    response = web.get(page, {"unit": world["units"]["330000"].pk}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="replica-stale"' in html and "Stale figures" in html and "seconds behind" in html
    assert float(response["X-Replica-Lag"]) > 1
    assert "1,234.56" in html and "9,999.99" not in html
    api_response, sales = _hangzhou_month_sales(director.api(), world)
    assert sales == "1234.56" and float(api_response["X-Replica-Lag"]) > 1

    # Replay resumed: the same page reads the new figure and is no longer stale.
    _replica_sql("SELECT pg_wal_replay_resume()")
    _caught_up()
    response = web.get(page, {"unit": world["units"]["330000"].pk}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "9,999.99" in html and "replica-stale" not in html and response["X-Replica-Lag"] == "0.000"
    assert _hangzhou_month_sales(director.api(), world)[1] == "9999.99"


def _ageing_total(client):
    response = client.get(reverse("report-ageing"), {"as_of": "2026-04-20"})
    assert response.status_code == 200, response.content
    return response, response.json()["totals"]["total"]


def test_the_writer_reads_their_own_write_from_the_primary_others_read_the_lagging_replica(world):
    """A branch system pushes an invoice while replay is paused: its own ageing call is served by the primary
    (pinned: the replica has not replayed the write) and shows it; the director's is served by the replica,
    without it, saying the lag. After replay resumes both read the replica and agree."""
    branch, director = world["people"]["key_hangzhou"], world["people"]["director"]
    _caught_up()  # the world's rows (the key's unit) on the replica
    _ageing_total(branch.api())  # the key's first use writes its last-used time: a write the replica must replay
    _caught_up()
    response, total = _ageing_total(branch.api())
    assert total == "1234.56" and response["X-Replica-Lag"] == "0.000"

    _pause()
    time.sleep(1.2)
    pushed = branch.api().post(
        "/api/v1/invoices/",
        {
            "customer_external_id": "RP-C-1",
            "external_id": "RP-I-2",
            "issue_date": "2026-04-05",
            "due_date": "2026-05-05",
            "amount": "100.00",
        },
        format="json",
    )
    assert pushed.status_code == 201, pushed.content
    response, total = _ageing_total(branch.api())
    assert total == "1334.56" and "X-Replica-Lag" not in response  # the primary: the writer sees the write
    response, total = _ageing_total(director.api())
    assert total == "1234.56" and float(response["X-Replica-Lag"]) > 1  # the replica, behind and saying so

    _replica_sql("SELECT pg_wal_replay_resume()")
    _caught_up()
    for person in (branch, director):
        # Caught up by LSN; on a loaded machine the first read may still race the replay of the commit, so
        # both must agree within a few seconds (seen once at a load average of 6).
        deadline = time.monotonic() + 10
        while True:
            response, total = _ageing_total(person.api())
            if total == "1334.56" or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert total == "1334.56" and response["X-Replica-Lag"] == "0.000"


def test_a_report_build_never_reads_a_replica_that_is_behind(world, settings):
    """The figures of a report come from the replica only once it has everything committed before the build
    started; while replay is paused the build waits REPLICA_BUILD_WAIT_SECONDS and reads the primary."""
    from reports.choices import ReportKind
    from reports.services import report_build

    settings.REPLICA_BUILD_WAIT_SECONDS = 0.3
    hd = world["units"]["HD"]

    def build():
        with CaptureQueriesContext(connections[REPLICA]) as on_replica, CaptureQueriesContext(connection) as on_primary:
            report_build(unit=hd, period="2026-03", kind=ReportKind.MONTHLY)
        figures = [
            [q["sql"] for q in captured.captured_queries if "performance_" in q["sql"]] for captured in (on_replica, on_primary)
        ]
        return [len(f) for f in figures]

    _caught_up()
    replica_reads, primary_reads = build()
    assert replica_reads > 0 and primary_reads == 0  # caught up: the figures from the replica

    _pause_and_write(world, "50.00", sleep=0)
    replica_reads, primary_reads = build()
    assert replica_reads == 0 and primary_reads > 0  # behind: the primary's figures, never stale ones


def test_a_replica_that_does_not_answer_leaves_the_primary_serving(world):
    replica = connections[REPLICA]
    port = replica.settings_dict["PORT"]
    replica.close()
    replica.settings_dict["PORT"] = _free_port()  # nothing listens there
    try:
        response = world["people"]["director"].web().get(reverse("dashboard:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    finally:
        replica.close()
        replica.settings_dict["PORT"] = port
    assert response.status_code == 200
    assert "X-Replica-Lag" not in response and 'id="replica-lag"' not in response.content.decode()
