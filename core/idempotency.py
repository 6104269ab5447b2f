"""`Idempotency-Key` on single POSTs: a retried request gets the first answer, never a second write.

A branch system that timed out cannot know whether its POST landed; it sends the same request again
with the same `Idempotency-Key` header. The first request claims the key by inserting an
`IdempotencyRecord` (the unique constraint on (principal, key) lets exactly one claim win, also
between concurrent requests), runs the view, and stores the answer. Then:

- same key, same body → the stored answer is replayed (header `Idempotent-Replayed: true`);
- same key, different body (or another endpoint) → 422 naming the header;
- same key while the first request still runs → 409.

A 4xx answer is stored like a success (the same input gives the same refusal); a 5xx or an
unexpected exception releases the claim so that the caller may retry. Records are kept at least
24 hours; `idempotency_purge` (run hourly by Celery beat) deletes older ones.

Use `@idempotent` on a viewset's create method or a POST action.
"""

import functools
import hashlib
import json
import logging
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from core.errors import Conflict, InvalidInput, Unprocessable
from core.models import IdempotencyRecord
from core.parsers import escape_bad_chars

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
# Callers are promised a day; twice that leaves room for a retry queue that drained slowly.
MIN_RETENTION = timedelta(hours=24)
DEFAULT_RETENTION = timedelta(hours=48)

# Add to `@extend_schema(parameters=[...])` of every view method decorated with `@idempotent`.
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "A unique key per intended write (e.g. a UUID). A retry with the same key and body gets the first "
        "answer again (header `Idempotent-Replayed: true`); the same key with another body is refused (422). "
        "Keys are kept at least 24 hours."
    ),
)


def principal_key(user):
    """Whose keys these are: an API key's and a person's keys never collide."""
    api_key = getattr(user, "api_key", None)
    if api_key is not None:
        return f"api-key:{api_key.pk}"
    return f"user:{user.pk}"


def request_hash(data):
    """sha256 of the canonical JSON of a parsed request body (key order and spacing do not matter)."""
    if hasattr(data, "lists"):  # a QueryDict from a form post: keep repeated values
        data = {key: values for key, values in data.lists()}
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder)
    # surrogatepass: a lone surrogate (from a form post; the JSON parser refuses them) must hash, not
    # crash; text without one encodes exactly as plain UTF-8, so stored hashes keep matching.
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def storable(data):
    """The answer as JSON values the database accepts: Decimals, dates and lazy strings as the client
    saw them, and NUL or lone surrogates (which PostgreSQL's jsonb and UTF-8 refuse) written as `\\uXXXX`."""
    return _clean_text(json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)))


def _clean_text(value):
    if isinstance(value, str):
        return escape_bad_chars(value)
    if isinstance(value, dict):
        return {escape_bad_chars(key): _clean_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean_text(item) for item in value]
    return value


def _replay(record):
    response = Response(record.response_body, status=record.status_code)
    response[REPLAYED_HEADER] = "true"
    return response


def _claim(*, principal, key, method, path, digest):
    """Insert the claim in its own savepoint; on a clash return the existing record instead."""
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(principal=principal, key=key, method=method, path=path, request_hash=digest)
        return None
    except IntegrityError:
        existing = IdempotencyRecord.objects.filter(principal=principal, key=key).first()
        if existing is None:  # the other request failed and released the key in between
            raise Conflict(_("A request with this Idempotency-Key is being processed; retry later."), field=HEADER)
        return existing


def idempotent(view_method):
    """Decorator for a viewset's create or POST action: honours the `Idempotency-Key` header."""

    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view_method(self, request, *args, **kwargs)
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            raise InvalidInput(
                _("The Idempotency-Key header must be 1 to %(max)d printable characters.") % {"max": MAX_KEY_LENGTH},
                field=HEADER,
            )
        principal = principal_key(request.user)
        digest = request_hash(request.data)  # parses the body: malformed JSON is a 400 before any claim
        method, path = request.method, request.path[:500]

        existing = _claim(principal=principal, key=key, method=method, path=path, digest=digest)
        if existing is not None:
            if existing.request_hash != digest or existing.path != path or existing.method != method:
                raise Unprocessable(
                    _("This Idempotency-Key was already used with a different request; use a new key for a new request."),
                    field=HEADER,
                    code="idempotency_key_reused",
                )
            if not existing.completed:
                raise Conflict(
                    _("A request with this Idempotency-Key is still being processed; retry later."),
                    field=HEADER,
                    code="idempotency_in_progress",
                )
            return _replay(existing)

        claim = IdempotencyRecord.objects.filter(principal=principal, key=key)
        try:
            try:
                response = view_method(self, request, *args, **kwargs)
            except Exception as exc:
                # The view's own error answer (400, 404, 409…) is part of what a retry must see again.
                response = self.handle_exception(exc)
        except BaseException:
            claim.delete()
            raise
        if response.status_code >= 500:
            claim.delete()
            return response
        try:
            with transaction.atomic():
                claim.update(status_code=response.status_code, response_body=storable(response.data), completed=True)
        except (DatabaseError, TypeError, ValueError):
            # An answer that cannot be stored must not turn into a 500: the caller gets it, the key is
            # released (a retry runs again, as after a 5xx), and the reason is logged.
            logger.exception("Idempotency record %s for %s could not be stored; key released", key, principal)
            claim.delete()
        return response

    wrapper.idempotent = True
    return wrapper


def idempotency_purge(*, older_than=DEFAULT_RETENTION):
    """Delete idempotency records older than `older_than` (never less than 24 hours); returns how many."""
    if older_than < MIN_RETENTION:
        raise ValueError("Idempotency keys are kept at least 24 hours.")
    deleted, _details = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
