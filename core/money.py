"""Money: Decimal CNY to the cent. One field definition and one rounding rule for the whole system."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext as _

from core.errors import InvalidInput

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# The largest amount a MoneyField (18 digits, 2 decimals) holds.
MONEY_MAX = Decimal("9999999999999999.99")
# Digits of a *sum* of amounts in an answer (totals, differences): many 18-digit amounts add up to more
# than 18 digits, and a DecimalField that cannot show its value fails the whole response.
SUM_DIGITS = 24


def money(value):
    """Round to the cent, half up (the rule of Chinese invoices)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# Longer input is not a number anyone types: refused before Decimal() reads it.
MAX_INPUT_CHARS = 64
# Weights and shares: normalised fractions, so 16 whole digits and 10 decimals are more than enough, and
# every exact share stays a fraction of integers below 10^26 (allocate's arithmetic stays cheap).
WEIGHT_DIGITS, WEIGHT_PLACES = 26, 10


def parse_decimal(value, *, field, label=None, max_digits=18, decimal_places=2, messages=None):
    """Input (text, int, float, Decimal) → a finite Decimal with at most `max_digits − decimal_places`
    whole digits and `decimal_places` decimals; anything else is refused with InvalidInput naming `field`.

    The bounds are checked on the number's digits and exponent *before any arithmetic*: "1e-4000000" is
    a short text, but turning it into a fraction or rounding it costs seconds of a worker, so every
    amount, share and weight that comes in (serializers, forms, services, imports) goes through here.
    Trailing zeros do not count ("100.00" has no decimals that matter); the value keeps its sign, and
    callers apply their own business rules (not negative, whole for counts) on the bounded value.
    `messages` may override "invalid", "max_whole_digits" and "max_decimal_places" (with %(label)s,
    %(value)s, %(places)s)."""
    label = label or _("The value")
    wording = {
        "invalid": _("%(label)s must be a number, not %(value)s."),
        "max_whole_digits": _("%(label)s is too large (%(value)s)."),
        "max_decimal_places": _("%(label)s has more than %(places)s decimal places: %(value)s."),
        **(messages or {}),
    }

    def refuse(kind, shown):
        raise InvalidInput(wording[kind] % {"label": label, "value": shown, "places": decimal_places}, field=field)

    if isinstance(value, bool) or value is None:
        refuse("invalid", value)
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    else:
        if isinstance(value, float):
            text = repr(value)
        elif isinstance(value, str):
            text = value.strip()
        else:
            refuse("invalid", str(value)[:40])
        if len(text) > MAX_INPUT_CHARS:
            refuse("invalid", text[:40] + "…")
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            refuse("invalid", text[:40])
    if not number.is_finite():
        refuse("invalid", str(value)[:40])
    sign, digits, exponent = number.as_tuple()
    # Significant digits only: leading and trailing zeros say nothing about size or precision.
    start = 0
    while start < len(digits) and digits[start] == 0:
        start += 1
    end = len(digits)
    while end > start and digits[end - 1] == 0:
        end -= 1
    if start == end:
        return Decimal(0)
    significant = digits[start:end]
    exponent += len(digits) - end
    if -exponent > decimal_places:
        refuse("max_decimal_places", _shown(sign, significant, exponent))
    if len(significant) + exponent > max_digits - decimal_places:
        refuse("max_whole_digits", _shown(sign, significant, exponent))
    if number.as_tuple().exponent >= -(decimal_places + MAX_INPUT_CHARS):
        return number  # as written ("100.00" stays 100.00); the trailing zeros are few, as the text is short
    return Decimal((sign, significant, exponent))


def _shown(sign, digits, exponent):
    """A refused number as short text: its digits in full when short, else scientific notation."""
    if len(digits) <= 24 and -30 <= exponent <= 6:
        return f"{Decimal((sign, digits, exponent)):f}"
    head = digits[:6]
    return str(Decimal((sign, head, exponent + len(digits) - len(head))))


_MONEY_REFUSALS = ("invalid", "max_whole_digits", "max_decimal_places", "negative", "not_positive")


def parse_money(value, *, field, label=None, positive=False, messages=None, message=None):
    """An amount of money (CNY) from input — text, int, float or Decimal — as a Decimal to the cent.

    The one rule for every door that takes an amount (services, imports, approvals): at most two decimal
    places — more is refused, never rounded —, at most 16 whole digits (bounded on the digits and
    exponent before any arithmetic, `parse_decimal`), not negative, and above zero when `positive`.
    Refusals are InvalidInput naming `field`; `messages` may reword "invalid", "max_whole_digits",
    "max_decimal_places", "negative" and "not_positive" (with %(label)s and %(value)s), or `message` be
    the one wording of every refusal."""
    label = label or _("The amount")
    if message is not None:
        messages = dict.fromkeys(_MONEY_REFUSALS, str(message).replace("%", "%%"))  # worded as it is
    wording = {
        "max_decimal_places": _("%(label)s is an amount of money: at most two decimal places, not %(value)s."),
        "negative": _("%(label)s cannot be negative (%(value)s)."),
        "not_positive": _("%(label)s must be more than zero (%(value)s)."),
        **(messages or {}),
    }
    parsing = {key: wording[key] for key in ("invalid", "max_whole_digits", "max_decimal_places") if key in wording}
    number = parse_decimal(value, field=field, label=label, messages=parsing)
    if number < 0 or (positive and number == 0):
        refusal = wording["not_positive" if positive else "negative"]
        raise InvalidInput(refusal % {"label": label, "value": number}, field=field)
    return number.quantize(CENT)


def parse_weight(value, *, field, label=None, messages=None):
    """A share or weight from input: `parse_decimal` within the weight bounds (16 whole digits, 10 decimals)."""
    return parse_decimal(
        value, field=field, label=label, max_digits=WEIGHT_DIGITS, decimal_places=WEIGHT_PLACES, messages=messages
    )


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
