"""One module per subject (visits, key_customers, market, complaints); this package re-exports their public names."""

from relations.models.market import MarketReport, MarketTag  # noqa: F401 (market intelligence)
