"""Serializers of risk control, one module per subject (credit ratings, special events, improvement plans); the public names are re-exported here."""

from risk.api.serializers.events import (
    EventEntrySerializer,
    EventStepSerializer,
    SpecialEventDetailSerializer,
    SpecialEventSerializer,
    SpecialEventWriteSerializer,
)
from risk.api.serializers.forecasts import CustomerForecastSerializer
from risk.api.serializers.improvement import (
    ImprovementMeasureSerializer,
    ImprovementPlanDetailSerializer,
    ImprovementPlanSerializer,
    ImprovementTargetSerializer,
)
from risk.api.serializers.provisions import (
    ProvisionPolicySerializer,
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
    WarningRuleChangeSerializer,
    WarningRuleChangeWriteSerializer,
    WarningRuleSerializer,
    WarningRuleWriteSerializer,
    WarningSerializer,
)

__all__ = [
    "CustomerForecastSerializer",
    "ImprovementMeasureSerializer",
    "ImprovementPlanDetailSerializer",
    "ImprovementPlanSerializer",
    "ImprovementTargetSerializer",
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
    "WarningRuleChangeSerializer",
    "WarningRuleChangeWriteSerializer",
    "ProvisionPolicySerializer",
]

from risk.api.serializers.credit import (  # noqa: E402 — appended: credit control (#16)
    CreditExceptionCreateSerializer,
    CreditExceptionEmptySerializer,
    CreditExceptionSerializer,
    CreditExceptionWriteSerializer,
)

__all__ += [
    "CreditExceptionCreateSerializer",
    "CreditExceptionEmptySerializer",
    "CreditExceptionSerializer",
    "CreditExceptionWriteSerializer",
]

from risk.api.serializers.credit import CreditHoldReleaseSerializer, CreditHoldSerializer  # noqa: E402 — appended (#16)

__all__ += ["CreditHoldReleaseSerializer", "CreditHoldSerializer"]

from risk.api.serializers.credit import CreditPolicySerializer, CreditPolicyWriteSerializer  # noqa: E402 — appended (#16)

__all__ += ["CreditPolicySerializer", "CreditPolicyWriteSerializer"]

from risk.api.serializers.credit import LimitAcceptSerializer, LimitSuggestionSerializer  # noqa: E402 — appended (#16)

__all__ += ["LimitAcceptSerializer", "LimitSuggestionSerializer"]

from risk.api.serializers.write_offs import (  # noqa: E402 — appended: write-offs (#16)
    RecoveryCreateSerializer,
    RecoverySerializer,
    WriteOffCreateSerializer,
    WriteOffEmptySerializer,
    WriteOffReverseSerializer,
    WriteOffSerializer,
    WriteOffWriteSerializer,
)

__all__ += [
    "RecoveryCreateSerializer",
    "RecoverySerializer",
    "WriteOffCreateSerializer",
    "WriteOffEmptySerializer",
    "WriteOffReverseSerializer",
    "WriteOffSerializer",
    "WriteOffWriteSerializer",
]
