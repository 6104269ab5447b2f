"""The team app's approval subjects (approvals.subjects), one block per subject of issue 19."""

from approvals.choices import ApprovalKind, RequestState
from approvals.subjects import register_subject
from team.models.promo import CapabilityModel, ModelState, PromotionRecommendation, PromotionState
from team.models.recruit import HeadcountRequest, HeadcountState
from team.services.promo import (
    capability_model_on_approved,
    capability_model_snapshot,
    promotion_on_approved,
    promotion_snapshot,
)
from team.services.recruit import headcount_on_approved, headcount_snapshot

# Recruitment: a headcount request (编制申请) waits in `submitted`; approved, it opens one vacancy per seat
# (team.services.recruit.headcount_on_approved); returned, it can be changed and submitted again; rejected or
# withdrawn, it ends.
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

# A version of a role's capability model (能力模型): decided by the Development Center's pool; once approved it
# is the role's current version (the previous one superseded in the hook, before the state is written).
register_subject(
    CapabilityModel,
    kinds=[ApprovalKind.CAPABILITY_MODEL],
    waiting=ModelState.SUBMITTED,
    states={
        RequestState.APPROVED: ModelState.APPROVED,
        RequestState.RETURNED: ModelState.RETURNED,
        RequestState.REJECTED: ModelState.REJECTED,
        RequestState.WITHDRAWN: ModelState.WITHDRAWN,
    },
    stamps={RequestState.APPROVED: "approved_at"},
    snapshot=lambda model: capability_model_snapshot(model=model),
    review=lambda model, request: ("team/_capability_model_review.html", {"model": model, "snapshot": request.snapshot}),
    on_approved=capability_model_on_approved,
)

# A promotion recommendation (晋升建议): the ladder above the person's unit decides; approved, it is applied on its
# effective date (at once after the decision commits when that day has come; else by team.promotions_apply_due).
register_subject(
    PromotionRecommendation,
    kinds=[ApprovalKind.PROMOTION],
    waiting=PromotionState.SUBMITTED,
    states={
        RequestState.APPROVED: PromotionState.APPROVED,
        RequestState.RETURNED: PromotionState.RETURNED,
        RequestState.REJECTED: PromotionState.REJECTED,
        RequestState.WITHDRAWN: PromotionState.WITHDRAWN,
    },
    stamps={
        RequestState.APPROVED: "approved_at",
        RequestState.RETURNED: "decided_at",
        RequestState.REJECTED: "decided_at",
        RequestState.WITHDRAWN: "decided_at",
    },
    snapshot=lambda recommendation: promotion_snapshot(recommendation=recommendation),
    review=lambda recommendation, request: (
        "team/_promotion_review.html",
        {"recommendation": recommendation, "snapshot": request.snapshot},
    ),
    on_approved=promotion_on_approved,
)
