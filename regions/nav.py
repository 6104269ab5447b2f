"""This app's entries in the main navigation (core/nav.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import nav
from core.roles import can


@nav.entries(nav.ORGANISATION, order=1)
def items(user, role):
    """The organisation and the staff archive for everyone with a role (inside their scope); API keys for
    those who may see them."""
    entries = [(_("Organisation"), reverse("regions:orgunit_list")), (_("Staff"), reverse("regions:staff_list"))]
    if can(user, "apikey.view"):
        entries.append((_("API keys"), reverse("regions:apikey_list")))
    return entries
