"""Number filters for pages that print many figures (the dashboard's tables).

`floatformat` localises through several layers per call; for amounts in yuan and percentages, whose
format is the same in both of the system's languages (grouping ",", decimal "."), a plain format() gives
the same text for a fraction of the cost — it matters on a table of hundreds of figures."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()


def _decimal(value):
    if value is None or value == "":
        return None
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


@register.filter
def money(value):
    """12345.6 → "12,345.60"; empty for nothing."""
    number = _decimal(value)
    # Half up, as floatformat rounds.
    return "" if number is None else format(number.quantize(Decimal("0.01"), ROUND_HALF_UP), ",.2f")


@register.filter
def pct1(value):
    """A percentage with one decimal: 93.333 → "93.3"; empty for nothing."""
    number = _decimal(value)
    return "" if number is None else format(number.quantize(Decimal("0.1"), ROUND_HALF_UP), ".1f")
