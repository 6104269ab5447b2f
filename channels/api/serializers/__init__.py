"""Serializers of the channels API, one module per subject (archive, contracts, materials, promotion); the
archive's and the contracts' serializers are re-exported here."""

from channels.api.serializers.archive import (
    ChannelActivityChangeSerializer,
    ChannelActivitySerializer,
    ChannelActivityWriteSerializer,
    ChannelAgreementSerializer,
    ChannelAgreementWriteSerializer,
    ChannelContactChangeSerializer,
    ChannelContactSerializer,
    ChannelContactWriteSerializer,
    ChannelDetailSerializer,
    ChannelSerializer,
    ChannelTransitionInputSerializer,
    ChannelTransitionSerializer,
    ChannelWriteSerializer,
)
from channels.api.serializers.contracts import (
    ContractCreateSerializer,
    ContractEmptySerializer,
    ContractMeetingSerializer,
    ContractSerializer,
    ContractWriteSerializer,
)

__all__ = [
    "ChannelActivityChangeSerializer",
    "ChannelActivitySerializer",
    "ChannelActivityWriteSerializer",
    "ChannelAgreementSerializer",
    "ChannelAgreementWriteSerializer",
    "ChannelContactChangeSerializer",
    "ChannelContactSerializer",
    "ChannelContactWriteSerializer",
    "ChannelDetailSerializer",
    "ChannelSerializer",
    "ChannelTransitionInputSerializer",
    "ChannelTransitionSerializer",
    "ChannelWriteSerializer",
    "ContractCreateSerializer",
    "ContractEmptySerializer",
    "ContractMeetingSerializer",
    "ContractSerializer",
    "ContractWriteSerializer",
]
