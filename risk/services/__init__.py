"""Every write of risk control, one module per subject; the public names are re-exported here."""

from risk.services.events import (
    event_add_note,
    event_add_step,
    event_assign_owner,
    event_close,
    event_complete_step,
    event_notify_reported,
    event_recipients,
    event_report,
    unit_manager,
)
from risk.services.forecasts import forecast_score, forecast_train, latest_model
from risk.services.improvement import (
    flags_refresh,
    improvement_close,
    improvement_create,
    improvement_on_approved,
    improvement_snapshot,
    improvement_submit,
    improvement_update,
    improvements_start,
)
from risk.services.overrides import override_on_approved, override_request, override_snapshot
from risk.services.ratings import (
    rate,
    scheme_create,
    scheme_in_force,
    scheme_on_approved,
    scheme_revise,
    scheme_snapshot,
    scheme_submit,
    scheme_update,
)

__all__ = [
    "flags_refresh",
    "improvement_close",
    "improvement_create",
    "improvement_on_approved",
    "improvement_snapshot",
    "improvement_submit",
    "improvement_update",
    "improvements_start",
    "event_add_note",
    "event_add_step",
    "event_assign_owner",
    "event_close",
    "event_complete_step",
    "event_notify_reported",
    "event_recipients",
    "event_report",
    "override_on_approved",
    "override_request",
    "override_snapshot",
    "forecast_score",
    "forecast_train",
    "latest_model",
    "rate",
    "scheme_create",
    "scheme_in_force",
    "scheme_on_approved",
    "scheme_revise",
    "scheme_snapshot",
    "scheme_submit",
    "scheme_update",
    "unit_manager",
]
