"""Celery beat that sends each run of a schedule once, however many beat processes run (issue 20).

Every beat process (two may be started at once by a redeploy, or run on purpose on two machines so that one
survives the other) ticks the whole schedule as usual; before sending a due entry it claims that run in Redis —
`SET beat:run:<entry>:<the run's time> NX EX 3 days` — and only the process that wins the claim sends it. The
run's time is the crontab's slot (e.g. 08:30 of that day, in UTC), computed from the schedule and not from the
process's clock, so two processes started at different moments, one of them restarted from an old schedule
file, or machines whose clocks differ by seconds all name the same run the same. A process that loses the claim
moves on to the next run as if it had sent it. If one beat dies, the other keeps sending without any hand-over:
there is no leader to wait for, and a run the dead one had not yet claimed is still claimed and sent by the
other.

Without REDIS_URL (a local run, where tasks run eagerly anyway) it behaves like Celery's default scheduler.
Entries must be crontabs (all of config/celery.py's are; tests/core/test_beat_once.py checks it); an interval
schedule is claimed by the interval's number since the epoch.
"""

import logging
import os
import socket
from datetime import UTC

from celery.beat import PersistentScheduler
from celery.schedules import crontab
from django.conf import settings

logger = logging.getLogger(__name__)

CLAIM_TTL_SECONDS = 3 * 24 * 3600  # longer than any beat is expected to be down: its catch-up run stays claimed


def run_slot(entry, now=None):
    """The time of the run an entry that is due now stands for: the first slot of its schedule after its last
    run (what Celery sends when it finds the entry due), as text."""
    schedule = entry.schedule
    if isinstance(schedule, crontab):
        start, delta, _now = schedule.remaining_delta(entry.last_run_at)
        return (start + delta).astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")
    seconds = schedule.run_every.total_seconds()
    now = now or schedule.now()
    return f"every{int(seconds)}s#{int(now.timestamp() // seconds)}"


class SingleRunScheduler(PersistentScheduler):
    """PersistentScheduler whose sends are claimed run by run in Redis (see the module's docstring)."""

    #: Prefix of the claim keys (tests give each run a prefix of its own).
    key_prefix = "beat:run:"

    def __init__(self, *args, **kwargs):
        self._client = None
        self.identity = f"{socket.gethostname()}:{os.getpid()}"
        super().__init__(*args, **kwargs)

    @property
    def client(self):
        if self._client is None and settings.REDIS_URL:
            import redis  # lazy: only a beat process talks to Redis directly

            self._client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=10, socket_connect_timeout=10)
        return self._client

    def claim(self, entry):
        """True when this process may send the entry's due run (no other process has claimed it)."""
        client = self.client
        if client is None:
            return True
        key = f"{self.key_prefix}{entry.name}:{run_slot(entry)}"
        try:
            return bool(client.set(key, self.identity, nx=True, ex=CLAIM_TTL_SECONDS))
        except Exception:  # Redis (the broker too) is down: the send would fail as well; never send unclaimed
            logger.exception("beat: could not claim %s in Redis; the run is not sent by this process", key)
            return False

    def apply_entry(self, entry, producer=None):
        if not self.claim(entry):
            logger.info("beat: %s (%s) of %s was sent by another beat process", entry.name, entry.task, run_slot(entry))
            return
        super().apply_entry(entry, producer=producer)

    def close(self):
        super().close()
        if self._client is not None:
            self._client.close()
            self._client = None
