"""One module per subject (visits, key_customers, market, complaints); this package re-exports their public names."""

from relations.views.visits import (  # noqa: F401
    VisitCoverageView,
    VisitCreateView,
    VisitDetailView,
    VisitEditView,
    VisitListView,
    VisitPlanView,
)
