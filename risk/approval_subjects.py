"""Rating schemes as approval subjects (approvals.subjects): submitted while the request waits; in force
once approved (retiring the scheme in force for the same subject); a draft again when returned or
withdrawn."""

from approvals.choices import ApprovalKind, RequestState
from approvals.subjects import register_subject
from risk.choices import ImprovementState, SchemeState
from risk.models import ImprovementPlan, RatingScheme
from risk.services import improvement_on_approved, improvement_snapshot, scheme_on_approved, scheme_snapshot


def snapshot_scheme(scheme):
    return scheme_snapshot(scheme=scheme)


def review_scheme(scheme, request):
    return "risk/_scheme_review.html", {"scheme": scheme, "factors": list(scheme.factors.all()), "snapshot": request.snapshot}


def on_scheme_approved(scheme, request):
    scheme_on_approved(scheme=scheme)


register_subject(
    RatingScheme,
    kinds=[ApprovalKind.RATING_SCHEME],
    waiting=SchemeState.SUBMITTED,
    states={
        RequestState.APPROVED: SchemeState.APPROVED,
        RequestState.RETURNED: SchemeState.DRAFT,
        RequestState.REJECTED: SchemeState.REJECTED,
        RequestState.WITHDRAWN: SchemeState.DRAFT,
    },
    stamps={RequestState.APPROVED: "approved_at"},
    snapshot=snapshot_scheme,
    review=review_scheme,
    on_approved=on_scheme_approved,
)


# --- improvement plans (整改方案) ---------------------------------------------------------------------------------
# Submitted while the request waits; approved (each measure becomes a task, improvement_on_approved) and in
# progress from its first month (the nightly job); a draft again when returned or withdrawn.


def snapshot_improvement(plan):
    return improvement_snapshot(plan=plan)


def review_improvement(plan, request):
    return "risk/_improvement_review.html", {"plan": plan, "snapshot": request.snapshot}


def on_improvement_approved(plan, request):
    improvement_on_approved(plan=plan)


register_subject(
    ImprovementPlan,
    kinds=[ApprovalKind.IMPROVEMENT_PLAN],
    waiting=ImprovementState.SUBMITTED,
    states={
        RequestState.APPROVED: ImprovementState.APPROVED,
        RequestState.RETURNED: ImprovementState.DRAFT,
        RequestState.REJECTED: ImprovementState.REJECTED,
        RequestState.WITHDRAWN: ImprovementState.DRAFT,
    },
    stamps={RequestState.APPROVED: "approved_at"},
    snapshot=snapshot_improvement,
    review=review_improvement,
    on_approved=on_improvement_approved,
)
