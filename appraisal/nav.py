"""This app's entries in the main navigation (read by core.context_processors.navigation)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.roles import can


def items(user, role):
    """(label, url) pairs this user may follow: appraisal for every person with a role; rewards for
    those who propose them (managers, the center) — a salesperson reads their own on the same page."""
    if not can(user, "appraisal.view"):
        return []
    entries = [(_("Appraisal"), reverse("appraisal:scheme_list"))]
    if can(user, "reward.propose"):
        entries.append((_("Rewards"), reverse("appraisal:reward_list")))
    return entries
