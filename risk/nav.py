"""This app's entries in the main navigation (core/nav.py) and its count in the worklist (core/worklist.py)."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from core import nav, worklist
from risk.selectors import my_open_events


@nav.entries(nav.CUSTOMERS, order=2)
def items(user, role):
    """Special events, for everyone with a role. No count on the bar: the worklist says how many open events
    the person owns (one query a page is enough)."""
    if role is None:
        return []
    return [(_("Special events"), reverse("risk:event_list"))]


@worklist.counts("events_open")
def work(user):
    """The open special events the person owns (one query)."""
    return my_open_events(user).aggregate(events_open=Count("pk"))
