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
]
