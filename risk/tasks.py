"""Background jobs of risk control. Thin: each calls one service and is safe to run twice."""

from celery import shared_task

from risk.services import event_notify_reported


@shared_task(name="risk.notify_event_reported", soft_time_limit=60, time_limit=90)
def notify_event_reported(event_id):
    """Tell the regional manager and the Development Center of a reported special event (inbox and e-mail)."""
    return event_notify_reported(event_id=event_id)
