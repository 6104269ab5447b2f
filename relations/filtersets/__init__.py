"""One module per subject (visits, key_customers, market, complaints); this package re-exports their public names."""

from relations.filtersets.visits import VisitFilterSet  # noqa: F401
