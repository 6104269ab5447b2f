"""Demo data of the dashboard: the receivables snapshots of the demo invoices (today and the month ends
of the last 24 months), so the ageing charts and the overdue-share trend have something to show."""

from django.utils import timezone

from dashboard import services
from dashboard.models import ReceivableSnapshot

DEMO_MONTHS = 24


def load_demo_dashboard(*, today=None):
    """Build the snapshots not built yet (idempotent: a date that has rows is left as it is, so a second
    call adds nothing; a date without open invoices simply stays empty). Returns the counts added:
    {"snapshot_dates", "rows"}."""
    today = today or timezone.localdate()
    wanted = [*services.month_ends(today=today, months=DEMO_MONTHS), today]
    snapshots = ReceivableSnapshot.objects.unscoped()
    present = set(snapshots.filter(as_of__in=wanted).values_list("as_of", flat=True).distinct())
    rows_before = snapshots.count()
    for day in wanted:
        if day not in present:
            services.receivables_snapshot_rebuild(as_of=day)
    dates_after = snapshots.filter(as_of__in=wanted).values("as_of").distinct().count()
    return {"snapshot_dates": dates_after - len(present), "rows": snapshots.count() - rows_before}
