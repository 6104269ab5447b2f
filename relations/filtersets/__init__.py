"""One module per subject (visits, key_customers, market, complaints); this package re-exports their public names."""

from relations.filtersets.market import MarketReportFilterSet  # noqa: F401 (market intelligence)
