"""One module per subject (visits, key_customers, market, complaints); this package re-exports their public names."""

from relations.rights import visits  # noqa: F401 (registers the visit rules)
