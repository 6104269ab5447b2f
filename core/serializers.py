"""Input serializers that refuse what they do not understand.

A branch system that misspells a field must hear about it (400 naming the field) instead of seeing its
value silently dropped; a NUL byte anywhere in the input is refused, because PostgreSQL cannot store
it in text and it is never legitimate business data. Amounts use `MoneyInputField`: more than two
decimals is a 400 naming the field, never a silent rounding.
"""

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.relations import PKOnlyObject
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
    values = list(choices.values)
    if kwargs.get("allow_blank"):
        values.append("")  # a blank value (e.g. "not closed yet") is one the field may take, so the schema says so
    schema = {"allOf": [{"type": "string", "enum": values}]}
    field_class = extend_schema_field(schema)(type(f"{choices.__name__}Field", (serializers.ChoiceField,), {}))
    return field_class(choices=choices.choices, **kwargs)


class FastReadMixin:
    """Faster output for read serializers of long lists (the API's lists, exports).

    DRF resolves and formats each field of each row through several layers of generic code; for a page
    of 1,000 invoices that costs several times the rows' plain dicts. Here each field is compiled once
    per serializer into an accessor and a formatter chosen by the field's class; fields it does not
    know take DRF's own path. tests/core/test_fast_serializers.py checks the output equals DRF's.
    """

    def to_representation(self, instance):
        plan = self.__dict__.get("_fast_plan")
        if plan is None:
            plan = self._fast_plan = [(field.field_name, _compile(field)) for field in self._readable_fields]
        return {name: fn(instance) for name, fn in plan}


_GENERIC = object()


def _generic(field):
    def run(instance):
        attribute = field.get_attribute(instance)
        if attribute is None:
            return None
        check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        return None if check is None else field.to_representation(attribute)

    return run


def _compile(field):
    if not field.source_attrs or field.source == "*":
        return _generic(field)
    if isinstance(field, serializers.ListSerializer) and len(field.source_attrs) == 1:
        child, related = field.child, field.source_attrs[0]

        def run_many(obj):
            # Prefetched rows straight from Django's prefetch cache; a related manager per row is slow.
            cached = getattr(obj, "_prefetched_objects_cache", {}).get(related)
            rows = cached if cached is not None else getattr(obj, related).all()
            return [child.to_representation(row) for row in rows]

        return run_many
    attrs = field.source_attrs
    name = attrs[0]
    if isinstance(field, serializers.PrimaryKeyRelatedField) and len(attrs) == 1 and not getattr(field, "pk_field", None):
        model_field = _model_field(field, name)
        if model_field is None:
            return _generic(field)
        attname = model_field.attname
        return lambda obj: getattr(obj, attname)
    fmt = None
    coerce = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    if (
        isinstance(field, serializers.DecimalField)
        and coerce
        and not field.localize
        and not getattr(field, "normalize_output", False)
        and field.decimal_places is not None
    ):
        exponent = Decimal(1).scaleb(-field.decimal_places)

        def fmt(value):
            return f"{Decimal(value).quantize(exponent):f}"

    elif isinstance(field, serializers.DateTimeField):
        if (
            getattr(field, "format", empty) not in (empty, api_settings.DATETIME_FORMAT)
            or api_settings.DATETIME_FORMAT != "iso-8601"
        ):
            return _generic(field)

        def fmt(value):
            if isinstance(value, datetime.datetime) and value.utcoffset() is not None:
                value = value.astimezone(timezone.get_current_timezone())
            text = value.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text

    elif isinstance(field, serializers.DateField):
        if getattr(field, "format", empty) not in (empty, api_settings.DATE_FORMAT) or api_settings.DATE_FORMAT != "iso-8601":
            return _generic(field)

        def fmt(value):
            return value.isoformat()

    elif type(field) in (serializers.CharField, serializers.ReadOnlyField, serializers.EmailField):

        def fmt(value):
            return value if type(value) is str else str(value)

    elif type(field) is serializers.IntegerField:
        fmt = int
    elif type(field) is serializers.BooleanField:
        fmt = bool
    elif isinstance(field, serializers.ChoiceField) and not isinstance(field, serializers.MultipleChoiceField):
        mapping = field.choice_strings_to_values

        def fmt(value):
            return mapping.get(str(value), value)

    if fmt is None:
        return _generic(field)
    if len(attrs) > 1:
        generic = _generic(field)

        def run_dotted(obj):
            value = obj
            for attr in attrs:
                value = getattr(value, attr)
                if value is None:
                    return generic(obj)  # DRF decides what a missing hop means for this field
            if callable(value):
                value = value()
            return fmt(value)

        return run_dotted

    def run(obj):
        value = getattr(obj, name)
        if callable(value):
            value = value()
        return None if value is None else fmt(value)

    return run


def _model_field(field, name):
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001 (a serializer field not on the model)
        return None
