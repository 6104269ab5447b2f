"""This app's entries in the main navigation (core/nav.py) and its counts in the worklist (core/worklist.py)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import nav, worklist
from workflow.choices import TaskState
from workflow.selectors import my_tasks, overdue_count


@nav.entries(nav.LINKS, order=1)
def items(user, role):
    """(label, url) pairs this user may follow; empty when the app has nothing for them.

    "Tasks", with the number of the user's own overdue tasks when there are any (one COUNT query)."""
    if role is None:
        return []
    overdue = overdue_count(user)
    label = nav.counted(_("Tasks"), overdue, alert=True, title=_("%(n)d overdue") % {"n": overdue})
    return [(label, reverse("workflow:task_list"))]


@worklist.counts("tasks_open", "tasks_overdue")
def work(user):
    """The person's open tasks, and how many of them are overdue (one query)."""
    today = timezone.localdate()
    return (
        my_tasks(user)
        .filter(state=TaskState.OPEN)
        .aggregate(tasks_open=Count("pk"), tasks_overdue=Count("pk", filter=Q(due_on__lt=today)))
    )
