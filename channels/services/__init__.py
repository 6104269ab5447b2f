"""Write services of the channel archive (HackSoft style: keyword-only, atomic, rights asked of `by`)."""

from channels.services.archive import (
    channel_activity_add,
    channel_activity_update,
    channel_agreement_add,
    channel_contact_add,
    channel_contact_update,
)
from channels.services.channels import (
    CREDIT_CODE_TAKEN,
    channel_create,
    channel_transition,
    channel_update,
    clean_credit_code,
)
from channels.services.contracts import (
    contract_create,
    contract_meeting_add,
    contract_move,
    contract_on_approved,
    contract_snapshot,
    contract_submit,
    contract_update,
    contract_withdraw,
    contracts_remind,
)

__all__ = [
    "CREDIT_CODE_TAKEN",
    "channel_activity_add",
    "channel_activity_update",
    "channel_agreement_add",
    "channel_contact_add",
    "channel_contact_update",
    "channel_create",
    "channel_transition",
    "channel_update",
    "clean_credit_code",
    "contract_create",
    "contract_meeting_add",
    "contract_move",
    "contract_on_approved",
    "contract_snapshot",
    "contract_submit",
    "contract_update",
    "contract_withdraw",
    "contracts_remind",
]
