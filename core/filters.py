"""Filters shared by every FilterSet."""

import django_filters
from django import forms
from django_filters.constants import EMPTY_VALUES

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


def _unit_model(model, path_lookup):
    """The model whose `path` `path_lookup` ends on (`district__path` of an invoice: the org unit)."""
    for name in path_lookup.split("__")[:-1]:
        model = model._meta.get_field(name).related_model
    return model


def in_subtree(queryset, path_lookup, unit=None, *, code=None):
    """Rows of `queryset` in the subtree of `unit` (an org unit or its id) or of the unit with `code`: one
    path-prefix test on `path_lookup` (`unit__path`, `district__path`, `path`), served by its index.

    The unit is read unscoped on purpose: the rows are still cut by the caller's scope, so a unit outside
    it gives an empty list (as if it had nothing), never someone else's rows; an unknown unit, the same."""
    path = getattr(unit, "path", None)
    if path is None:
        units = _unit_model(queryset.model, path_lookup)._default_manager
        units = units.filter(code=code) if code is not None else units.filter(pk=getattr(unit, "pk", unit))
        path = units.values_list("path", flat=True).first()
    if path is None:
        return queryset.none()
    return queryset.filter(**{f"{path_lookup}__startswith": path})


class SubtreeFilter(IdFilter):
    """`unit=<id>`: rows of that unit and of every unit below it. `path` is the lookup to the unit's path.

    A page may offer the units as a choice of OrgUnit rows instead of an id (the value is then the unit)."""

    def __init__(self, *args, path="unit__path", **kwargs):
        super().__init__(*args, **kwargs)
        self.path_lookup = path

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return in_subtree(qs, self.path_lookup, value)


class SubtreeCodeFilter(django_filters.CharFilter):
    """`unit_code=<code>` (the code a branch system knows, e.g. 330100): rows of that unit and below it."""

    def __init__(self, *args, path="unit__path", **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)
        self.path_lookup = path

    def filter(self, qs, value):
        value = value.strip() if value else value
        if value in EMPTY_VALUES:
            return qs
        return in_subtree(qs, self.path_lookup, code=value)
