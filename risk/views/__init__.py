"""Views of risk control, one module per subject (credit ratings, special events, improvement plans); the public names are re-exported here."""

from risk.views.board import RiskBoardView
from risk.views.collection_forecast import CollectionForecastView
from risk.views.credit import (
    CreditExceptionCreateView,
    CreditExceptionDetailView,
    CreditExceptionEditView,
    CreditExceptionListView,
    CreditHoldDetailView,
    CreditHoldListView,
    CreditPolicyCreateView,
    CreditPolicyDetailView,
    CreditPolicyEditView,
    CreditPolicyListView,
    LimitSuggestionDetailView,
    LimitSuggestionListView,
)
from risk.views.events import (
    EventDetailView,
    EventListView,
    EventReportView,
)
from risk.views.exposure import ExposureView
from risk.views.forecasts import ForecastListView, ForecastTrainView
from risk.views.improvement import (
    ImprovementCreateView,
    ImprovementDetailView,
    ImprovementEditView,
    ImprovementListView,
)
from risk.views.overrides import OverrideCreateView, OverrideListView
from risk.views.provisions import (
    ProvisionPolicyCreateView,
    ProvisionPolicyDetailView,
    ProvisionPolicyEditView,
    ProvisionPolicyListView,
    ProvisionView,
)
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


__all__ += ["RiskBoardView"]


__all__ += [
    "ProvisionPolicyCreateView",
    "ProvisionPolicyDetailView",
    "ProvisionPolicyEditView",
    "ProvisionPolicyListView",
    "ProvisionView",
]


__all__ += ["CollectionForecastView"]

__all__ += ["CreditExceptionCreateView", "CreditExceptionDetailView", "CreditExceptionEditView", "CreditExceptionListView"]


__all__ += ["CreditHoldDetailView", "CreditHoldListView", "ExposureView"]


__all__ += ["CreditPolicyCreateView", "CreditPolicyDetailView", "CreditPolicyEditView", "CreditPolicyListView"]


__all__ += ["LimitSuggestionDetailView", "LimitSuggestionListView"]

from risk.views.write_offs import (  # noqa: E402 — appended: write-offs (#16)
    BadDebtRegisterView,
    RecoveryListView,
    WriteOffAttachmentView,
    WriteOffCreateView,
    WriteOffDetailView,
    WriteOffEditView,
    WriteOffListView,
)

__all__ += [
    "BadDebtRegisterView",
    "RecoveryListView",
    "WriteOffAttachmentView",
    "WriteOffCreateView",
    "WriteOffDetailView",
    "WriteOffEditView",
    "WriteOffListView",
]
