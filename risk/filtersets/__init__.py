"""Filtersets of risk control, one module per subject (credit ratings, special events); the public names are re-exported here."""

from risk.filtersets.events import (
    SpecialEventFilterSet,
)
from risk.filtersets.forecasts import CustomerForecastFilterSet
from risk.filtersets.ratings import (
    CustomerRatingFilterSet,
    SchemeFilterSet,
    StaffRatingFilterSet,
)

__all__ = [
    "CustomerForecastFilterSet",
    "CustomerRatingFilterSet",
    "SchemeFilterSet",
    "SpecialEventFilterSet",
    "StaffRatingFilterSet",
]
