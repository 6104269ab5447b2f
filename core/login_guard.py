"""Brute-force protection of logins and API credentials.

Logins (the login page and the admin's) go through django-axes: every failed attempt is an
`axes.AccessAttempt` row (username × address × browser, with a count). An account is locked after
`LOGIN_FAILURE_LIMIT_ACCOUNT` failures within `LOGIN_LOCKOUT_MINUTES` from any address, an address after
`LOGIN_FAILURE_LIMIT_ADDRESS` failures for any accounts (higher: an office behind one NAT address shares it).
A lock ends by itself `LOGIN_LOCKOUT_MINUTES` after the last counted failure, or when the Development
Center lifts it on /security/lockouts/ (`lockout_lift`). While locked, even the right password is refused,
with a message saying so (`lockout_response`), and attempts are not counted (so a lock cannot be extended
for ever by someone hammering another person's account).

API credentials (a wrong or revoked API key, or no credentials at all) are counted per address in the
default cache (Redis in production): after `API_AUTH_FAILURE_LIMIT` failures within
`API_AUTH_FAILURE_WINDOW_SECONDS` the address gets 429 with Retry-After, before any key is checked.
DRF's throttles cannot do this: authentication and permissions fail before they run.
"""

import logging
import time

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions

from core.roles import can

log = logging.getLogger("regsales.security")


def client_ip(request):
    """The caller's address: REMOTE_ADDR, or — behind `DJANGO_TRUSTED_PROXY_COUNT` proxies of our own —
    the address the outermost of them saw (X-Forwarded-For read from the right, so a client cannot
    forge it by sending its own header)."""
    meta = getattr(request, "META", {})
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return meta.get("REMOTE_ADDR") or None


# ------------------------------------------------------------------------------------------ logins (axes)


def _failures(queryset):
    return queryset.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LoginLockoutHandler(AxesDatabaseHandler):
    """axes' database handler with two thresholds, one per account and one per address.

    axes compares one number (`get_failures`) with one limit (`AXES_FAILURE_LIMIT`); here the number is
    how many of the two limits are reached (0, 1 or 2) and `AXES_FAILURE_LIMIT` is 1, so axes locks as
    soon as either is reached. The counts themselves are what `lockouts()` shows the center.
    """

    def get_failures(self, request, credentials=None):
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        account = _failures(recent.filter(username=username)) if username else 0
        address = _failures(recent.filter(ip_address=request.axes_ip_address)) if request.axes_ip_address else 0
        return int(account >= settings.LOGIN_FAILURE_LIMIT_ACCOUNT) + int(address >= settings.LOGIN_FAILURE_LIMIT_ADDRESS)

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        # A person who mistyped and then got in: forget their own typos from this address only. Failures
        # for the account from elsewhere, and for other accounts from this address, still count.
        AccessAttempt.objects.filter(username=user.get_username(), ip_address=request.axes_ip_address).delete()


def lockout_minutes():
    return int(get_cool_off().total_seconds() // 60)


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, with the reason: locked, for how long, and who can lift it (429)."""
    message = _(
        "Too many failed logins: this account or this address is locked for %(minutes)s minutes. "
        "Try again later, or ask the Development Center to lift the lock."
    ) % {"minutes": lockout_minutes()}
    form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")})
    return render(request, "core/login.html", {"form": form, "lockout_message": message}, status=429)


# ------------------------------------------------------------------------------------------ the center's view


def _locked_keys(now):
    """Accounts and addresses locked now: (usernames, addresses)."""
    recent = AccessAttempt.objects.filter(attempt_time__gte=now - get_cool_off())
    accounts = (
        recent.exclude(username=None)
        .values("username")
        .annotate(n=Sum("failures_since_start"))
        .filter(n__gte=settings.LOGIN_FAILURE_LIMIT_ACCOUNT)
        .values_list("username", flat=True)
    )
    addresses = (
        recent.exclude(ip_address=None)
        .values("ip_address")
        .annotate(n=Sum("failures_since_start"))
        .filter(n__gte=settings.LOGIN_FAILURE_LIMIT_ADDRESS)
        .values_list("ip_address", flat=True)
    )
    return set(accounts), set(addresses)


def lockouts(*, now=None):
    """The failed-login records behind every lock in force now, newest first, each marked with
    `account_locked`, `address_locked` and `locked_until` (a queryset: the page paginates it)."""
    now = now or timezone.now()
    accounts, addresses = _locked_keys(now)
    return AccessAttempt.objects.filter(
        Q(attempt_time__gte=now - get_cool_off()) & (Q(username__in=accounts) | Q(ip_address__in=addresses))
    ).order_by("-attempt_time", "-pk")


def mark_lockouts(rows, *, now=None):
    """Set `account_locked`, `address_locked` and `locked_until` on each row of a page (two queries)."""
    now = now or timezone.now()
    accounts, addresses = _locked_keys(now)
    cool_off = get_cool_off()
    for row in rows:
        row.account_locked = row.username in accounts
        row.address_locked = row.ip_address in addresses
        row.locked_until = row.attempt_time + cool_off
    return rows


@transaction.atomic
def lockout_lift(*, attempt, by):
    """Lift the locks a failed-login record takes part in: its account's failures from every address when
    the account is locked, its address's failures for every account when the address is locked. Returns
    how many records were removed (0 when the lock had already ended)."""
    if not can(by, "login.unlock"):
        raise PermissionDenied
    accounts, addresses = _locked_keys(timezone.now())
    condition = Q(pk=attempt.pk)
    if attempt.username in accounts:
        condition |= Q(username=attempt.username)
    if attempt.ip_address in addresses:
        condition |= Q(ip_address=attempt.ip_address)
    removed, _details = AccessAttempt.objects.filter(condition).delete()
    log.info("login lock lifted username=%s address=%s by=%s records=%s", attempt.username, attempt.ip_address, by.pk, removed)
    return removed


# ------------------------------------------------------------------------------------------ API credentials


def _api_keys(request):
    ident = client_ip(request) or "unknown"
    return f"authfail:{ident}", f"authfail:{ident}:until"


def api_auth_blocked(request):
    """Raise Throttled (429 with Retry-After) while the caller's address has used up its failures."""
    count_key, until_key = _api_keys(request)
    values = cache.get_many([count_key, until_key])
    if values.get(count_key, 0) >= settings.API_AUTH_FAILURE_LIMIT:
        wait = max(1, int(values.get(until_key, time.time() + settings.API_AUTH_FAILURE_WINDOW_SECONDS) - time.time()))
        raise exceptions.Throttled(
            wait=wait, detail=_("Too many failed authentication attempts from your address; try again later.")
        )


def api_auth_failed(request):
    """Count one failed authentication (wrong key, no credentials) for the caller's address. A fixed
    window: it starts at the first failure and lasts API_AUTH_FAILURE_WINDOW_SECONDS."""
    count_key, until_key = _api_keys(request)
    window = settings.API_AUTH_FAILURE_WINDOW_SECONDS
    if cache.add(count_key, 1, timeout=window):
        cache.set(until_key, time.time() + window, timeout=window)
        return 1
    try:
        return cache.incr(count_key)
    except ValueError:  # expired between add and incr: a new window
        cache.set(count_key, 1, timeout=window)
        cache.set(until_key, time.time() + window, timeout=window)
        return 1
