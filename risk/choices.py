from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    """What kind of special event (突发事件) happened."""

    MARKET_EMERGENCY = "market_emergency", _("Market emergency")
    INCIDENT = "incident", _("Incident")
    CUSTOMER = "customer", _("Customer event")
    PRODUCT = "product", _("Product event")
    REGULATORY = "regulatory", _("Regulatory event")
    OTHER = "other", _("Other event")


class EventSeverity(models.TextChoices):
    """How grave the event is; the list and the report sort and count by it."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class EventState(models.TextChoices):
    """Reported (nobody has acted yet) → in progress (an owner took it up or a step was set) → closed (with a
    summary)."""

    REPORTED = "reported", _("Reported")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


class EntryKind(models.TextChoices):
    """What one line of an event's timeline records."""

    REPORTED = "reported", _("Reported")
    OWNER_ASSIGNED = "owner_assigned", _("Owner assigned")
    STEP_ADDED = "step_added", _("Step added")
    STEP_DONE = "step_done", _("Step done")
    NOTE = "note", _("Note")
    CLOSED = "closed", _("Closed")


# The events still to be handled (the worklist counts them; the report says how many are still open).
OPEN_STATES = (EventState.REPORTED, EventState.IN_PROGRESS)
