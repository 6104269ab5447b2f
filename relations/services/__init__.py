"""One module per subject (visits, key_customers, market, complaints); this package re-exports their public names."""

from relations.services.complaints import *  # noqa: E402, F401, F403  (complaints: relations/services/complaints.py)
from relations.services.keycust import *  # noqa: E402, F403 (key customers and their plans: its __all__)
from relations.services.market import (  # noqa: F401 (market intelligence)
    market_report_create,
    market_report_delete,
    market_report_mark_raised,
    market_report_update,
)
from relations.services.suggestions import *  # noqa: E402, F403 (suggestions: its __all__)
from relations.services.visits import (  # noqa: F401
    last_visits_grow,
    last_visits_recompute,
    visit_prepare_change,
    visit_prepare_new,
    visit_record,
    visit_rule_delete,
    visit_rule_set,
    visit_update,
    visits_write_many,
)
