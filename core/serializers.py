"""Input serializers that refuse what they do not understand.

A branch system that misspells a field must hear about it (400 naming the field) instead of seeing its
value silently dropped; a NUL byte anywhere in the input is refused, because PostgreSQL cannot store
it in text and it is never legitimate business data. Amounts use `MoneyInputField`: more than two
decimals is a 400 naming the field, never a silent rounding.
"""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

NUL = "\x00"


def contains_nul(value):
    """True if a NUL character hides anywhere in a parsed JSON value (keys included)."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, Mapping):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(item) for item in value)
    return False


class StrictSerializer(serializers.Serializer):
    """Refuses unknown fields and NUL bytes, each with a 400 naming the field."""

    default_error_messages = {
        "unknown_field": _("Unknown field."),
        "nul": _("Null characters are not allowed."),
    }

    def to_internal_value(self, data):
        errors = {}
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            for name, value in data.items():
                if name not in writable:
                    errors[str(name)] = [self.error_messages["unknown_field"]]
                elif contains_nul(value):
                    errors[name] = [self.error_messages["nul"]]
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            detail = exc.detail if isinstance(exc.detail, Mapping) else {api_settings.NON_FIELD_ERRORS_KEY: exc.detail}
            raise serializers.ValidationError({**detail, **errors})
        if errors:
            raise serializers.ValidationError(errors)
        return value


class MoneyInputField(serializers.DecimalField):
    """An amount in CNY: at most 16 digits before the point and 2 after; positive unless told."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)


def enum_choice_field(choices, **kwargs):
    """A ChoiceField over a TextChoices, documented with its own inline enum in the OpenAPI schema.

    drf-spectacular hoists enums into components named after the field, so `status` of customers,
    invoices, payments and collection plans (four choice sets) would collide and warn. Wrapped in
    `allOf`, the enum stays with its field. (ENUM_NAME_OVERRIDES in the settings would name them
    instead; either way the schema says exactly which values each field takes.)
    """
    schema = {"allOf": [{"type": "string", "enum": list(choices.values)}]}
    field_class = extend_schema_field(schema)(type(f"{choices.__name__}Field", (serializers.ChoiceField,), {}))
    return field_class(choices=choices.choices, **kwargs)
