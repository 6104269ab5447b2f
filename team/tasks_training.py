"""Background jobs of training (培训). Thin: each calls one service and is safe to run twice."""

import datetime

from celery import shared_task
from django.utils import timezone

from core.rights import SYSTEM
from team.services.training import training_reminders_send


@shared_task(name="team.training_reminders", soft_time_limit=600, time_limit=660)
def send_training_reminders(as_of=None):
    """Remind people of mandatory training that is due, at most once per person, course and ISO week, as of `as_of`
    (ISO date; default today)."""
    day = timezone.localdate() if as_of is None else datetime.date.fromisoformat(as_of)
    return training_reminders_send(by=SYSTEM, today=day)
