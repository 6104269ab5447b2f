"""This app's entries in the main navigation (core/nav.py): recruitment, training, capability assessment,
promotion recommendations and the team dashboard, each for those whose scope holds them."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import nav
from core.roles import BRANCH_SYSTEM


@nav.entries(nav.ORGANISATION, order=40)
def promo_items(user, role):
    """Capability assessment and promotion recommendations (issue 19): everyone who works has assessments (their
    own at least); the capability models are read by all and set by the center."""
    if role is None or role == BRANCH_SYSTEM:
        return []
    return [
        (_("Capability assessments"), reverse("team:assessment_cycle_list")),
        (_("Promotion recommendations"), reverse("team:promotion_list")),
        (_("Capability models"), reverse("team:capability_model_list")),
    ]
