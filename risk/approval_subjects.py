"""Rating schemes as approval subjects (approvals.subjects): submitted while the request waits; in force
once approved (retiring the scheme in force for the same subject); a draft again when returned or
withdrawn."""

from approvals.choices import ApprovalKind, RequestState
from approvals.subjects import register_subject
from risk.choices import SchemeState
from risk.models import RatingScheme
from risk.services import scheme_on_approved, scheme_snapshot


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
