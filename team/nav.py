"""This app's entries in the main navigation (core/nav.py): recruitment, training, capability assessment,
promotion recommendations and the team dashboard, each for those whose scope holds them."""

from django.urls import reverse  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402

from core import nav  # noqa: E402
from core.roles import can  # noqa: E402
from team.rights.recruit import RECRUIT_RIGHT  # noqa: E402


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
