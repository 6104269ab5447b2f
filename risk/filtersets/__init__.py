"""Filtersets of risk control, one module per subject (credit ratings, special events); the public names are re-exported here."""

from risk.filtersets.events import (
    SpecialEventFilterSet,
)
from risk.filtersets.ratings import (
    CustomerRatingFilterSet,
    SchemeFilterSet,
    StaffRatingFilterSet,
)
from risk.filtersets.warnings import (
    WarningFilterSet,
)

__all__ = [
    "CustomerRatingFilterSet",
    "SchemeFilterSet",
    "SpecialEventFilterSet",
    "StaffRatingFilterSet",
    "WarningFilterSet",
]
