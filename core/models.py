"""Models of shared mechanisms: branch-system API keys and the log of denied access attempts."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import audit_history
from core.scoping import ScopedQuerySet, ScopeSpec

KEY_PREFIX = "rsk"


def hash_secret(raw):
    # The secret is 32 random bytes: a fast hash is safe here (no dictionary to attack), and it
    # keeps authentication a single indexed lookup.
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiKeyQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """A branch system's credential: bound to one org unit, it reads and writes only inside it.

    Only a hash is stored; the key itself is shown once, when it is created.
    """

    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="api_keys", verbose_name=_("org unit"))
    prefix = models.CharField(_("prefix"), max_length=12, unique=True, editable=False)
    hashed_secret = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    history = audit_history(excluded_fields=["last_used_at"])
    scope_spec = ScopeSpec(path="unit__path")
    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self):
        return self.revoked_at is None

    @classmethod
    def generate(cls):
        """A new (prefix, full key) pair; the full key is `rsk_<prefix>_<secret>`."""
        prefix = secrets.token_hex(4)
        secret = secrets.token_urlsafe(32)
        return prefix, f"{KEY_PREFIX}_{prefix}_{secret}"


class AccessDenial(models.Model):
    """A denied access attempt: out of scope (404) or in scope without the right (403)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    api_key = models.ForeignKey(ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=200)
    object_repr = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("denied access attempt")
        verbose_name_plural = _("denied access attempts")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.status} {self.method} {self.path}"


class IdempotencyRecord(models.Model):
    """A claimed `Idempotency-Key` of one caller and the answer given to it, so that a retried POST
    (a branch system that timed out and sent again) gets the first answer instead of a second write.

    The unique constraint on (principal, key) is what makes two concurrent retries safe: only one
    insert wins the claim. Records are kept at least 24 hours (`core.idempotency.idempotency_purge`).
    """

    principal = models.CharField(max_length=64, help_text="api-key:<id> or user:<id>")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    completed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["principal", "key"], name="idempotency_one_per_principal")]

    def __str__(self):
        return f"{self.principal} {self.key}"
