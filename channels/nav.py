"""This app's entries in the main navigation (core/nav.py), under Customers: the channel archive beside the
customers', the contracts (合同) of the reader's scope, and promotion events and materials (推广活动、推广用品)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core import nav


@nav.entries(nav.CUSTOMERS, order=5)
def items(user, role):
    """Everyone with a role reads the channels of their part of the organisation (a salesperson their own)."""
    if role is None:
        return []
    return [(_("Channels"), reverse("channels:channel_list"))]


@nav.entries(nav.CUSTOMERS, order=30)
def contract_items(user, role):
    """Contracts (合同) of the reader's scope."""
    if role is None:
        return []
    return [(_("Contracts"), reverse("channels:contract_list"))]


@nav.entries(nav.CUSTOMERS, order=60)
def promotion_items(user, role):
    """Promotion events and the stock of promotional materials of the reader's part of the tree."""
    if role is None:
        return []
    return [
        (_("Promotion events"), reverse("channels:promotion_event_list")),
        (_("Promotional materials"), reverse("channels:material_stock_list")),
    ]
