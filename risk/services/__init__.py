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

__all__ = [
    "event_add_note",
    "event_add_step",
    "event_assign_owner",
    "event_close",
    "event_complete_step",
    "event_notify_reported",
    "event_recipients",
    "event_report",
    "unit_manager",
]
