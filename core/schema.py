"""OpenAPI schema: the API key scheme, and the rules that keep the schema true to what the API answers.

The schema is a contract: branch systems generate clients from it, and CI (scripts/schemathesis)
checks every answer against it — status code, content type and body. drf-spectacular infers most of it
from the serializers; `ScopedAutoSchema` corrects, once for every view, what it infers wrongly here:

- every operation documents the error answers it can give, with the error body (`ErrorSerializer`);
- a method field hinted `-> Decimal` is a decimal *string* (COERCE_DECIMAL_TO_STRING), never a number;
- a read field declared `default=None` (a name through a relation that may be empty) may be null;
- a read-only e-mail or URL field that may be blank also allows `""` (as drf-spectacular does for input).

- a file download (a renderer that is not JSON: xlsx, PDF, CSV) is documented as the file, not as JSON.

What a view must still say itself (see README "API schema"): a custom list action's response as
`Serializer(many=True)` (paginated when the action paginates; `filters=True` if it filters), a file
download's renderer in `renderer_classes` (so its media type is documented), and the response of an
action that answers something other than its viewset's serializer.
"""

import typing
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import get_override
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.settings import api_settings


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "core.api_keys.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`: a branch system's key, bound to one org unit.",
        }


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer."""

    detail = serializers.CharField(help_text="What went wrong, in the caller's language.")
    code = serializers.CharField(help_text="A stable machine-readable code.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Per-field messages, keyed by field name.",
    )


# Every request may be refused before or by its view: bad input (a query parameter, a header such as
# Idempotency-Key, a tampered cursor), no or a wrong credential, no right, out of scope, too many requests.
ERRORS_ALL = {
    "400": "Invalid input; `errors` names each field and the reason.",
    "401": "Not authenticated (no session, or a missing or revoked API key).",
    "403": "In scope, but the role may not do this.",
    "404": "Not found, or outside the caller's scope.",
    "429": "Too many requests (or failed attempts); retry after the `Retry-After` header's seconds.",
}
# Requests with a body, which a business rule may also refuse.
ERRORS_WRITE = {
    "409": "The request conflicts with the current state.",
    "413": "The request body is too large.",
    "415": "Unsupported Content-Type of the body.",
    "422": "Well-formed, but a business rule refuses it; `errors` names the field.",
}
ERROR_MEDIA_TYPES = ["application/json"]
# Refused by the HTTP server in front of Django (gunicorn: a request line over 4 KiB), in its own words.
ERRORS_SERVER = {"414": "The URL is too long (refused by the web server; the body is not the API's)."}

DECIMAL_STRING = {"type": "string", "format": "decimal", "pattern": r"^-?\d+(?:\.\d+)?$"}


def _is_decimal_hint(hint):
    """(is it `Decimal` or `Decimal | None`, may it be None). Such a method returns the amount as text
    (e.g. `f"{value:.2f}"`): a Decimal object itself would be rendered as a JSON number."""
    if hint is Decimal:
        return True, False
    args = typing.get_args(hint)
    if args and set(args) <= {Decimal, type(None)} and Decimal in args:
        return True, type(None) in args
    return False, False


def _model_field(field):
    """The model field a ModelSerializer field reads directly (single-step source), else None."""
    meta = getattr(getattr(field, "parent", None), "Meta", None)
    model = getattr(meta, "model", None)
    if model is None or len(getattr(field, "source_attrs", [])) != 1:
        return None
    try:
        return model._meta.get_field(field.source_attrs[0])
    except FieldDoesNotExist:
        return None


class ScopedAutoSchema(AutoSchema):
    """drf-spectacular's inference with this API's rules applied once for every view (module docstring)."""

    def _error_answers(self):
        errors = dict(ERRORS_ALL)
        if self.method in ("POST", "PUT", "PATCH"):
            errors.update(ERRORS_WRITE)
        elif self.method == "DELETE":
            errors["409"] = ERRORS_WRITE["409"]
        return errors

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in self._error_answers().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(response=ErrorSerializer, description=description),
                    code,
                    media_types=ERROR_MEDIA_TYPES,
                    direction=direction,
                )
        for code, description in ERRORS_SERVER.items():
            responses.setdefault(code, {"description": description})
        return dict(sorted(responses.items()))

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        # A download (a workbook, a PDF, a CSV) is its file's bytes or text, not the JSON body's shape.
        files = self._file_media_types()
        for media_type, body in response.get("content", {}).items():
            if media_type in files:
                body["schema"] = files[media_type]
                body.pop("examples", None)
        return response

    def _file_media_types(self):
        """Media types of the view's renderers that answer a file: {media type: its schema}."""
        files = {}
        for renderer in self.view.get_renderers():
            media_type = renderer.media_type.split(";")[0].strip()
            if "json" in media_type or media_type in ("text/html", "*/*"):
                continue
            binary = getattr(renderer, "render_style", "text") == "binary"
            files[media_type] = {"type": "string", "format": "binary"} if binary else {"type": "string"}
        return files

    def _map_response_type_hint(self, method):
        hint = None
        if get_override(method, "field") is None:
            try:
                hint = typing.get_type_hints(method).get("return")
            except (NameError, TypeError):
                hint = None  # drf-spectacular reports what it cannot resolve
        is_decimal, nullable = _is_decimal_hint(hint)
        if is_decimal and api_settings.COERCE_DECIMAL_TO_STRING:
            schema = dict(DECIMAL_STRING)
            if nullable:
                schema["nullable"] = True
            return schema
        return super()._map_response_type_hint(method)

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        # drf-spectacular lets "" through a format (e-mail, URL) when the field allows blank; DRF drops
        # allow_blank from read-only model fields, so ask the model whether "" is stored.
        if (
            isinstance(field, serializers.CharField)
            and field.read_only
            and not field.allow_blank
            and getattr(_model_field(field), "blank", False)
            and schema.get("type") == "string"
            and "format" in schema
        ):
            outer_keys = {"readOnly", "writeOnly", "nullable", "deprecated", "description", "title"}
            inner = {key: schema.pop(key) for key in list(schema) if key not in outer_keys}
            schema["oneOf"] = [inner, {"type": "string", "maxLength": 0}]

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        # `default=None` on a read field is what DRF answers when the source is missing (an empty
        # relation on the way): the value can be null.
        if direction == "response" and isinstance(field, serializers.Field) and field.default is None:
            meta["nullable"] = True
            meta.pop("default", None)
        return meta
