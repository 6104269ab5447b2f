"""One module per subject (visits, key_customers, market, complaints); this package re-exports their public names."""

from relations.services.complaints import *  # noqa: E402, F401, F403  (complaints: relations/services/complaints.py)
