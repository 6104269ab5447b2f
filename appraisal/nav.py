"""This app's entries in the main navigation (read by core.context_processors.navigation)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from appraisal import rights


def items(user, role):
    """(label, url) pairs this user may follow: appraisal for every person with a role; rewards for
    those who propose them (managers, the center) — a salesperson reads their own on the same page."""
    if not rights.may(user, "appraisal.view"):
        return []
    entries = [(_("Appraisal"), reverse("appraisal:scheme_list"))]
    if rights.may(user, "reward.propose"):
        entries.append((_("Rewards"), reverse("appraisal:reward_list")))
    return entries
