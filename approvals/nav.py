"""This app's entries in the main navigation (core/nav.py) and its counts in the worklist (core/worklist.py)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from approvals.choices import RequestState
from approvals.selectors import my_submissions, queue_for, waiting_count
from core import nav, worklist
from core.roles import Role, can


@nav.entries(nav.APPROVALS, order=1)
def items(user, role):
    """(label, url) pairs this user may follow; empty when the app has nothing for them."""
    if role is None or role == "branch_system":
        return []
    entries = []
    if role in (Role.DIRECTOR, Role.CENTER_STAFF):
        entries.append((_("Approval queue"), reverse("approvals:queue")))
    count = waiting_count(user=user)
    label = nav.counted(_("Waiting for me"), count, title=_("%(n)d waiting") % {"n": count})
    entries.append((label, reverse("approvals:waiting")))
    entries.append((_("My submissions"), reverse("approvals:mine")))
    if can(user, "calendar.change"):
        entries.append((_("Working calendar"), reverse("approvals:calendar")))
    return entries


@worklist.counts("waiting", "waiting_overdue", "submitted", "returned")
def work(user):
    """Decisions waiting for the person, and their own submissions in flight."""
    waiting = queue_for(user=user)
    # Pairs of counts over plain columns come from one query each (filtered counts).
    mine = my_submissions(user=user).aggregate(
        submitted=Count("pk", filter=Q(state=RequestState.SUBMITTED)),
        returned=Count("pk", filter=Q(state=RequestState.RETURNED)),
    )
    return {
        "waiting": waiting.count(),
        # (A filtered Count over the `overdue` annotation reads 0 on SQLite; a filtered count does not.)
        "waiting_overdue": waiting.filter(overdue=True).count(),
        **mine,
    }
