"""Background jobs of shared mechanisms. Thin: each calls one service and is safe to run twice."""

from celery import shared_task

from core.idempotency import idempotency_purge
from core.jobs import jobs_reap_all


@shared_task(name="core.idempotency_purge", soft_time_limit=300, time_limit=360)
def idempotency_purge_task():
    """Forget idempotency keys older than 48 hours (callers are promised at least 24)."""
    return idempotency_purge()


@shared_task(name="core.jobs_reap", soft_time_limit=50, time_limit=60)
def jobs_reap():
    """Fail the runs of long jobs whose worker stopped (a heartbeat older than JOBS_STALE_AFTER_SECONDS)."""
    return jobs_reap_all()
