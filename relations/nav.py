"""This app's entries in the main navigation (core/nav.py): visits, key customers, market intelligence,
complaints and suggestions, each for those whose scope holds them."""

# --- complaints (投诉) ------------------------------------------------------------------------------------------------
from django.urls import reverse  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402

from core import nav, worklist  # noqa: E402
from relations.selectors.complaints import complaint_worklist  # noqa: E402


@nav.entries(nav.CUSTOMERS, order=70)
def complaint_items(user, role):
    """Complaints of the reader's scope, the queue of their area and the view by product, channel and region."""
    if role is None:
        return []
    return [
        (_("Complaints"), reverse("relations:complaint_list")),
        (_("Complaint queue"), reverse("relations:complaint_queue")),
        (_("Complaints by product, channel and region"), reverse("relations:complaint_center")),
    ]


@worklist.counts("complaints_queue", "complaints_breached")
def complaint_work(user):
    """The complaints waiting in the person's area and how many of them are past their SLA (two queries)."""
    return complaint_worklist(user)
