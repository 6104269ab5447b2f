"""Reads of reports, dashboards, exports and the ageing API from a streaming replica (DATABASE_REPLICA_URL).

Nothing reads from the replica unless it is asked to (docs/DECISIONS.md, "Read replica"):

- `use_replica()` — a context manager (and decorator) around a read-only piece of work, such as the figures
  phase of a report build (reports.services.report_build). Inside it the router sends reads to the replica;
  writes always go to the primary, and so do reads inside a transaction on the primary (they must see what
  the transaction wrote, and `select_for_update` reads are writes anyway).
- `ReplicaReadMixin` — on read-only pages and API views (the dashboard, the ageing page, its export and its
  API, report downloads). Per request it asks the replica how far behind it is (`replica_status`), keeps the
  answer on `request.replica_read` for the page's banner (templates/inc/replica_lag.html, a figure older than
  REPLICA_MAX_LAG_SECONDS is marked stale) and the `X-Replica-Lag` header, and reads from the replica — unless
  the person's own last write is not on the replica yet (ReplicaPinMiddleware), or the replica does not
  answer: then the primary serves the request.

Without DATABASE_REPLICA_URL there is no "replica" alias and all of this reads from the primary.
"""

import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from core import formats

REPLICA = "replica"
PIN_PREFIX = "replica-pin:"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

logger = logging.getLogger("regsales.replica")

# True while the current piece of work reads from the replica (per thread / per asyncio task).
_reading = ContextVar("replica_reading", default=False)


def replica_configured():
    """Whether a replica alias is configured (DATABASE_REPLICA_URL set)."""
    return REPLICA in connections.settings


@contextmanager
def use_replica(enabled=True):
    """Reads inside go to the replica (when one is configured and `enabled`); writes stay on the primary."""
    token = _reading.set(bool(enabled) and replica_configured())
    try:
        yield
    finally:
        _reading.reset(token)


@contextmanager
def use_primary():
    """Reads inside go to the primary, even inside `use_replica()` (a read that must see a write just made)."""
    token = _reading.set(False)
    try:
        yield
    finally:
        _reading.reset(token)


def reading_alias():
    """The alias reads go to right now: "replica" inside `use_replica()` (outside any primary transaction)."""
    if _reading.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return REPLICA
    return DEFAULT_DB_ALIAS


def read_connection():
    """The connection raw SQL reads should use right now (the benchmark's oracles, for instance)."""
    return connections[reading_alias()]


class ReportReplicaRouter:
    """Reads to the replica inside `use_replica()`, everything else to the primary; never migrates the
    replica (it is a copy of the primary, read-only). An object read from the replica and one from the
    primary are rows of the same database, so relations between them are allowed."""

    def db_for_read(self, model, **hints):
        return reading_alias()

    def db_for_write(self, model, **hints):
        # Explicit: Django would otherwise write an instance back to the alias it was read from.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        aliases = {DEFAULT_DB_ALIAS, REPLICA}
        return obj1._state.db in aliases and obj2._state.db in aliases

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA


# ------------------------------------------------------------------------------------------------ the lag


def parse_lsn(text):
    """A PostgreSQL LSN ("16/B374D848") as an integer; None for None or anything malformed."""
    try:
        high, low = str(text).split("/")
        return (int(high, 16) << 32) + int(low, 16)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class ReplicaStatus:
    """How far behind the primary the replica is, as a page tells it.

    `lag_seconds`: 0 when the replica has replayed everything the primary had written when asked; otherwise
    the age of the last transaction it replayed (None: it has replayed none since it started). `replayed_at`:
    that transaction's commit time — what the figures read from the replica are as of."""

    lag_seconds: float | None
    replayed_at: datetime | None
    replayed_lsn: int | None
    max_lag_seconds: float

    @property
    def behind(self):
        return self.lag_seconds is None or self.lag_seconds > 0

    @property
    def lag_text(self):
        """The lag in seconds as a page writes it (one decimal, grouped)."""
        return formats.number(self.lag_seconds, 1)

    @property
    def stale(self):
        return self.lag_seconds is None or self.lag_seconds > self.max_lag_seconds

    def has_replayed(self, lsn):
        """Whether the replica has replayed the WAL up to `lsn` (a primary position pinned after a write)."""
        return lsn is None or (self.replayed_lsn is not None and self.replayed_lsn >= lsn)


def max_lag_seconds():
    return float(getattr(settings, "REPLICA_MAX_LAG_SECONDS", 30))


def primary_lsn():
    """The primary's current WAL position (None where the primary is not PostgreSQL).

    The insert position, not pg_current_wal_lsn()'s write position: with synchronous_commit off a commit's WAL
    may still sit in the WAL buffers, behind the write position, and a replica paused before it would count as
    having replayed everything (seen in CI: a report build read a replica that lacked the last invoice)."""
    primary = connections[DEFAULT_DB_ALIAS]
    if primary.vendor != "postgresql":
        return None
    with primary.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        return parse_lsn(cursor.fetchone()[0])


def replica_status():
    """Ask the primary where its WAL is and the replica what it has replayed (two one-row queries).

    A replica that is not in recovery (the primary itself named as its own replica, a test mirror) or not
    PostgreSQL is never behind. Raises DatabaseError when the replica does not answer."""
    replica = connections[REPLICA]
    if replica.vendor != "postgresql":
        return ReplicaStatus(0.0, None, None, max_lag_seconds())
    head = primary_lsn()
    with replica.cursor() as cursor:
        cursor.execute(
            "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text, pg_last_xact_replay_timestamp(),"
            " EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())"
        )
        in_recovery, replayed, replayed_at, age = cursor.fetchone()
    if not in_recovery:
        return ReplicaStatus(0.0, None, None, max_lag_seconds())
    replayed_lsn = parse_lsn(replayed)
    if head is not None and replayed_lsn is not None and replayed_lsn >= head:
        lag = 0.0  # everything the primary had written is replayed: the figures are current
    else:
        lag = None if age is None else max(0.0, float(age))
    return ReplicaStatus(lag, replayed_at, replayed_lsn, max_lag_seconds())


def replica_caught_up(*, timeout):
    """For work that must see everything committed before it starts (a report build): wait up to `timeout`
    seconds for the replica to replay the primary's WAL position of now. True: read from the replica;
    False: no replica, it does not answer, or it is still behind — read from the primary."""
    if not replica_configured():
        return False
    try:
        head = primary_lsn()
        deadline = time.monotonic() + timeout
        while True:
            status = replica_status()
            if head is None or status.has_replayed(head) or not status.behind:
                return True
            if time.monotonic() >= deadline:
                logger.info("the replica is %s s behind: reading from the primary", status.lag_seconds)
                return False
            time.sleep(0.1)
    except DatabaseError:
        logger.warning("the replica does not answer: reading from the primary", exc_info=True)
        connections[REPLICA].close()
        return False


# ------------------------------------------------------------------------------ read-after-write: pinning


def principal_key(user):
    """Who made a request, for pinning: a branch system's key or a person; None for anonymous callers."""
    api_key = getattr(user, "api_key", None)
    if api_key is not None:
        return f"{PIN_PREFIX}key:{api_key.pk}"
    if getattr(user, "is_authenticated", False):
        return f"{PIN_PREFIX}user:{user.pk}"
    return None


class ReplicaPinMiddleware:
    """After a person's (or a branch key's) write request, remember the primary's WAL position for
    REPLICA_PIN_SECONDS: until the replica has replayed up to it, that principal's replica pages read from
    the primary, so they see what they just wrote. One query and one cache write per unsafe request, and
    only when a replica is configured."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method in UNSAFE_METHODS and replica_configured():
            key = principal_key(getattr(request, "user", None))
            if key is not None:
                try:
                    lsn = primary_lsn()
                except DatabaseError:  # the response is already made: a failed pin only costs freshness
                    logger.warning("could not read the primary's WAL position to pin %s", key, exc_info=True)
                    lsn = None
                if lsn is not None:
                    cache.set(key, lsn, timeout=getattr(settings, "REPLICA_PIN_SECONDS", 60))
        return response


# ------------------------------------------------------------------------------------------------- views


def replica_choose(request, user=None):
    """Decide, once per request, whether it reads from the replica; set `request.replica_read` (the status
    the page shows) and route the reads. The primary serves it when no replica is configured, when the
    replica does not answer, or when the person's own last write is not on the replica yet."""
    request.replica_read = None
    key = principal_key(user if user is not None else getattr(request, "user", None))
    if key is None or not replica_configured():
        return False  # anonymous: the page will send them to log in
    pinned = cache.get(key)
    try:
        status = replica_status()
    except DatabaseError:
        logger.warning("the replica does not answer: %s reads from the primary", request.path, exc_info=True)
        connections[REPLICA].close()
        return False
    if not status.has_replayed(pinned):
        return False  # read-after-write: this person's write is not on the replica yet
    request.replica_read = status
    _reading.set(True)
    return True


class ReplicaReadMixin:
    """For a read-only page or API view: its reads go to the replica when one is configured (see the module's
    docstring). Put it first among the bases (anonymous callers never reach the replica). The response is rendered while the replica is in use (a list's
    rows are read by its template), and says the replica's lag in `X-Replica-Lag` (seconds)."""

    def dispatch(self, request, *args, **kwargs):
        token = _reading.set(False)
        try:
            if not _is_drf(self):
                replica_choose(request)  # a page: the person is known already (DRF views decide in initial())
            response = super().dispatch(request, *args, **kwargs)
            if callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True):
                response.render()
        finally:
            _reading.reset(token)
        status = getattr(request, "replica_read", None)
        if status is not None:
            response["X-Replica-Lag"] = "unknown" if status.lag_seconds is None else f"{status.lag_seconds:.3f}"
        return response

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # DRF: authentication first (a branch key is known here)
        replica_choose(request._request, user=request.user)


def _is_drf(view):
    """A DRF view authenticates inside dispatch (initial()); a plain page before it (the middleware)."""
    return callable(getattr(view, "initial", None)) and callable(getattr(view, "finalize_response", None))
