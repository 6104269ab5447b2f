from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """Why a message was sent; the inbox filters on it and e-mail subjects start with it."""

    SUBMITTED = "submitted", _("Submitted for your decision")
    DECIDED = "decided", _("Decision made")
    NUDGED = "nudged", _("Reminder from the submitter")
    REMINDER = "reminder", _("Reminder")
    ESCALATED = "escalated", _("Escalated")
    TASK_ASSIGNED = "task_assigned", _("Task assigned")
    TASK_OVERDUE = "task_overdue", _("Task overdue")
    BUDGET = "budget", _("Budget")
    OTHER = "other", _("Other")
