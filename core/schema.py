"""OpenAPI schema: the API key scheme and the error answers every endpoint documents."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


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


class ScopedAutoSchema(AutoSchema):
    """Documents the error answers every endpoint can give (400/401/403/404, 409 on writes)."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {
            "401": ("Not authenticated (no session, or a missing or revoked API key)."),
            "403": ("In scope, but the role may not do this."),
            "404": ("Not found, or outside the caller's scope."),
        }
        if self.method in ("POST", "PUT", "PATCH", "DELETE") or self.get_filter_backends():
            errors["400"] = "Invalid input; `errors` names each field and the reason."
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            errors["409"] = "The request conflicts with the current state."
        for code, description in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(response=ErrorSerializer, description=description), code, direction=direction
                )
        return responses
