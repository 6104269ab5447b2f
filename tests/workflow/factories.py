from datetime import timedelta

from django.utils import timezone

from workflow.services import task_create


def staff(personas):
    return {name: persona.staff for name, persona in personas.items() if persona.staff is not None}


def future(days=3):
    return timezone.localdate() + timedelta(days=days)


def make_task(owner, *, by=None, due_on=None, title="拜访客户", **kwargs):
    """A task made by the system (by=None) unless told; any due date allowed."""
    return task_create(title=title, owner=owner, due_on=due_on or future(), by=by, allow_past=True, **kwargs)
