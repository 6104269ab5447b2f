"""Write services of the channels app (HackSoft style: keyword-only, atomic, the actor as `by`)."""

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
