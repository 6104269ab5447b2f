"""This app's entries in the main navigation (core/nav.py): recruitment, training, capability assessment,
promotion recommendations and the team dashboard, each for those whose scope holds them."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core import nav
from core.roles import BRANCH_SYSTEM, Role, can
from team.rights.recruit import RECRUIT_RIGHT


@nav.entries(nav.ORGANISATION, order=20)
def recruit_items(user, role):
    """Recruitment (招聘): headcount requests, vacancies and candidates, for managers and the center."""
    if not can(user, RECRUIT_RIGHT):
        return []
    return [
        (_("Headcount requests"), reverse("team:headcount_request_list")),
        (_("Vacancies"), reverse("team:vacancy_list")),
        (_("Candidates"), reverse("team:candidate_list")),
    ]


@nav.entries(nav.ORGANISATION, order=40)
def training_items(user, role):
    """Training (培训): the sessions and one's own training for everyone with a role; the catalogue; a unit's
    overview for managers and the center."""
    if role is None or role == "branch_system":
        return []
    items = [
        (_("Training sessions"), reverse("team:training_session_list")),
        (_("My training"), reverse("team:my_training")),
        (_("Course catalogue"), reverse("team:course_list")),
    ]
    if role != Role.SALES_REP:
        items.append((_("Training overview"), reverse("team:unit_training_mine")))
    return items


@nav.entries(nav.ORGANISATION, order=50)
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


@nav.entries(nav.ORGANISATION, order=10)
def dashboard_items(user, role):
    """The team dashboard (团队看板): managers and the center (the recruitment right's holders)."""
    if not can(user, RECRUIT_RIGHT):
        return []
    return [(_("Team dashboard"), reverse("team:dashboard"))]
