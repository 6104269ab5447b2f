"""Filters shared by every FilterSet."""

import django_filters
from django import forms

from core.periods import Period, validate_period

# The largest id a bigint column holds: a larger number in a query string is bad input (400), not a
# database overflow (500).
MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class IdFilter(django_filters.NumberFilter):
    """A filter on a record's id: a whole number in the range of the id column."""

    field_class = IdField


class PeriodFormField(forms.CharField):
    """A period's text (2026, 2026-Q3, 2026-07) inside the supported years, returned as a Period; anything
    else is a 400 naming the parameter."""

    default_validators = [validate_period]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 7)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value.strip() if value else value

    def clean(self, value):
        value = super().clean(value)
        return Period.parse(value) if value else None


class PeriodFilter(django_filters.CharFilter):
    field_class = PeriodFormField

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return qs.filter(**{self.field_name: str(value)})
