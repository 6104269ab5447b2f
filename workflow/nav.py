"""This app's entries in the main navigation (read by core.context_processors.navigation)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from workflow.selectors import overdue_count


def items(user, role):
    """(label, url) pairs this user may follow; empty when the app has nothing for them.

    "Tasks", with the number of the user's own overdue tasks when there are any (one COUNT query)."""
    if role is None:
        return []
    label = _("Tasks")
    overdue = overdue_count(user)
    if overdue:
        label = _("Tasks (%(n)d overdue)") % {"n": overdue}
    return [(label, reverse("workflow:task_list"))]
