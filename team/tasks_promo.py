"""Background jobs of promotion recommendations (issue 19). Thin: one service, safe to run twice."""

import datetime

from celery import shared_task
from django.utils import timezone

from team.services.promo import promotions_apply_due


@shared_task(name="team.promotions_apply_due", soft_time_limit=600, time_limit=660)
def apply_due_promotions(as_of=None):
    """Apply every approved promotion whose effective date has come by `as_of` (ISO date; default today)."""
    day = timezone.localdate() if as_of is None else datetime.date.fromisoformat(as_of)
    return promotions_apply_due(today=day)
