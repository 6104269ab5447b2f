"""Selectors of risk control, one module per subject (credit ratings, special events, improvement plans); the public names are re-exported here."""

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
from risk.selectors.improvement import (
    BEHIND,
    ON_TRACK,
    flagged_units,
    improvement_panel,
    measure_counts,
    open_flags,
    plan_measures,
    plan_progress,
    thresholds,
    underperformance,
)
from risk.selectors.provisions import (
    provision_report,
    provision_section,
)
from risk.selectors.ratings import (
    SUBJECTS,
    explain,
    grade_distribution,
    history,
    migration_matrix,
)
from risk.selectors.warnings import (
    RULE_FIELD_LABELS,
    WARNING_SEVERITY_ORDER,
    my_open_warnings,
    open_warnings,
    rule_change_rows,
    warning_panel,
)

__all__ = [
    "BEHIND",
    "ON_TRACK",
    "flagged_units",
    "improvement_panel",
    "measure_counts",
    "open_flags",
    "plan_measures",
    "plan_progress",
    "thresholds",
    "underperformance",
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
    "WARNING_SEVERITY_ORDER",
    "my_open_warnings",
    "open_warnings",
    "warning_panel",
    "RULE_FIELD_LABELS",
    "rule_change_rows",
]

from risk.selectors.board import (  # noqa: E402 — appended: the company-wide risk board (#15)
    AGE_BUCKETS,
    AGE_CHOICES,
    age_q,
    board_regions,
    grade_board,
    reads_board,
    region_prefix,
    warning_board,
)

__all__ += [
    "AGE_BUCKETS",
    "AGE_CHOICES",
    "age_q",
    "board_regions",
    "grade_board",
    "reads_board",
    "region_prefix",
    "warning_board",
    "provision_report",
    "provision_section",
]

from risk.selectors.write_offs import register_figures, write_off_candidates, written_off_amounts  # noqa: E402 — appended: write-offs (#16)

__all__ += ["register_figures", "write_off_candidates", "written_off_amounts"]
