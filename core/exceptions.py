"""The API's error answers: JSON with a message in the caller's language."""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core import login_guard
from core.errors import DomainError


def _flatten(detail):
    if isinstance(detail, list):
        return [str(item) for item in detail]
    if isinstance(detail, dict):
        return [str(item) for value in detail.values() for item in _flatten(value)]
    return [str(detail)]


def _count_failed_authentication(exc, request):
    """A wrong key or no credentials counts against the caller's address; past the limit the answer is 429
    with Retry-After instead of 401 (DRF's throttles never run for a call that fails authentication)."""
    if request is None:
        return exc
    try:
        login_guard.api_auth_blocked(request)
    except exceptions.Throttled as throttled:
        return throttled
    login_guard.api_auth_failed(request)
    return exc


def request_refusal(exc):
    """(status, body) for a request Django refuses before parsing it (too large, too many fields), or None.

    Django raises these as SuspiciousOperation, which outside DRF would become its plain HTML 400 page;
    the API answers them in its own shape, and `core.views.bad_request` uses the same words on pages.
    """
    if isinstance(exc, RequestDataTooBig):
        limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        return status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, {
            "detail": _("The request body is too large (at most %(limit).0f MB); send fewer records per request.")
            % {"limit": limit_mb},
            "code": "request_too_large",
        }
    if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        return status.HTTP_400_BAD_REQUEST, {"detail": _("The request has too many fields or files."), "code": "too_many_fields"}
    return None


def exception_handler(exc, context):
    """Errors as JSON: {"detail": message, "code": code, "errors": {field: [messages]}}."""
    refusal = request_refusal(exc)
    if refusal is not None:
        return Response(refusal[1], status=refusal[0])
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
        )
    if isinstance(exc, IntegrityError):
        return Response(
            {"detail": _("The data conflicts with existing records."), "code": "conflict"},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        exc = _count_failed_authentication(exc, context.get("request"))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        data = exc.detail if isinstance(exc.detail, dict) else {api_settings.NON_FIELD_ERRORS_KEY: exc.detail}
        errors = {str(field): _flatten(messages) for field, messages in data.items()}
        first_field, first_messages = next(iter(errors.items()), ("", [""]))
        summary = _("Invalid input.")
        if first_messages and first_messages[0]:
            summary = f"{summary} {first_field}: {first_messages[0]}"
        response.data = {"detail": summary, "code": "invalid", "errors": errors}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        code = getattr(getattr(exc, "detail", None), "code", None) or getattr(exc, "default_code", "error")
        response.data = {"detail": str(detail), "code": str(code)}
    return response
