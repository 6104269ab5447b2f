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


def allocate(total, weights, *, places=2):
    """Split `total` into parts proportional to `weights` that add up to it exactly — the one
    rounding rule for every decomposition (targets, budgets).

    Each part's exact share is computed as a fraction, rounded DOWN to the unit (a cent for
    `places=2`, a whole number for `places=0`); the units left over go one at a time to the parts
    with the largest fractional remainders, ties to the earlier part. Callers pass the weights in a
    stable order (children by code, months in order), so the same input always gives the same parts.
    """
    from fractions import Fraction

    unit = Decimal(1).scaleb(-places)
    total = Decimal(total)
    if total < 0:
        raise ValueError("Cannot allocate a negative total.")
    if total != total.quantize(unit):
        raise ValueError(f"{total} has more than {places} decimal places.")
    weights = [Fraction(Decimal(w)) for w in weights]
    if not weights:
        raise ValueError("Cannot allocate to no parts.")
    if any(w < 0 for w in weights):
        raise ValueError("Weights cannot be negative.")
    weight_sum = sum(weights)
    if weight_sum == 0:
        raise ValueError("At least one weight must be positive.")
    total_units = int(total.scaleb(places))
    exact = [Fraction(total_units) * w / weight_sum for w in weights]  # in units
    floors = [int(share) for share in exact]  # shares are ≥ 0, so int() rounds down
    left_over = total_units - sum(floors)
    # Largest remainder first; on a tie the earlier part (lower code) wins.
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left_over]:
        floors[i] += 1
    return [Decimal(units).scaleb(-places).quantize(unit) for units in floors]
