"""This app's entries in the main navigation (core/nav.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core import nav
from core.roles import can


@nav.entries(nav.PERFORMANCE, order=3)
def items(user, role):
    """(label, url) pairs this user may follow: appraisal for every person with a role; rewards for
    those who propose them (managers, the center) — a salesperson reads their own on the same page."""
    if not can(user, "appraisal.view"):
        return []
    entries = [(_("Appraisal"), reverse("appraisal:scheme_list"))]
    if can(user, "reward.propose"):
        entries.append((_("Rewards"), reverse("appraisal:reward_list")))
    return entries
