"""One module per subject (visits, key_customers, market, complaints); this package re-exports their public names."""

from relations.filtersets.complaints import ComplaintFilterSet  # noqa: E402, F401  (complaints)
from relations.filtersets.keycust import KeyCustomerFilterSet, KeyCustomerPlanFilterSet  # noqa: E402, F401
from relations.filtersets.market import MarketReportFilterSet  # noqa: F401 (market intelligence)
from relations.filtersets.suggestions import SuggestionFilterSet  # noqa: E402, F401
from relations.filtersets.visits import VisitFilterSet  # noqa: F401
