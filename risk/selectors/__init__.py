"""Selectors of risk control, one module per subject (credit ratings, special events); the public names are re-exported here."""

from risk.selectors.events import (
    REPORT_LISTED,
    SEVERITY_ORDER,
    event_steps,
    event_timeline,
    my_open_events,
    period_events,
)
from risk.selectors.ratings import (
    SUBJECTS,
    explain,
    grade_distribution,
    history,
    migration_matrix,
)
from risk.selectors.warnings import (
    WARNING_SEVERITY_ORDER,
    my_open_warnings,
    open_warnings,
    warning_panel,
)

__all__ = [
    "REPORT_LISTED",
    "SEVERITY_ORDER",
    "SUBJECTS",
    "event_steps",
    "event_timeline",
    "explain",
    "grade_distribution",
    "history",
    "migration_matrix",
    "my_open_events",
    "period_events",
    "WARNING_SEVERITY_ORDER",
    "my_open_warnings",
    "open_warnings",
    "warning_panel",
]
