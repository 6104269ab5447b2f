"""One module per subject (visits, key_customers, market, complaints); this package re-exports their public names."""

from relations.models.complaints import Complaint, ComplaintEscalation, ComplaintStep  # noqa: F401
from relations.models.keycust import *  # noqa: E402, F403 (key customers and their plans: its __all__)
from relations.models.market import MarketReport, MarketTag  # noqa: F401 (market intelligence)
from relations.models.suggestions import *  # noqa: E402, F403 (suggestions: its __all__)
from relations.models.visits import CustomerLastVisit, Visit, VisitKind, VisitRule, VisitSegment, VisitState  # noqa: F401
