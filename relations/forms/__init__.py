"""One module per subject (visits, key_customers, market, complaints); this package re-exports their public names."""

from relations.forms.complaints import *  # noqa: E402, F401, F403  (complaints)
