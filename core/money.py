"""Money: Decimal CNY to the cent. One field definition and one rounding rule for the whole system."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value):
    """Round to the cent, half up (the rule of Chinese invoices)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def MoneyField(verbose_name=None, **kwargs):  # noqa: N802 (reads like a field class)
    kwargs.setdefault("max_digits", 18)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(verbose_name, **kwargs)
