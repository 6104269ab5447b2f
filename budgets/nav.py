"""This app's entries in the main navigation (read by core.context_processors.navigation)."""

from django.urls import reverse
from django.utils.translation import gettext as _


def items(user, role):
    """(label, url) pairs this user may follow; empty when the app has nothing for them."""
    if role is None:
        return []
    return [(_("Budgets"), reverse("budgets:budget_list"))]
