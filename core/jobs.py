"""Background jobs that survive a dead worker: one claim, one heartbeat, one reaper for every model that
records a run of a long job (reports.ReportRun, customers.ImportJob).

Why: a worker killed with SIGKILL (out of memory, a redeploy, a host lost) cannot mark its run failed.
Without this a run stayed "running" for ever and the partial unique constraint refused every rebuild.

The mechanism, written once here:
- **claim** — a worker takes a run with ONE conditional UPDATE (healthchecks' habit): it succeeds only
  if the run is in a claimable state and nobody holds it (no heartbeat, a stale heartbeat, or a holder
  with the same token — the same Celery message delivered again after its execution was lost). The
  row count says who won, so two workers never run the same run. Each claim counts an attempt; a run
  that has already killed its worker `JOBS_MAX_ATTEMPTS` times is failed instead of tried again (a file
  that exhausts memory must not loop for ever under reject-on-worker-lost).
- **heartbeat** — `heartbeat_at` is written at the claim, with every progress write, and every
  `JOBS_HEARTBEAT_SECONDS` by a small thread on its own database connection while the job runs (a
  single long query or a long transaction, such as an import's commit, writes no progress that others
  can see). The thread dies with the process, so a dead worker's heartbeat goes stale. A write that finds
  the run no longer held by its token reports the claim as lost, and the job stops.
- **reaper** — runs held by a heartbeat older than `JOBS_STALE_AFTER_SECONDS` are failed, with a message
  the page shows ("the worker stopped; try again"). It runs from beat every minute (config/celery.py)
  and for one unit of work whenever someone asks again for a job that looks running.

A model joins by inheriting `HeartbeatJob` and naming its state field, its held states and its failure.
"""

import logging
import threading
import uuid

from django.apps import apps
from django.conf import settings
from django.db import close_old_connections, connections, models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)


class JobLost(Exception):
    """The run is no longer held by this execution (reaped as stale, or taken over): stop, write nothing."""


def stale_after():
    return timezone.timedelta(seconds=settings.JOBS_STALE_AFTER_SECONDS)


def new_token():
    """A holder's token when no Celery task id is at hand (a job run inside a web request)."""
    return f"local-{uuid.uuid4().hex}"


class HeartbeatJob(models.Model):
    """What every run of a long background job carries so that a dead worker is noticed: who holds the
    run (a token, the Celery task id), when it last showed life, and how many times it was taken."""

    heartbeat_at = models.DateTimeField(gettext_lazy("heartbeat at"), null=True, blank=True)
    claimed_by = models.CharField(gettext_lazy("held by"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(gettext_lazy("attempts"), default=0)

    # Set by each model: the name of its state field and the states in which a set heartbeat means a
    # worker holds the run (the reaper looks only there).
    job_state_field = "state"
    job_held_states = ()

    class Meta:
        abstract = True

    @classmethod
    def job_failure(cls, message):
        """The fields written when a run is failed by the reaper (a message the page shows)."""
        raise NotImplementedError

    @classmethod
    def job_worker_stopped_message(cls):
        return _("The worker running this job stopped (it was restarted or ran out of memory); try again.")


def job_claim(model, pk, *, token, states, values=None, where=None):
    """Take the run `pk` for the execution `token` if it is in one of `states` and nobody live holds it.
    One conditional UPDATE; True if this execution now holds the run. `values` are written with the
    claim (say, state=RUNNING); `where` narrows what may be claimed."""
    now = timezone.now()
    free = Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - stale_after()) | Q(claimed_by=token)
    query = Q(pk=pk, **{f"{model.job_state_field}__in": list(states)}) & free & Q(attempts__lt=settings.JOBS_MAX_ATTEMPTS)
    if where is not None:
        query &= where
    claimed = (
        model.objects.unscoped()
        .filter(query)
        .update(heartbeat_at=now, claimed_by=token, attempts=F("attempts") + 1, **(values or {}))
    )
    if not claimed:
        # Out of attempts: the run has killed its worker again and again; fail it rather than loop.
        worn = Q(pk=pk, **{f"{model.job_state_field}__in": list(states)}) & free & Q(attempts__gte=settings.JOBS_MAX_ATTEMPTS)
        model.objects.unscoped().filter(worn).update(
            heartbeat_at=None,
            **model.job_failure(
                _("The job stopped its worker %(count)d times and is not tried again; ask the administrator.")
                % {"count": settings.JOBS_MAX_ATTEMPTS}
            ),
        )
    return bool(claimed)


def job_beat(model, pk, *, token, where=None, **values):
    """A sign of life (with any progress fields), only while `token` holds the run. JobLost otherwise."""
    query = Q(pk=pk, claimed_by=token, heartbeat_at__isnull=False)
    if where is not None:
        query &= where
    if not model.objects.unscoped().filter(query).update(heartbeat_at=timezone.now(), **values):
        raise JobLost(f"{model.__name__} {pk} is no longer held by {token}")


def job_reap(model, *, where=None, now=None):
    """Fail every run of `model` held by a heartbeat older than JOBS_STALE_AFTER_SECONDS (its worker is
    gone). Returns how many. A conditional UPDATE too, so a worker that beats in the meantime keeps its run."""
    now = now or timezone.now()
    query = Q(heartbeat_at__lt=now - stale_after(), **{f"{model.job_state_field}__in": list(model.job_held_states)})
    if where is not None:
        query &= where
    reaped = (
        model.objects.unscoped().filter(query).update(heartbeat_at=None, **model.job_failure(model.job_worker_stopped_message()))
    )
    if reaped:
        logger.warning("reaped %d %s run(s) whose worker stopped", reaped, model.__name__)
    return reaped


def job_models():
    return [model for model in apps.get_models() if issubclass(model, HeartbeatJob)]


def jobs_reap_all(now=None):
    """The beat job: reap every heartbeat model. Returns {"app.Model": count}."""
    return {model._meta.label: job_reap(model, now=now) for model in job_models()}


class heartbeat:
    """While the block runs, beat the run every JOBS_HEARTBEAT_SECONDS from a daemon thread on its own
    database connection (so a long query or an open transaction of the job does not hide it). `lost`
    is set when the run is no longer held by `token`; `check()` raises JobLost then.

    Only in a real worker (`thread=True`): in a web request or an eager task the progress writes beat."""

    def __init__(self, model, pk, *, token, thread=True):
        self.model, self.pk, self.token, self.thread = model, pk, token, thread
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = None

    def __enter__(self):
        if self.thread:
            self._thread = threading.Thread(target=self._run, name=f"heartbeat-{self.model.__name__}-{self.pk}", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=settings.JOBS_HEARTBEAT_SECONDS + 5)
        return False

    def check(self):
        if self.lost.is_set():
            raise JobLost(f"{self.model.__name__} {self.pk} is no longer held by {self.token}")

    def _run(self):
        try:
            while not self._stop.wait(settings.JOBS_HEARTBEAT_SECONDS):
                try:
                    close_old_connections()
                    job_beat(self.model, self.pk, token=self.token)
                except JobLost:
                    self.lost.set()
                    return
                except Exception:  # a database hiccup: try again at the next beat
                    logger.warning("heartbeat of %s %s failed", self.model.__name__, self.pk, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections only
