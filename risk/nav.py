"""This app's entries in the main navigation (core/nav.py) and its count in the worklist (core/worklist.py)."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from core import nav, worklist
from risk.selectors import my_open_events, my_open_warnings, reads_board


@nav.entries(nav.RISK, order=1)
def items(user, role):
    """(label, url) pairs this user may follow; empty when the app has nothing for them. No count on the bar:
    the worklist says how many open events the person owns (one query a page is enough)."""
    if role is None:
        return []
    return [
        (_("Risk overview"), reverse("risk:home")),
        (_("Customer credit grades"), reverse("risk:customer_rating_list")),
        (_("Sales staff credit grades"), reverse("risk:staff_rating_list")),
        (_("Special events"), reverse("risk:event_list")),
        (_("Grade overrides"), reverse("risk:override_list")),
        # Everyone reads the schemes: a manager must know by which rules their customers are graded.
        (_("Rating schemes"), reverse("risk:scheme_list")),
        (_("Foresight: default risk"), reverse("risk:forecast_list")),
        (_("Units under improvement"), reverse("risk:improvement_list")),
        (_("Early warnings"), reverse("risk:warning_list")),
        (_("Warning rules"), reverse("risk:warning_rule_list")),
        # The company-wide risk board is the Development Center's (a 404 to anyone else).
        *([(_("Company risk board"), reverse("risk:board"))] if reads_board(user) else []),
        # Provisions for doubtful debts by ageing (坏账准备) and the collection forecast (回款预测), of the reader's unit.
        (_("Provisions for doubtful debts"), reverse("risk:provisions")),
        (_("Provision policies"), reverse("risk:provision_policy_list")),
        (_("Collection forecast"), reverse("risk:collection_forecast")),
        # Credit control (信用控制, issue 16): the credit-limit exceptions of the reader's scope.
        (_("Credit-limit exceptions"), reverse("risk:credit_exception_list")),
        (_("Exposure against caps"), reverse("risk:credit_exposure")),
        (_("Customers on credit hold"), reverse("risk:credit_hold_list")),
        (_("Credit policy"), reverse("risk:credit_policy_list")),
        (_("Suggested credit limits"), reverse("risk:limit_suggestion_list")),
        # Bad debts (呆坏账): proposals, the register and recoveries.
        (_("Write-offs"), reverse("risk:write_off_list")),
        (_("Bad-debt register"), reverse("risk:bad_debt_register")),
    ]


@worklist.counts("events_open")
def work(user):
    """The open special events the person owns (one query)."""
    return my_open_events(user).aggregate(events_open=Count("pk"))


@worklist.counts("warnings_open")
def warnings_work(user):
    """The open early warnings the person owns (one query)."""
    return my_open_warnings(user).aggregate(warnings_open=Count("pk"))
