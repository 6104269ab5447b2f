"""The channels API, one module per subject (archive, contracts, materials, promotion); the archive's and the
contracts' viewsets are re-exported here (channels/api/urls.py imports them from here)."""

from channels.api.views.archive import (
    ChannelActivityViewSet,
    ChannelAgreementViewSet,
    ChannelContactViewSet,
    ChannelViewSet,
)
from channels.api.views.contracts import (
    ContractPermission,
    ContractViewSet,
)

__all__ = [
    "ChannelActivityViewSet",
    "ChannelAgreementViewSet",
    "ChannelContactViewSet",
    "ChannelViewSet",
    "ContractPermission",
    "ContractViewSet",
]
