"""Background jobs of performance. Thin: each calls one service and is safe to run twice (a rebuild
replaces whole months atomically; two at once are serialised by a lock)."""

from datetime import date

from celery import shared_task

from performance import services


@shared_task(name="performance.refresh_recent", soft_time_limit=240, time_limit=300)
def refresh_recent(today=None):
    """Re-aggregate the current and the previous month's summaries from the facts (beat: every 10 minutes).
    `today` (ISO date) only to re-run a given day. Returns the number of summary rows written."""
    return services.summaries_refresh_recent(today=date.fromisoformat(today) if today else None)


@shared_task(name="performance.rebuild_summaries", soft_time_limit=3000, time_limit=3600)
def rebuild_summaries(months=None):
    """Rebuild the given months ("2026-07", "2026-Q3", "2026") or, without, every month (beat: nightly),
    so that late corrections to older months (a reversal, a cancellation, a back-dated import) show."""
    return services.summaries_rebuild(months=months)
