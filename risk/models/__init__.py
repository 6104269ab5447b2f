"""Risk control's models, one module per subject: credit ratings, special events, foresight, grade overrides,
improvement plans, early warnings."""

from risk.models.events import EventEntry, EventStep, SpecialEvent
from risk.models.forecasts import CustomerForecast, ForecastModel
from risk.models.grade_counts import GradeCount, GradeMoveCount
from risk.models.improvement import ImprovementMeasure, ImprovementPlan, ImprovementTarget, UnderperformanceFlag
from risk.models.overrides import GradeOverride
from risk.models.provisions import ProvisionPolicy
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
from risk.models.warnings import Warning, WarningRule, WarningRuleChange

__all__ = [
    "CUSTOMER_FACTOR_FIELDS",
    "STAFF_FACTOR_FIELDS",
    "CustomerForecast",
    "CustomerGradeChange",
    "CustomerRating",
    "EventEntry",
    "EventStep",
    "GradeCount",
    "GradeMoveCount",
    "GradeOverride",
    "ForecastModel",
    "ImprovementMeasure",
    "ImprovementPlan",
    "ImprovementTarget",
    "RatingScheme",
    "SchemeFactor",
    "SpecialEvent",
    "StaffGradeChange",
    "StaffRating",
    "UnderperformanceFlag",
    "Warning",
    "WarningRule",
    "WarningRuleChange",
    "ProvisionPolicy",
]

from risk.models.credit import CreditException  # noqa: E402 — appended: credit control (#16)

__all__ += ["CreditException"]

from risk.models.credit import CreditHold, CreditHoldRelease  # noqa: E402 — appended: credit holds (#16)

__all__ += ["CreditHold", "CreditHoldRelease"]

from risk.models.credit import CreditCap, CreditPolicy  # noqa: E402 — appended: credit policy (#16)

__all__ += ["CreditCap", "CreditPolicy"]

from risk.models.credit import CreditLimitSuggestion  # noqa: E402 — appended: suggested limits (#16)

__all__ += ["CreditLimitSuggestion"]

from risk.models.write_offs import Recovery, WriteOff, WriteOffLine, WriteOffReversal  # noqa: E402 — appended: write-offs (#16)

__all__ += ["Recovery", "WriteOff", "WriteOffLine", "WriteOffReversal"]
