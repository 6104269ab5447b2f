"""Checking the input of the ledger's services: numbers, money, dates, texts, choices, external ids.

The wording of every refusal is the ledger's own; each names the field at fault.
"""

import datetime
from decimal import Decimal

from django.db.models import DecimalField
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import check_supported_date
from core.errors import Conflict, InvalidInput
from core.money import parse_money, parse_weight

# A MoneyField holds 18 digits, two of them decimals.
MONEY_LIMIT = Decimal(10) ** 16
_AMOUNT = gettext_lazy("The amount")
MONEY_OUTPUT = DecimalField(max_digits=18, decimal_places=2)


def clean_decimal(value, *, field, label):
    """A Decimal from a Decimal, int or numeric string (floats as written, so 0.1 stays 0.1), its digits
    and exponent bounded before any arithmetic (core.money.parse_decimal); callers check the places."""
    message = _("%(label)s must be a number.") % {"label": label}
    message = message.replace("%", "%%")  # parse_decimal formats the wording once more
    return parse_weight(
        value,
        field=field,
        label=label,
        messages={"invalid": message, "max_whole_digits": _("%(label)s is too large."), "max_decimal_places": message},
    )


def clean_money(value, *, field, label=None, allow_zero=False):
    """A money amount: a number with at most two decimals, positive (or zero if allowed), < 10^16."""
    wording = {
        "invalid": _("%(label)s must be a number."),
        "max_whole_digits": _("%(label)s is too large."),
        "max_decimal_places": _("%(label)s has more than two decimals: %(value)s."),
        "negative": _("%(label)s must not be negative."),
        "not_positive": _("%(label)s must be greater than zero."),
    }
    return parse_money(value, field=field, label=label or _AMOUNT, positive=not allow_zero, messages=wording)


def clean_date(value, *, field):
    """A date of the ledger, inside the supported range (core.dates); the plausibility windows are the
    entry points' (serializers, forms, imports), which know what today is for the record's sender."""
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise InvalidInput(_("Enter a valid date (YYYY-MM-DD)."), field=field) from None
    return check_supported_date(value, field=field)


def clean_text(value, *, field, max_length, required=False, label=None):
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(_("Enter a text."), field=field)
    if "\x00" in value:
        raise InvalidInput(_("The text contains a NUL character."), field=field)
    value = value.strip()
    if required and not value:
        raise InvalidInput(_("%(label)s is required.") % {"label": label or _("This field")}, field=field)
    if len(value) > max_length:
        raise InvalidInput(_("At most %(max)d characters.") % {"max": max_length}, field=field)
    return value


# External ids and credit codes are unique company-wide, so the record already holding one may lie outside
# the caller's scope: a refusal says only that the value cannot be used, never whose it is.
EXTERNAL_ID_TAKEN = gettext_lazy(
    "This external id cannot be used: external ids are unique company-wide, so prefix yours with your district code "
    "(e.g. 330100-INV-0001)."
)
CREDIT_CODE_TAKEN = gettext_lazy("This unified social credit code cannot be used; check it, or ask the Development Center.")


def clean_external_id(value, *, model, exclude_pk=None):
    if value in (None, ""):
        return None
    value = clean_text(value, field="external_id", max_length=64)
    if model.objects.filter(external_id=value).exclude(pk=exclude_pk).exists():
        raise Conflict(EXTERNAL_ID_TAKEN, field="external_id")
    return value


def clean_choice(value, choices, *, field):
    if value not in choices.values:
        raise InvalidInput(
            _("%(value)s is not one of: %(choices)s.") % {"value": value, "choices": ", ".join(choices.values)}, field=field
        )
    return value
