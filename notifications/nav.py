"""This app's entries in the main navigation (read by core.context_processors.navigation)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.models import Notification


def items(user, role):
    """(label, url) pairs this user may follow; empty when the app has nothing for them."""
    if user is None or not user.is_authenticated or getattr(user, "principal_role", None):
        return []
    count = Notification.objects.for_user(user).unread().count()
    label = _("Messages")
    return [(f"{label} ({count})" if count else label, reverse("notifications:inbox"))]
