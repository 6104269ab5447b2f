"""FilterSets of channels, one module per subject; the public names are re-exported here."""

from channels.filtersets.materials import (
    MaterialDispatchFilterSet,
    MaterialItemFilterSet,
    MaterialMovementFilterSet,
    MaterialRequestFilterSet,
    MaterialStockFilterSet,
)
from channels.filtersets.promotion import PromotionEventFilterSet

__all__ = [
    "MaterialDispatchFilterSet",
    "MaterialItemFilterSet",
    "MaterialMovementFilterSet",
    "MaterialRequestFilterSet",
    "MaterialStockFilterSet",
    "PromotionEventFilterSet",
]
