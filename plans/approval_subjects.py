"""A plan as an approval subject (approvals.subjects): submitted as the approval kind of its plan kind
(PLAN_<KIND>); its state follows the decision, and an approval sets its targets and turns its actions
into tasks (plans.services.plan_on_approved)."""

from approvals.choices import RequestState
from approvals.subjects import register_subject
from plans.choices import PlanKind, PlanState, approval_kind_of
from plans.models import Plan
from plans.selectors import plan_review_context
from plans.services import plan_on_approved, plan_snapshot


def snapshot(plan):
    return plan_snapshot(plan=plan)


def review(plan, request):
    return "plans/_plan_review.html", plan_review_context(plan=plan, request=request)


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
    on_approved=on_approved,
)
