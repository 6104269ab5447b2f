"""One module per subject (visits, key_customers, market, complaints); this package re-exports their public names."""

from relations.selectors.complaints import *  # noqa: E402, F401, F403  (complaints)
from relations.selectors.market import market_month_figures, overview_by_region, price_movements  # noqa: F401 (market)
from relations.selectors.visits import coverage, overdue_count, overdue_customers, visit_plan  # noqa: F401
