"""Background jobs of shared mechanisms. Thin: each calls one service and is safe to run twice."""

from celery import shared_task

from core.idempotency import idempotency_purge


@shared_task(name="core.idempotency_purge", soft_time_limit=300, time_limit=360)
def idempotency_purge_task():
    """Forget idempotency keys older than 48 hours (callers are promised at least 24)."""
    return idempotency_purge()
