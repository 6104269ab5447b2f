"""One module per subject (visits, key_customers, market, complaints); this package re-exports their public names."""

from relations.rights import keycust, suggestions  # noqa: E402, F401 (their @rule decorators register the rules)
