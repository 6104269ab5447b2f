"""Background jobs of the dashboard. Thin: each calls one service and is safe to run twice (a rebuild
replaces one date atomically; two at once are serialised by a lock)."""

from datetime import date

from celery import shared_task

from dashboard import services


@shared_task(name="dashboard.refresh_receivables", soft_time_limit=480, time_limit=540)
def refresh_receivables(as_of=None):
    """Rebuild today's receivables snapshot (beat: every 10 minutes). On a month's last day the snapshot stays as that month end's. `as_of` (ISO
    date) only to re-run a given day. Returns the snapshot rows written."""
    result = services.receivables_snapshot_rebuild(as_of=date.fromisoformat(as_of) if as_of else None)
    return result["rows"]
