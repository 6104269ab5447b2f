"""Views of risk control, one module per subject (credit ratings, special events); the public names are re-exported here."""

from risk.views.events import (
    EventDetailView,
    EventListView,
    EventReportView,
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
from risk.views.warnings import (
    WarningDetailView,
    WarningListView,
    WarningRuleEditView,
    WarningRuleListView,
    WarningRunView,
)

__all__ = [
    "CustomerRatingListView",
    "EventDetailView",
    "EventListView",
    "EventReportView",
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
]
