"""Risk control's models, one module per subject: credit ratings, special events, improvement plans."""

from risk.models.events import EventEntry, EventStep, SpecialEvent
from risk.models.improvement import ImprovementMeasure, ImprovementPlan, ImprovementTarget, UnderperformanceFlag
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

__all__ = [
    "CUSTOMER_FACTOR_FIELDS",
    "STAFF_FACTOR_FIELDS",
    "CustomerGradeChange",
    "CustomerRating",
    "EventEntry",
    "EventStep",
    "ImprovementMeasure",
    "ImprovementPlan",
    "ImprovementTarget",
    "RatingScheme",
    "SchemeFactor",
    "SpecialEvent",
    "StaffGradeChange",
    "StaffRating",
    "UnderperformanceFlag",
]
