"""Filtersets of risk control, one module per subject (credit ratings, special events, improvement plans); the public names are re-exported here."""

from risk.filtersets.events import (
    SpecialEventFilterSet,
)
from risk.filtersets.forecasts import CustomerForecastFilterSet
from risk.filtersets.improvement import (
    ImprovementPlanFilterSet,
)
from risk.filtersets.provisions import (
    ProvisionPolicyFilterSet,
)
from risk.filtersets.ratings import (
    CustomerRatingFilterSet,
    SchemeFilterSet,
    StaffRatingFilterSet,
)
from risk.filtersets.warnings import (
    WarningFilterSet,
    WarningRuleChangeFilterSet,
)

__all__ = [
    "CustomerForecastFilterSet",
    "ImprovementPlanFilterSet",
    "CustomerRatingFilterSet",
    "SchemeFilterSet",
    "SpecialEventFilterSet",
    "StaffRatingFilterSet",
    "WarningFilterSet",
    "WarningRuleChangeFilterSet",
    "ProvisionPolicyFilterSet",
]

from risk.filtersets.credit import CreditExceptionFilterSet  # noqa: E402 — appended: credit control (#16)

__all__ += ["CreditExceptionFilterSet"]

from risk.filtersets.credit import CreditHoldFilterSet  # noqa: E402 — appended: credit holds (#16)

__all__ += ["CreditHoldFilterSet"]

from risk.filtersets.credit import LimitSuggestionFilterSet  # noqa: E402 — appended: suggested limits (#16)

__all__ += ["LimitSuggestionFilterSet"]

from risk.filtersets.write_offs import RecoveryFilterSet, WriteOffFilterSet  # noqa: E402 — appended: write-offs (#16)

__all__ += ["RecoveryFilterSet", "WriteOffFilterSet"]
