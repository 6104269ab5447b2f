"""One module per subject (visits, key_customers, market, complaints); this package re-exports their public names."""

from relations.rights import (  # noqa: E402, F401 (their @rule decorators register the rules)
    complaints,  # noqa: E402, F401  (registers the complaint rules)
    keycust,
    market,  # noqa: F401 (market intelligence: registers its @rule functions)
    suggestions,
    visits,  # noqa: F401 (registers the visit rules)
)
