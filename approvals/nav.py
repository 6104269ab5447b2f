"""This app's entries in the main navigation (read by core.context_processors.navigation)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from approvals.selectors import waiting_count
from core.roles import Role, can


def items(user, role):
    """(label, url) pairs this user may follow; empty when the app has nothing for them."""
    if role is None or role == "branch_system":
        return []
    entries = []
    if role in (Role.DIRECTOR, Role.CENTER_STAFF):
        entries.append((_("Approval queue"), reverse("approvals:queue")))
    count = waiting_count(user=user)
    label = _("Waiting for me")
    entries.append((f"{label} ({count})" if count else label, reverse("approvals:waiting")))
    entries.append((_("My submissions"), reverse("approvals:mine")))
    if can(user, "calendar.change"):
        entries.append((_("Working calendar"), reverse("approvals:calendar")))
    return entries
