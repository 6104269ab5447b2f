"""The dates the system accepts: one supported range, and a plausibility window per kind of date.

Every date and period that enters — query parameters (`as_of`, list filters), plan, target, budget,
appraisal and report periods, ledger records through the API, the bulk API, pages and imports — must lie
in `SUPPORTED_DATE_MIN`…`SUPPORTED_DATE_MAX` (settings; 2000-01-01 to 2099-12-31): outside it the answer
is a 400 naming the field and the range, in the user's language, and nothing is written. Date arithmetic
on such a date (ageing buckets, previous periods) therefore never leaves the calendar.

Some kinds of date also have a plausibility window (`DATE_PLAUSIBLE_FUTURE_DAYS`): an invoice issued or a
payment received more than N days after today is a typing slip, not a record.

The checks come in the shapes the entry points need: `check_*` raise `InvalidInput` (services, imports),
`validate_supported_date` is a Django validator, `DateInputField` a DRF field, `DateFormField` a form field
and `DateFilter` a django-filter filter.
"""

import datetime

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.errors import InvalidInput


def supported_range():
    """(first, last) supported day, from the settings."""
    return (
        datetime.date.fromisoformat(str(settings.SUPPORTED_DATE_MIN)),
        datetime.date.fromisoformat(str(settings.SUPPORTED_DATE_MAX)),
    )


def supported_years():
    first, last = supported_range()
    return first.year, last.year


def out_of_range_message():
    first, last = supported_range()
    return _("Dates must lie between %(first)s and %(last)s.") % {"first": first.isoformat(), "last": last.isoformat()}


def supported_date_error(value):
    """The reason a date cannot be accepted (outside the supported range), or None."""
    first, last = supported_range()
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not first <= value <= last:
        return out_of_range_message()
    return None


def plausibility_error(value, *, kind, today=None):
    """The reason a date of this kind is implausible (too far after today), or None. Includes the range."""
    message = supported_date_error(value)
    if message is not None or kind is None:
        return message
    days = settings.DATE_PLAUSIBLE_FUTURE_DAYS.get(kind)
    if days is None:
        return None
    latest = (today or timezone.localdate()) + datetime.timedelta(days=days)
    if value > latest:
        return _("This date lies more than %(days)d days after today (latest %(latest)s).") % {
            "days": days,
            "latest": latest.isoformat(),
        }
    return None


class PlausibilityChecks:
    """plausibility_error for the many rows of one batch (an import file, a bulk request): "today" is
    read once, and each (day, kind) is judged once — a batch's rows share few dates, and judging each
    row's dates again cost a 20,000-row file a fifth of its parse time."""

    def __init__(self):
        self.today = timezone.localdate()
        self.known = {}

    def error(self, day, kind):
        key = (day, kind)
        if key not in self.known:
            self.known[key] = plausibility_error(day, kind=kind, today=self.today)
        return self.known[key]


def due_date_error(issue_date, due_date):
    """The reason a due date cannot be accepted (it lies before the issue date), or None when either is
    missing. Every door of invoices asks this (pages, API, bulk API, imports, services); the database
    holds the same rule as a constraint."""
    if issue_date is not None and due_date is not None and due_date < issue_date:
        return gettext("The due date cannot be before the issue date.")
    return None


def check_supported_date(value, *, field, kind=None, today=None):
    """Return `value` or raise InvalidInput on `field` when it is outside the range or implausible."""
    if value is None:
        return value
    message = plausibility_error(value, kind=kind, today=today)
    if message is not None:
        raise InvalidInput(message, field=field, code="date_out_of_range")
    return value


def validate_supported_date(value):
    """Django validator: the date lies in the supported range."""
    if value is None:
        return
    message = supported_date_error(value)
    if message is not None:
        raise ValidationError(message, code="date_out_of_range")


def plausible_validator(kind):
    def validate(value):
        if value is None:
            return
        message = plausibility_error(value, kind=kind)
        if message is not None:
            raise ValidationError(message, code="date_out_of_range")

    return validate


class DateInputField(serializers.DateField):
    """A DRF date in the supported range (and, with `kind`, inside that kind's plausibility window)."""

    def __init__(self, *, kind=None, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(plausible_validator(kind) if kind else validate_supported_date)


class DateFormField(forms.DateField):
    """A form date in the supported range (and, with `kind`, inside that kind's plausibility window)."""

    def __init__(self, *, kind=None, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(plausible_validator(kind) if kind else validate_supported_date)
        # A browser's date picker reads and writes ISO days only: a day shown the zh-hans way ("2026/12/07") comes
        # up empty, losing a default or the saved value. Every date picker of a DateFormField shows ISO days.
        if isinstance(self.widget, forms.DateInput) and self.widget.input_type == "date" and not self.widget.format:
            self.widget.format = "%Y-%m-%d"


class DateFilter(django_filters.DateFilter):
    """A list filter on a date, refusing dates outside the supported range (a 400 naming the parameter)."""

    field_class = DateFormField
