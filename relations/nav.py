"""This app's entries in the main navigation (core/nav.py): visits, key customers, market intelligence,
complaints and suggestions, each for those whose scope holds them."""

from django.urls import reverse  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402

from core import nav  # noqa: E402


@nav.entries(nav.CUSTOMERS, order=70)
def market_items(user, role):
    """Market intelligence (市场信息) of the reader's part of the tree, and its overview per region and quarter."""
    if role is None:
        return []
    return [
        (_("Market intelligence"), reverse("relations:market_report_list")),
        (_("Market overview"), reverse("relations:market_overview")),
    ]
