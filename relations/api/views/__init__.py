"""One module per subject (visits, key_customers, market, complaints); this package re-exports their public names."""

from relations.api.views.visits import VisitPlanViewSet, VisitViewSet  # noqa: F401
