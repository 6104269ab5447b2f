"""One module per subject (visits, key_customers, market, complaints); this package re-exports their public names."""

from relations.selectors.visits import coverage, overdue_count, overdue_customers, visit_plan  # noqa: F401
