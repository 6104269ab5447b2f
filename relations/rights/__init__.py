"""One module per subject (visits, key_customers, market, complaints); this package re-exports their public names."""

from relations.rights import market  # noqa: F401 (market intelligence: registers its @rule functions)
