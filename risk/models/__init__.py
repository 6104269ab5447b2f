"""Risk control's models, one module per subject: credit ratings, special events, early warnings."""

from risk.models.events import EventEntry, EventStep, SpecialEvent
from risk.models.ratings import (
    CUSTOMER_FACTOR_FIELDS,
    STAFF_FACTOR_FIELDS,
    CustomerGradeChange,
    CustomerRating,
    RatingScheme,
    SchemeFactor,
    StaffGradeChange,
    StaffRating,
)
from risk.models.warnings import Warning, WarningRule

__all__ = [
    "CUSTOMER_FACTOR_FIELDS",
    "STAFF_FACTOR_FIELDS",
    "CustomerGradeChange",
    "CustomerRating",
    "EventEntry",
    "EventStep",
    "RatingScheme",
    "SchemeFactor",
    "SpecialEvent",
    "StaffGradeChange",
    "StaffRating",
    "Warning",
    "WarningRule",
]
