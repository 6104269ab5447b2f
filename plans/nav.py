"""This app's entries in the main navigation (core/nav.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import nav


@nav.entries(nav.PLANS, order=1)
def items(user, role):
    """(label, url) pairs this user may follow; empty when the app has nothing for them.

    Every role reads plans and targets inside its scope (a salesperson: their own work plans and targets)."""
    if role is None or role == "branch_system":
        return []
    return [(_("Plans"), reverse("plans:plan_list")), (_("Targets"), reverse("plans:target_list"))]
