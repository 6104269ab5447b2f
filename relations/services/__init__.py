"""One module per subject (visits, key_customers, market, complaints); this package re-exports their public names."""

from relations.services.visits import (  # noqa: F401
    last_visits_grow,
    last_visits_recompute,
    visit_prepare_change,
    visit_prepare_new,
    visit_record,
    visit_rule_set,
    visit_update,
    visits_write_many,
)
