"""Choices of complaints (投诉): what a complaint is about, how grave it is, its states and the moves between them,
the causes the center counts, and the SLA in working days of each severity."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ComplaintKind(models.TextChoices):
    PRODUCT = "product", _("product complaint")
    CHANNEL = "channel", _("channel complaint")


class ComplaintSeverity(models.TextChoices):
    LOW = "low", pgettext_lazy("complaint severity", "low")
    MEDIUM = "medium", pgettext_lazy("complaint severity", "medium")
    HIGH = "high", pgettext_lazy("complaint severity", "high")
    CRITICAL = "critical", pgettext_lazy("complaint severity", "critical")


# The SLA (working days on China's calendar, approvals.calendar) from the day a complaint is received to its result.
SLA_WORKING_DAYS = {
    ComplaintSeverity.LOW: 10,
    ComplaintSeverity.MEDIUM: 5,
    ComplaintSeverity.HIGH: 3,
    ComplaintSeverity.CRITICAL: 1,
}


class ComplaintCause(models.TextChoices):
    """Why the customer complains (the monthly report's top causes)."""

    QUALITY = "quality", _("product performance or quality")
    FEES = "fees", _("fees and charges")
    DISCLOSURE = "disclosure", _("information and disclosure")
    SERVICE = "service", _("service attitude")
    DELAY = "delay", _("slow processing")
    MISSELLING = "misselling", _("mis-selling")
    SYSTEM = "system", _("system or transaction error")
    OTHER = "other", _("other cause")


class ComplaintState(models.TextChoices):
    """Open → in progress → resolved (the result given) → closed (the customer's confirmation recorded);
    a resolved or closed complaint may be reopened when the customer is not satisfied."""

    OPEN = "open", pgettext_lazy("complaint state", "open")
    IN_PROGRESS = "in_progress", pgettext_lazy("complaint state", "in progress")
    RESOLVED = "resolved", pgettext_lazy("complaint state", "resolved")
    CLOSED = "closed", pgettext_lazy("complaint state", "closed")
    REOPENED = "reopened", pgettext_lazy("complaint state", "reopened")


# Still waiting for a result: the SLA clock runs, the escalation job looks at these.
UNRESOLVED_STATES = (ComplaintState.OPEN, ComplaintState.IN_PROGRESS, ComplaintState.REOPENED)
# Not closed: the queue of a district lists these.
OPEN_STATES = (*UNRESOLVED_STATES, ComplaintState.RESOLVED)


class CustomerConfirmation(models.TextChoices):
    """What the customer said of the result when the complaint was closed."""

    SATISFIED = "satisfied", _("satisfied")
    ACCEPTED = "accepted", _("accepted the result")
    UNREACHABLE = "unreachable", _("could not be reached")


class StepKind(models.TextChoices):
    """An entry of a complaint's log: a step somebody took, or a move the complaint made."""

    ACTION = "action", _("step taken")
    STATE = "state", _("state change")
    ESCALATION = "escalation", _("escalation")


class EscalationReason(models.TextChoices):
    OVERDUE = "overdue", _("past its SLA")
    REPORTED = "reported", _("SLA breach reported")


class SlaState(models.TextChoices):
    """Where a complaint stands against its SLA (computed, as of a day)."""

    ON_TIME = "on_time", _("within SLA")
    DUE_TODAY = "due_today", _("due today")
    BREACHED = "breached", _("past SLA")
    MET = "met", _("result within SLA")
    MISSED = "missed", _("result after SLA")
