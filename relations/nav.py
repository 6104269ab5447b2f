"""This app's entries in the main navigation (core/nav.py): visits, key customers, market intelligence,
complaints and suggestions, each for those whose scope holds them."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import nav, worklist
from relations.selectors.complaints import complaint_worklist
from relations.selectors.visits import overdue_count


# --- key customers and suggestions (helper keycust) ---------------------------------------------------------------
@nav.entries(nav.CUSTOMERS, order=35)
def keycust_items(user, role):
    """Key customers and their long-term plans, for everyone whose scope holds customers (a salesperson their own)."""
    if role is None:
        return []
    return [
        (_("Key customers"), reverse("relations:keycust_list")),
        (_("Key-customer plans"), reverse("relations:keycust_plan_list")),
    ]


@nav.entries(nav.CUSTOMERS, order=90)
def suggestion_items(user, role):
    """Suggestions: the list of the reader's scope (the center's: company-wide) and their own."""
    if role is None or getattr(user, "staff_profile", None) is None:
        return []
    return [
        (_("Suggestions"), reverse("relations:suggestion_list")),
        (_("My suggestions"), reverse("relations:suggestion_list") + "?mine=true"),
    ]


@nav.entries(nav.CUSTOMERS, order=70)
def market_items(user, role):
    """Market intelligence (市场信息) of the reader's part of the tree, and its overview per region and quarter."""
    if role is None:
        return []
    return [
        (_("Market intelligence"), reverse("relations:market_report_list")),
        (_("Market overview"), reverse("relations:market_overview")),
    ]


# --- visits (客户走访) ---------------------------------------------------------------------------------------------
@nav.entries(nav.CUSTOMERS, order=75)
def visit_items(user, role):
    """Visits, whom to visit this week and the coverage of key customers, for everyone with a role."""
    if role is None:
        return []
    return [
        (_("Visits"), reverse("relations:visit_list")),
        (_("Whom to visit this week"), reverse("relations:visit_plan")),
        (_("Visit coverage"), reverse("relations:visit_coverage")),
        (_("Visit rules"), reverse("relations:visit_rule_list")),
    ]


@worklist.counts("visits_overdue")
def visits_work(user):
    """Overdue visits: a salesperson's own customers past their due day, a manager's key customers (one query)."""
    return {"visits_overdue": overdue_count(user, timezone.localdate())}


# --- complaints (投诉) ------------------------------------------------------------------------------------------------
@nav.entries(nav.CUSTOMERS, order=80)
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
