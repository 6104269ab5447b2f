"""Appraisal schemes and reward proposals as approval subjects (approvals.subjects): each state follows the
decision (returned or withdrawn: a draft again); an approved scheme retires the version it revises."""

from appraisal.choices import ProposalState, SchemeState
from appraisal.models import AppraisalScheme, RewardProposal
from appraisal.services import scheme_on_approved, scheme_snapshot
from approvals.choices import ApprovalKind, RequestState
from approvals.subjects import register_subject


def snapshot_scheme(scheme):
    return scheme_snapshot(scheme=scheme)


def review_scheme(scheme, request):
    return "appraisal/_scheme_review.html", {"scheme": scheme, "items": list(scheme.items.all()), "snapshot": request.snapshot}


def on_scheme_approved(scheme, request):
    scheme_on_approved(scheme=scheme)


register_subject(
    AppraisalScheme,
    kinds=[ApprovalKind.APPRAISAL_SCHEME],
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


def snapshot_reward(proposal):
    return {
        "kind": proposal.kind,
        "unit": proposal.unit_id,
        "staff": proposal.staff_id,
        "period": str(proposal.period),
        "amount": str(proposal.amount),
        "reason": proposal.reason,
    }


def review_reward(proposal, request):
    return "appraisal/_reward_review.html", {"proposal": proposal, "snapshot": request.snapshot}


register_subject(
    RewardProposal,
    kinds=[ApprovalKind.REWARD_PROPOSAL],
    waiting=ProposalState.SUBMITTED,
    states={
        RequestState.APPROVED: ProposalState.APPROVED,
        RequestState.RETURNED: ProposalState.DRAFT,
        RequestState.REJECTED: ProposalState.REJECTED,
        RequestState.WITHDRAWN: ProposalState.DRAFT,
    },
    stamps={RequestState.APPROVED: "decided_at", RequestState.REJECTED: "decided_at"},
    snapshot=snapshot_reward,
    review=review_reward,
)
