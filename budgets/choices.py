from django.db import models
from django.utils.translation import gettext_lazy as _


class ExpenseCategory(models.TextChoices):
    """What money is spent on (费用科目); budgets and expenses are kept per category."""

    TRAVEL = "travel", _("Travel")
    ENTERTAINMENT = "entertainment", _("Business entertainment")
    MARKETING = "marketing", _("Marketing and promotion")
    MEETINGS = "meetings", _("Meetings and training")
    OFFICE = "office", _("Office")
    OTHER = "other", _("Other")


class AllocationMethod(models.TextChoices):
    """How a budget row came about: set directly, or allocated from its parent budget."""

    SET = "set", _("set directly")
    SHARES = "shares", _("by shares")
    MANUAL = "manual", _("by hand")
    EQUAL = "equal", _("in equal parts")


class AllocationTarget(models.TextChoices):
    """Where a budget is allocated to: the child units (same period) or the shorter periods (same unit)."""

    UNITS = "units", _("sub-units")
    QUARTERS = "quarters", _("quarters")
    MONTHS = "months", _("months")


class ExpenseState(models.TextChoices):
    RECORDED = "recorded", _("Recorded (within budget)")
    PENDING = "pending", _("Beyond budget, waiting for approval")
    APPROVED = "approved", _("Beyond budget, approved")
    REJECTED = "rejected", _("Beyond budget, rejected")
    RETURNED = "returned", _("Returned for revision")
    CANCELLED = "cancelled", _("Cancelled")


# The states in which an expense counts as spent against its budget.
COUNTED_STATES = (ExpenseState.RECORDED, ExpenseState.APPROVED)
