"""Forms of the channels app's pages, one module per subject (archive, contracts, materials, promotion); the
archive's and the contracts' forms are re-exported here."""

from channels.forms.archive import (
    ActivityForm,
    AgreementForm,
    ChannelForm,
    ContactForm,
    TransitionForm,
)
from channels.forms.contracts import (
    ContractForm,
    ContractMeetingForm,
)

__all__ = [
    "ActivityForm",
    "AgreementForm",
    "ChannelForm",
    "ContactForm",
    "ContractForm",
    "ContractMeetingForm",
    "TransitionForm",
]
