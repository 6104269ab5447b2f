"""Background jobs of the approval mechanism. Thin: each calls one service and is safe to run twice."""

from celery import shared_task

from approvals import services


@shared_task(name="approvals.escalate_overdue", soft_time_limit=300, time_limit=360)
def approvals_escalate_overdue():
    """Escalate requests past their SLA to the director (once each); returns how many were escalated."""
    return services.requests_escalate_overdue()


# The name this job had before it was named for what it does: messages already queued, and a beat still
# running the old schedule, keep working until they are gone. New code sends approvals.escalate_overdue.
@shared_task(name="approvals.remind_overdue", soft_time_limit=300, time_limit=360)
def approvals_remind_overdue():
    """Old name of approvals.escalate_overdue (it escalates; reminders are approvals.send_overdue_reminders)."""
    return services.requests_escalate_overdue()


@shared_task(name="approvals.send_overdue_reminders", soft_time_limit=300, time_limit=360)
def approvals_send_overdue_reminders():
    """Remind the approvers of overdue requests, once per day per request; returns how many were reminded."""
    return services.requests_remind_overdue()


@shared_task(name="approvals.calendar_check", soft_time_limit=60, time_limit=90)
def approvals_calendar_check():
    """Warn the Development Center once when next year's working calendar is missing (from 1 December)."""
    return services.calendar_warn_center()
