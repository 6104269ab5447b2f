"""Filters shared by every FilterSet."""

import django_filters
from django import forms

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
