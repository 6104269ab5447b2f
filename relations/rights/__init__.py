"""One module per subject (visits, key_customers, market, complaints); this package re-exports their public names."""

from relations.rights import complaints  # noqa: E402, F401  (registers the complaint rules)
