"""One module per subject (visits, key_customers, market, complaints); this package re-exports their public names."""

from relations.models.visits import CustomerLastVisit, Visit, VisitKind, VisitRule, VisitSegment, VisitState  # noqa: F401
