"""Demo data of performance: the monthly summaries of the demo facts (the customers demo loads those)."""

from performance.models import MonthlyFact
from performance.services import summaries_rebuild


def load_demo_performance(*, today=None):
    """Build the summaries of every month once; does nothing when summaries exist already. Call it after
    the customers demo. Returns {"rows": rows written} (0 when already loaded)."""
    if MonthlyFact.objects.unscoped().exists():
        return {"rows": 0}
    return {"rows": summaries_rebuild()}
