"""Views of risk control, one module per subject (credit ratings, special events); the public names are re-exported here."""

from risk.api.views.events import (
    SpecialEventViewSet,
)
from risk.api.views.ratings import (
    CustomerRatingViewSet,
    RatingSchemeViewSet,
    StaffRatingViewSet,
)
from risk.api.views.warnings import (
    WarningRuleViewSet,
    WarningViewSet,
)

__all__ = [
    "CustomerRatingViewSet",
    "RatingSchemeViewSet",
    "SpecialEventViewSet",
    "StaffRatingViewSet",
    "WarningRuleViewSet",
    "WarningViewSet",
]
