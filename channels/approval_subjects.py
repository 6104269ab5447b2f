"""The channels app's approval subjects (approvals.subjects): a contract's filing (合同备案) with the Development
Center — waiting in `filing`, filed once approved (the filing day stamped by its service), signed again when
returned, rejected or withdrawn (the owner corrects it and submits again)."""

from approvals.choices import ApprovalKind, RequestState
from approvals.subjects import register_subject
from channels.choices import ContractState, MaterialRequestState
from channels.models import Contract
from channels.models_promotion import MaterialRequest
from channels.services import contract_on_approved, contract_snapshot, material_request_snapshot


def _review(contract, request):
    return "channels/_contract_review.html", {"contract": contract, "snapshot": request.snapshot}


register_subject(
    Contract,
    kinds=[ApprovalKind.CONTRACT_FILING],
    waiting=ContractState.FILING,
    states={
        RequestState.APPROVED: ContractState.FILED,
        RequestState.RETURNED: ContractState.SIGNED,
        RequestState.REJECTED: ContractState.SIGNED,
        RequestState.WITHDRAWN: ContractState.SIGNED,
    },
    stamps={RequestState.APPROVED: "approved_at"},
    snapshot=lambda contract: contract_snapshot(contract=contract),
    review=_review,
    on_approved=lambda contract, request: contract_on_approved(contract=contract),
)


# Channels' approval subjects (approvals.subjects): requirement plans for promotional materials (推广用品需求计划),
# submitted to the Development Center; once approved they can be dispatched against.
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
