"""This app's entries in the main navigation (core/nav.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core import nav


# Promotional materials (推广用品, issue 17): every person with a role reads the stock of their part of the tree.
# Under Customers until the channels app has a section of its own (the main session decides at merge).
@nav.entries(nav.CUSTOMERS, order=60)
def promotion_items(user, role):
    if role is None:
        return []
    return [
        (_("Promotion events"), reverse("channels:promotion_event_list")),
        (_("Promotional materials"), reverse("channels:material_stock_list")),
    ]
