"""Authentication of branch systems by API key (header `Authorization: Api-Key <key>`)."""

import hmac
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from core import login_guard
from core.models import ApiKey, hash_secret
from core.roles import BRANCH_SYSTEM

HEADER_KEYWORD = "Api-Key"
# Recording every use would write on every request; a minute's precision is what an operator needs.
LAST_USED_PRECISION = timedelta(minutes=1)


class BranchSystemPrincipal:
    """The caller behind an API key: acts only inside the key's org unit."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    principal_role = BRANCH_SYSTEM
    pk = None
    id = None
    staff_profile = None

    def __init__(self, api_key):
        self.api_key = api_key
        self.scope_unit = api_key.unit

    def __str__(self):
        return f"api-key:{self.api_key.prefix}"

    def get_username(self):
        return str(self)


def parse_key(raw):
    parts = raw.split("_", 2)  # the secret itself may contain "_"
    if len(parts) != 3 or parts[0] != "rsk" or not parts[1] or not parts[2]:
        return None
    return parts[1]


def authenticate_key(raw):
    """The active ApiKey for a presented key, or None."""
    prefix = parse_key(raw)
    if prefix is None:
        return None
    key = ApiKey.objects.select_related("unit").filter(prefix=prefix, revoked_at__isnull=True).first()
    if key is None or not hmac.compare_digest(key.hashed_secret, hash_secret(raw)):
        return None
    if not key.unit.is_active:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        raw = None
        if header.startswith(HEADER_KEYWORD + " "):
            raw = header[len(HEADER_KEYWORD) + 1 :].strip()
        elif request.META.get("HTTP_X_API_KEY"):
            raw = request.META["HTTP_X_API_KEY"].strip()
        if raw is None:
            return None
        # An address that used up its failed attempts gets 429 before any key is checked (core/login_guard.py);
        # the failure itself is counted by the exception handler, with anonymous calls.
        login_guard.api_auth_blocked(request)
        key = authenticate_key(raw)
        if key is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        return BranchSystemPrincipal(key), key

    def authenticate_header(self, request):
        return HEADER_KEYWORD
