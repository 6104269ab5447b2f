"""This app's entries in the main navigation (core/nav.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import nav


@nav.entries(nav.PERFORMANCE, order=1)
def items(user, role):
    """(label, url) pairs this user may follow; empty when the app has nothing for them.

    Everyone with a scope reads attainment inside it (a salesperson: their own)."""
    if role is None or role == "branch_system":
        return []
    return [(_("Attainment"), reverse("performance:attainment")), (_("Sales by channel"), reverse("channel_sales:sales"))]
