"""Channels' approval subjects (approvals.subjects): requirement plans for promotional materials (推广用品需求计划),
submitted to the Development Center; once approved they can be dispatched against."""

from approvals.choices import ApprovalKind, RequestState
from approvals.subjects import register_subject
from channels.choices import MaterialRequestState
from channels.models_promotion import MaterialRequest
from channels.services import material_request_snapshot

register_subject(
    MaterialRequest,
    kinds=[ApprovalKind.MATERIAL_REQUEST],
    waiting=MaterialRequestState.SUBMITTED,
    states={
        RequestState.APPROVED: MaterialRequestState.APPROVED,
        RequestState.RETURNED: MaterialRequestState.RETURNED,
        RequestState.REJECTED: MaterialRequestState.REJECTED,
        RequestState.WITHDRAWN: MaterialRequestState.WITHDRAWN,
    },
    stamps={RequestState.APPROVED: "approved_at"},
    snapshot=lambda obj: material_request_snapshot(request=obj),
    review=lambda obj, request: (
        "channels/_material_request_review.html",
        {"material_request": obj, "snapshot": request.snapshot},
    ),
)
