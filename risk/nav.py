"""This app's entries in the main navigation (core/nav.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core import nav


@nav.entries(nav.RISK, order=1)
def items(user, role):
    """(label, url) pairs this user may follow; empty when the app has nothing for them."""
    if role is None:
        return []
    entries = [
        (_("Risk overview"), reverse("risk:home")),
        (_("Customer credit grades"), reverse("risk:customer_rating_list")),
        (_("Sales staff credit grades"), reverse("risk:staff_rating_list")),
        # Everyone reads the schemes: a manager must know by which rules their customers are graded.
        (_("Rating schemes"), reverse("risk:scheme_list")),
    ]
    return entries
