from django.db import models
from django.utils.translation import gettext_lazy as _

from approvals.choices import ApprovalKind


class Metric(models.TextChoices):
    """What a target measures. Amounts are money (Decimal to the cent); the others are counts."""

    SALES_AMOUNT = "sales_amount", _("sales amount")
    COLLECTIONS = "collections", _("collections")
    NEW_CUSTOMERS = "new_customers", _("new customers")
    NEW_CHANNELS = "new_channels", _("new channels")
    KEY_CUSTOMER_CONTRACTS = "key_customer_contracts", _("key-customer contracts")


# Counted in whole numbers; every other metric is an amount of money to the cent.
COUNT_METRICS = frozenset({Metric.NEW_CUSTOMERS, Metric.NEW_CHANNELS, Metric.KEY_CUSTOMER_CONTRACTS})


def decimal_places(metric):
    """Places a metric's values carry: 0 for counts, 2 for money."""
    return 0 if metric in COUNT_METRICS else 2


class SplitMethod(models.TextChoices):
    """How a target was derived from its parent target."""

    SHARES = "shares", _("by shares")
    LAST_YEAR = "last_year", _("by last year's actuals")
    MANUAL = "manual", _("by hand")
    SEASONAL = "seasonal", _("across months")


class DistributionKind(models.TextChoices):
    AMOUNTS = "amounts", _("amounts")
    PERCENTAGES = "percentages", _("percentages")


class DecompositionLevel(models.TextChoices):
    """Where a target's children are compared with it in a decomposition check."""

    UNITS = "units", _("sub-units")
    STAFF = "staff", _("sales staff")
    QUARTERS = "quarters", _("quarters")
    MONTHS = "months", _("months")


class PlanKind(models.TextChoices):
    """The kinds of plan (计划) a unit drafts and submits; each has its approval kind (PLAN_APPROVAL_KIND)."""

    MARKETING = "marketing", _("marketing plan")
    WORK = "work", _("work plan")
    STRATEGY = "strategy", _("development strategy")
    CHANNEL_EXPANSION = "channel_expansion", _("channel expansion plan")
    PROMOTION = "promotion", _("promotion plan")
    PRODUCT_EXPANSION = "product_expansion", _("product expansion plan")
    CUSTOMER_EXPANSION = "customer_expansion", _("customer expansion plan")
    EXPENSE_PROFIT = "expense_profit", _("expense and profit plan")
    STAFF_DEVELOPMENT = "staff_development", _("staff development plan")


def approval_kind_of(kind):
    """The approvals.choices.ApprovalKind a plan of this kind is submitted as (PLAN_<KIND>)."""
    return ApprovalKind(f"plan_{PlanKind(kind).value}")


# Kinds a salesperson may write: their own work plan only.
REP_PLAN_KINDS = frozenset({PlanKind.WORK})


class PlanState(models.TextChoices):
    """A plan's state, mirrored from its latest approval request (draft until first submitted)."""

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned for revision")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


# The draft's lines and text change only in these states (after a return or a withdrawal the author revises).
EDITABLE_STATES = (PlanState.DRAFT, PlanState.RETURNED, PlanState.WITHDRAWN)

# How a plan's target line is split to children (units or staff); months are split by a distribution or by hand.
PLAN_SPLIT_METHODS = (SplitMethod.SHARES, SplitMethod.LAST_YEAR, SplitMethod.MANUAL)
