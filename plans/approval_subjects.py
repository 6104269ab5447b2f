"""A plan as an approval subject (approvals.subjects): submitted as the approval kind of its plan kind
(PLAN_<KIND>); its state follows the decision, and an approval sets its targets and turns its actions
into tasks (plans.services.plan_on_approved)."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from approvals.choices import RequestState
from approvals.subjects import Headline, register_subject
from plans.choices import COUNT_METRICS, Metric, PlanKind, PlanState, approval_kind_of
from plans.models import Plan
from plans.selectors import plan_review_context
from plans.services import plan_on_approved, plan_snapshot


def snapshot(plan):
    return plan_snapshot(plan=plan)


def review(plan, request):
    return "plans/_plan_review.html", plan_review_context(plan=plan, request=request)


def headline(snapshot):
    """A plan's main figure in the approval queue, from what was submitted: its sales target (the line of
    the longest period — the year before its quarters and months), else its first target line, else its
    budget; None for a plan of text and actions only."""
    targets = [line for line in snapshot.get("targets") or [] if line.get("value") not in (None, "")]
    if targets:
        sales = [line for line in targets if line.get("metric") == Metric.SALES_AMOUNT]
        line = min(sales, key=lambda line: len(str(line.get("period", "")))) if sales else targets[0]
        try:
            label = Metric(line["metric"]).label
        except ValueError:
            label = line.get("metric_label") or line["metric"]
        return Headline(
            label=_("%(metric)s target") % {"metric": label},
            value=_decimal(line["value"]),
            money=line.get("metric") not in COUNT_METRICS,
        )
    budget = _decimal((snapshot.get("totals") or {}).get("budget"))
    return Headline(label=_("Budget"), value=budget) if budget else None


def _decimal(text):
    try:
        return Decimal(str(text))
    except (InvalidOperation, TypeError, ValueError):
        return None


def on_approved(plan, request):
    plan_on_approved(plan=plan, request=request)


register_subject(
    Plan,
    kinds=[approval_kind_of(kind) for kind in PlanKind],
    waiting=PlanState.SUBMITTED,
    states={
        RequestState.APPROVED: PlanState.APPROVED,
        RequestState.RETURNED: PlanState.RETURNED,
        RequestState.REJECTED: PlanState.REJECTED,
        RequestState.WITHDRAWN: PlanState.WITHDRAWN,
    },
    stamps={RequestState.APPROVED: "approved_at"},
    snapshot=snapshot,
    review=review,
    headline=headline,
    on_approved=on_approved,
)
