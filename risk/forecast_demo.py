"""Demo foresight (提前预见): the default-risk model trained on the demo ledger with today as its cut-off and
every customer scored — or, when the demo ledger holds too little history, the refusal stored with its
reason, which the pages show. Idempotent: does nothing when any model (or refusal) exists."""

from django.utils import timezone

from core.rights import SYSTEM
from risk import services
from risk.models import ForecastModel


def load_demo_forecasts(*, today=None):
    """Train and score once; returns what happened."""
    if ForecastModel.objects.unscoped().exists():
        return {"loaded": False}
    today = today or timezone.localdate()
    model = services.forecast_train(cutoff=today, by=SYSTEM)
    scored = services.forecast_score(as_of=today, by=SYSTEM)
    return {
        "loaded": True,
        "version": model.version,
        "state": str(model.state),
        "auc": str(model.auc) if model.auc is not None else None,
        "scored": scored["scored"] if scored else 0,
        "message": model.message,
    }
