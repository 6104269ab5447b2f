"""The models of risk control, one module per subject (special events here; credit ratings and warnings
join as modules of their own)."""

from risk.models.events import EventEntry, EventStep, SpecialEvent

__all__ = ["EventEntry", "EventStep", "SpecialEvent"]
