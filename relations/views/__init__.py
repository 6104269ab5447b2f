"""One module per subject (visits, key_customers, market, complaints); this package re-exports their public names."""

from relations.views import keycust, suggestions  # noqa: E402, F401 (each subject's pages: relations/urls.py names them)
from relations.views.visits import (  # noqa: F401
    VisitCoverageView,
    VisitCreateView,
    VisitDetailView,
    VisitEditView,
    VisitListView,
    VisitPlanView,
)
