"""Background jobs of tasks. Thin: each calls one service and is safe to run twice."""

from datetime import date

from celery import shared_task

from workflow import services


@shared_task(name="workflow.remind_overdue", soft_time_limit=600, time_limit=720)
def workflow_remind_overdue(today=None):
    """Remind owners of tasks due today or overdue (once a day) and escalate to supervisors those a working
    day late (once); `today` (ISO date) only for a re-run of a missed day. Returns the counts."""
    return services.tasks_remind_overdue(today=date.fromisoformat(today) if today else None)
