"""FilterSets of channels, one module per subject; the public names are re-exported here."""

from channels.filtersets.archive import (
    ChannelActivityFilterSet,
    ChannelAgreementFilterSet,
    ChannelContactFilterSet,
    ChannelFilterSet,
)
from channels.filtersets.contracts import ContractFilterSet
from channels.filtersets.materials import (
    MaterialDispatchFilterSet,
    MaterialItemFilterSet,
    MaterialMovementFilterSet,
    MaterialRequestFilterSet,
    MaterialStockFilterSet,
)
from channels.filtersets.promotion import PromotionEventFilterSet

__all__ = [
    "ChannelActivityFilterSet",
    "ChannelAgreementFilterSet",
    "ChannelContactFilterSet",
    "ChannelFilterSet",
    "ContractFilterSet",
    "MaterialDispatchFilterSet",
    "MaterialItemFilterSet",
    "MaterialMovementFilterSet",
    "MaterialRequestFilterSet",
    "MaterialStockFilterSet",
    "PromotionEventFilterSet",
]
