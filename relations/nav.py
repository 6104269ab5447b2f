"""This app's entries in the main navigation (core/nav.py): visits, key customers, market intelligence,
complaints and suggestions, each for those whose scope holds them."""

# --- visits (客户走访) ---------------------------------------------------------------------------------------------
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402

from core import nav, worklist  # noqa: E402
from relations.selectors.visits import overdue_count  # noqa: E402


@nav.entries(nav.CUSTOMERS, order=70)
def visit_items(user, role):
    """Visits, whom to visit this week and the coverage of key customers, for everyone with a role."""
    if role is None:
        return []
    return [
        (_("Visits"), reverse("relations:visit_list")),
        (_("Whom to visit this week"), reverse("relations:visit_plan")),
        (_("Visit coverage"), reverse("relations:visit_coverage")),
    ]


@worklist.counts("visits_overdue")
def visits_work(user):
    """Overdue visits: a salesperson's own customers past their due day, a manager's key customers (one query)."""
    return {"visits_overdue": overdue_count(user, timezone.localdate())}
