"""This app's entries in the main navigation (core/nav.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import nav
from core.roles import Role

# Reports are the managers' and the center's: a salesperson has no report of their own.
READERS = frozenset({Role.DIRECTOR, Role.CENTER_STAFF, Role.REGIONAL_MANAGER, Role.PROVINCIAL_MANAGER, Role.DISTRICT_MANAGER})


@nav.entries(nav.PERFORMANCE, order=2)
def items(user, role):
    if role not in READERS:
        return []
    return [(_("Business reports"), reverse("reports:report_list"))]
