"""Checks of the input of target and plan services: each takes what a person or a branch system sent and
returns the clean value, or refuses with InvalidInput naming the field."""

from datetime import date

from django.utils.translation import gettext as _

from core.dates import supported_date_error
from core.errors import InvalidInput
from core.money import MONEY_MAX, parse_money
from core.periods import parse_input as parse_period_input
from plans.choices import COUNT_METRICS, Metric


# --- input checks ---------------------------------------------------------------------------------
def check_metric(metric):
    if metric not in Metric.values:
        raise InvalidInput(
            _("Unknown metric %(metric)s: use one of %(choices)s.") % {"metric": metric, "choices": ", ".join(Metric.values)},
            field="metric",
        )
    return Metric(metric)


def check_period(period):
    return parse_period_input(period, field="period")


def check_value(value, *, metric, field="value", label=None):
    """A target value: a Decimal ≥ 0, to the cent for amounts and whole for counts, below 10^16."""
    label = label or _("The target")
    number = parse_money(value, field=field, label=label)
    if metric in COUNT_METRICS and number != number.to_integral_value():
        raise InvalidInput(
            _("%(label)s counts %(metric)s, so it must be a whole number, not %(value)s.")
            % {"label": label, "value": number.normalize(), "metric": Metric(metric).label},  # not integral: no exponent
            field=field,
        )
    return number


def check_text(value, *, field, label, max_length, required=True):
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(_("%(label)s must be text.") % {"label": label}, field=field)
    if "\x00" in value:
        raise InvalidInput(_("Null characters are not allowed."), field=field)
    value = value.strip()
    if required and not value:
        raise InvalidInput(_("%(label)s is required.") % {"label": label}, field=field)
    if max_length is not None and len(value) > max_length:
        raise InvalidInput(_("%(label)s is at most %(max)s characters long.") % {"label": label, "max": max_length}, field=field)
    return value


def check_date(value, *, label):
    day = None
    if isinstance(value, date):
        day = value
    elif isinstance(value, str):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            pass
    if day is None:
        raise InvalidInput(_("%(label)s: give the due date as YYYY-MM-DD.") % {"label": label}, field="actions")
    message = supported_date_error(day)
    if message is not None:
        raise InvalidInput(f"{label}: {message}", field="actions", code="date_out_of_range")
    return day


def check_within_range(total, *, field, label):
    """A sum of lines that becomes one amount (the request's, a total) must fit an amount field."""
    if total > MONEY_MAX:
        raise InvalidInput(
            _("%(label)s add up to %(total)s, more than the largest amount the system holds (%(max)s).")
            % {"label": label, "total": f"{total:,.2f}", "max": f"{MONEY_MAX:,.2f}"},
            field=field,
        )
