"""Filtersets of risk control, one module per subject (credit ratings, special events, improvement plans); the public names are re-exported here."""

from risk.filtersets.events import (
    SpecialEventFilterSet,
)
from risk.filtersets.improvement import (
    ImprovementPlanFilterSet,
)
from risk.filtersets.ratings import (
    CustomerRatingFilterSet,
    SchemeFilterSet,
    StaffRatingFilterSet,
)

__all__ = [
    "ImprovementPlanFilterSet",
    "CustomerRatingFilterSet",
    "SchemeFilterSet",
    "SpecialEventFilterSet",
    "StaffRatingFilterSet",
]
