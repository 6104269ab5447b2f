"""Background jobs of customer relations. Thin: each calls one service and is safe to run twice."""

import datetime

from celery import shared_task
from django.utils import timezone

from core.rights import SYSTEM
from relations.services.complaints import complaints_escalate


# --- complaints (投诉) ------------------------------------------------------------------------------------------------
@shared_task(name="relations.complaints_escalate", soft_time_limit=600, time_limit=660)
def escalate_complaints(as_of=None):
    """Escalate each complaint past its SLA without a result one level up the org tree — on working days, once per
    complaint and day — as of `as_of` (ISO date; default today)."""
    day = timezone.localdate() if as_of is None else datetime.date.fromisoformat(as_of)
    return complaints_escalate(today=day, by=SYSTEM)
