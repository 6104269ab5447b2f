"""This app's entries in the main navigation (core/nav.py) and its count in the worklist (core/worklist.py)."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from core import nav, worklist
from risk.selectors import my_open_events


@nav.entries(nav.CUSTOMERS, order=2)
def items(user, role):
    """ "Special events" for everyone with a role, with the number of open events the person owns."""
    if role is None:
        return []
    owned = my_open_events(user).count()
    label = nav.counted(_("Special events"), owned, alert=True, title=_("%(n)d open, owned by me") % {"n": owned})
    return [(label, reverse("risk:event_list"))]


@worklist.counts("events_open")
def work(user):
    """The open special events the person owns (one query)."""
    return my_open_events(user).aggregate(events_open=Count("pk"))
