"""This app's entries in the main navigation (core/nav.py) and its count in the worklist (core/worklist.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core import nav, worklist
from notifications.models import Notification


@nav.entries(nav.LINKS, order=2)
def items(user, role):
    """(label, url) pairs this user may follow; empty when the app has nothing for them."""
    if user is None or not user.is_authenticated or getattr(user, "principal_role", None):
        return []
    count = Notification.objects.for_user(user).unread().count()
    label = nav.counted(_("Messages"), count, title=_("%(n)d unread") % {"n": count})
    return [(label, reverse("notifications:inbox"))]


@worklist.counts("unread")
def work(user):
    return {"unread": Notification.objects.for_user(user).unread().count()}
