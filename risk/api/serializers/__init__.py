"""Serializers of risk control, one module per subject (credit ratings, special events); the public names are re-exported here."""

from risk.api.serializers.events import (
    EventEntrySerializer,
    EventStepSerializer,
    SpecialEventDetailSerializer,
    SpecialEventSerializer,
    SpecialEventWriteSerializer,
)
from risk.api.serializers.ratings import (
    CustomerRatingSerializer,
    RatingFactorSerializer,
    RatingSchemeSerializer,
    StaffRatingSerializer,
)
from risk.api.serializers.warnings import (
    WarningActSerializer,
    WarningCloseSerializer,
    WarningEmptySerializer,
    WarningRuleSerializer,
    WarningRuleWriteSerializer,
    WarningSerializer,
)

__all__ = [
    "CustomerRatingSerializer",
    "EventEntrySerializer",
    "EventStepSerializer",
    "RatingFactorSerializer",
    "RatingSchemeSerializer",
    "SpecialEventDetailSerializer",
    "SpecialEventSerializer",
    "SpecialEventWriteSerializer",
    "StaffRatingSerializer",
    "WarningActSerializer",
    "WarningCloseSerializer",
    "WarningEmptySerializer",
    "WarningRuleSerializer",
    "WarningRuleWriteSerializer",
    "WarningSerializer",
]
