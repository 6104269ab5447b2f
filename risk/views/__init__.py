"""Views of risk control, one module per subject (credit ratings, special events, improvement plans); the public names are re-exported here."""

from risk.views.events import (
    EventDetailView,
    EventListView,
    EventReportView,
)
from risk.views.forecasts import ForecastListView, ForecastTrainView
from risk.views.improvement import (
    ImprovementCreateView,
    ImprovementDetailView,
    ImprovementEditView,
    ImprovementListView,
)
from risk.views.overrides import OverrideCreateView, OverrideListView
from risk.views.ratings import (
    CustomerRatingListView,
    RiskHomeView,
    SchemeCreateView,
    SchemeDetailView,
    SchemeEditView,
    SchemeFormMixin,
    SchemeListView,
    StaffRatingListView,
)
from risk.views.rule_changes import (
    WarningRuleChangeCreateView,
    WarningRuleChangeDetailView,
    WarningRuleChangeEditView,
    WarningRuleChangeListView,
)
from risk.views.warnings import (
    WarningDetailView,
    WarningListView,
    WarningRuleEditView,
    WarningRuleListView,
    WarningRunView,
)

__all__ = [
    "OverrideCreateView",
    "OverrideListView",
    "ImprovementCreateView",
    "ImprovementDetailView",
    "ImprovementEditView",
    "ImprovementListView",
    "CustomerRatingListView",
    "EventDetailView",
    "EventListView",
    "EventReportView",
    "ForecastListView",
    "ForecastTrainView",
    "RiskHomeView",
    "SchemeCreateView",
    "SchemeDetailView",
    "SchemeEditView",
    "SchemeFormMixin",
    "SchemeListView",
    "StaffRatingListView",
    "WarningDetailView",
    "WarningListView",
    "WarningRuleEditView",
    "WarningRuleListView",
    "WarningRunView",
    "WarningRuleChangeCreateView",
    "WarningRuleChangeDetailView",
    "WarningRuleChangeEditView",
    "WarningRuleChangeListView",
]

from risk.views.board import RiskBoardView  # noqa: E402 — appended: the company-wide risk board (#15)

__all__ += ["RiskBoardView"]

from risk.views.provisions import (  # noqa: E402 — appended: provisions for doubtful debts (#16)
    ProvisionPolicyCreateView,
    ProvisionPolicyDetailView,
    ProvisionPolicyEditView,
    ProvisionPolicyListView,
    ProvisionView,
)

__all__ += [
    "ProvisionPolicyCreateView",
    "ProvisionPolicyDetailView",
    "ProvisionPolicyEditView",
    "ProvisionPolicyListView",
    "ProvisionView",
]

from risk.views.collection_forecast import CollectionForecastView  # noqa: E402 — appended: collection forecast (#16)

__all__ += ["CollectionForecastView"]
from risk.views.credit import (  # noqa: E402 — appended: credit control (#16)
    CreditExceptionCreateView,
    CreditExceptionDetailView,
    CreditExceptionEditView,
    CreditExceptionListView,
)

__all__ += ["CreditExceptionCreateView", "CreditExceptionDetailView", "CreditExceptionEditView", "CreditExceptionListView"]

from risk.views.credit import CreditHoldDetailView, CreditHoldListView  # noqa: E402 — appended: credit holds (#16)

__all__ += ["CreditHoldDetailView", "CreditHoldListView"]

from risk.views.credit import (  # noqa: E402 — appended: credit policy (#16)
    CreditPolicyCreateView,
    CreditPolicyDetailView,
    CreditPolicyEditView,
    CreditPolicyListView,
)

__all__ += ["CreditPolicyCreateView", "CreditPolicyDetailView", "CreditPolicyEditView", "CreditPolicyListView"]

from risk.views.credit import LimitSuggestionDetailView, LimitSuggestionListView  # noqa: E402 — appended (#16)

__all__ += ["LimitSuggestionDetailView", "LimitSuggestionListView"]
