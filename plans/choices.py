from django.db import models
from django.utils.translation import gettext_lazy as _


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
