"""Risk control's models, one module per subject."""

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
    "RatingScheme",
    "SchemeFactor",
    "StaffGradeChange",
    "StaffRating",
]
