"""Pages of the channels app."""

from channels.views.contracts import (
    ContractCreateView,
    ContractDetailView,
    ContractEditView,
    ContractFileView,
    ContractListView,
)

__all__ = ["ContractCreateView", "ContractDetailView", "ContractEditView", "ContractFileView", "ContractListView"]
