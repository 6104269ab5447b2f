"""One module per subject (visits, key_customers, market, complaints); this package re-exports their public names."""

from relations.filtersets.complaints import ComplaintFilterSet  # noqa: E402, F401  (complaints)
