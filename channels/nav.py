"""This app's entries in the main navigation (core/nav.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core import nav


@nav.entries(nav.CUSTOMERS, order=30)
def contract_items(user, role):
    """Contracts (合同) of the reader's scope."""
    if role is None:
        return []
    return [(_("Contracts"), reverse("channels:contract_list"))]
