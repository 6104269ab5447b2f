"""Background jobs of the channels app. Thin: each calls one service and is safe to run twice."""

import datetime

from celery import shared_task
from django.utils import timezone

from channels.services import contracts_remind
from core.rights import SYSTEM


@shared_task(name="channels.contracts_remind", soft_time_limit=600, time_limit=660)
def remind_contracts(as_of=None):
    """Remind owners of contracts ending in 30 and 7 days (once each) and move contracts to expiring / expired as
    of `as_of` (ISO date; default today)."""
    day = timezone.localdate() if as_of is None else datetime.date.fromisoformat(as_of)
    return contracts_remind(today=day, by=SYSTEM)
