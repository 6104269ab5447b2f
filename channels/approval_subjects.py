"""The channels app's approval subjects (approvals.subjects): a contract's filing (合同备案) with the Development
Center — waiting in `filing`, filed once approved (the filing day stamped by its service), signed again when
returned, rejected or withdrawn (the owner corrects it and submits again)."""

from approvals.choices import ApprovalKind, RequestState
from approvals.subjects import register_subject
from channels.choices import ContractState
from channels.models import Contract
from channels.services import contract_on_approved, contract_snapshot


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
