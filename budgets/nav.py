"""This app's entries in the main navigation (core/nav.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core import nav


@nav.entries(nav.PLANS, order=2)
def items(user, role):
    """(label, url) pairs this user may follow; empty when the app has nothing for them."""
    if role is None:
        return []
    return [(_("Budgets"), reverse("budgets:budget_list"))]
