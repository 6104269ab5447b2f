"""Selectors of risk control, one module per subject (credit ratings, special events); the public names are re-exported here."""

from risk.selectors.events import (
    REPORT_LISTED,
    SEVERITY_ORDER,
    event_steps,
    event_timeline,
    my_open_events,
    period_events,
)
from risk.selectors.forecasts import (
    customer_forecast,
    forecast_models,
    forecast_panel,
    latest_trained,
    reason_rows,
)
from risk.selectors.ratings import (
    SUBJECTS,
    explain,
    grade_distribution,
    history,
    migration_matrix,
)

__all__ = [
    "REPORT_LISTED",
    "SEVERITY_ORDER",
    "SUBJECTS",
    "customer_forecast",
    "event_steps",
    "event_timeline",
    "explain",
    "forecast_models",
    "forecast_panel",
    "grade_distribution",
    "history",
    "latest_trained",
    "migration_matrix",
    "my_open_events",
    "period_events",
    "reason_rows",
]
