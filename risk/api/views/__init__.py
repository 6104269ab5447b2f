"""Views of risk control, one module per subject (credit ratings, special events, improvement plans); the public names are re-exported here."""

from risk.api.views.events import (
    SpecialEventViewSet,
)
from risk.api.views.forecasts import CustomerForecastViewSet
from risk.api.views.improvement import (
    ImprovementPlanViewSet,
)
from risk.api.views.provisions import (
    ProvisionPolicyViewSet,
    ProvisionReportView,
)
from risk.api.views.ratings import (
    CustomerRatingViewSet,
    RatingSchemeViewSet,
    StaffRatingViewSet,
)
from risk.api.views.warnings import (
    WarningRuleChangeViewSet,
    WarningRuleViewSet,
    WarningViewSet,
)

__all__ = [
    "CustomerForecastViewSet",
    "ImprovementPlanViewSet",
    "CustomerRatingViewSet",
    "RatingSchemeViewSet",
    "SpecialEventViewSet",
    "StaffRatingViewSet",
    "WarningRuleViewSet",
    "WarningViewSet",
    "WarningRuleChangeViewSet",
    "ProvisionPolicyViewSet",
    "ProvisionReportView",
]

from risk.api.views.credit import CreditExceptionViewSet  # noqa: E402 — appended: credit control (#16)

__all__ += ["CreditExceptionViewSet"]

from risk.api.views.credit import CreditHoldViewSet  # noqa: E402 — appended: credit holds (#16)

__all__ += ["CreditHoldViewSet"]

from risk.api.views.credit import CreditPolicyViewSet  # noqa: E402 — appended: credit policy (#16)

__all__ += ["CreditPolicyViewSet"]

from risk.api.views.credit import LimitSuggestionViewSet  # noqa: E402 — appended: suggested limits (#16)

__all__ += ["LimitSuggestionViewSet"]

from risk.api.views.write_offs import RecoveryViewSet, WriteOffViewSet  # noqa: E402 — appended: write-offs (#16)

__all__ += ["RecoveryViewSet", "WriteOffViewSet"]
