"""The team app's approval subjects (approvals.subjects).

Recruitment: a headcount request (编制申请) waits in `submitted`; approved, it opens one vacancy per seat
(team.services.recruit.headcount_on_approved); returned, it can be changed and submitted again; rejected or
withdrawn, it ends."""

from approvals.choices import ApprovalKind, RequestState
from approvals.subjects import register_subject
from team.models.recruit import HeadcountRequest, HeadcountState
from team.services.recruit import headcount_on_approved, headcount_snapshot

register_subject(
    HeadcountRequest,
    kinds=[ApprovalKind.HEADCOUNT_REQUEST],
    waiting=HeadcountState.SUBMITTED,
    states={
        RequestState.APPROVED: HeadcountState.APPROVED,
        RequestState.RETURNED: HeadcountState.RETURNED,
        RequestState.REJECTED: HeadcountState.REJECTED,
        RequestState.WITHDRAWN: HeadcountState.WITHDRAWN,
    },
    stamps={RequestState.APPROVED: "approved_at"},
    snapshot=lambda obj: headcount_snapshot(request=obj),
    review=lambda obj, request: ("team/_headcount_review.html", {"headcount_request": obj, "snapshot": request.snapshot}),
    on_approved=lambda obj, request: headcount_on_approved(request=obj),
)
