"""Pages of the channels app: the channel archive and the contracts."""

from channels.views.archive import (
    ChannelAgreementFileView,
    ChannelCreateView,
    ChannelDetailView,
    ChannelEditView,
    ChannelListView,
)
from channels.views.contracts import (
    ContractCreateView,
    ContractDetailView,
    ContractEditView,
    ContractFileView,
    ContractListView,
)

__all__ = [
    "ChannelAgreementFileView",
    "ChannelCreateView",
    "ChannelDetailView",
    "ChannelEditView",
    "ChannelListView",
    "ContractCreateView",
    "ContractDetailView",
    "ContractEditView",
    "ContractFileView",
    "ContractListView",
]
