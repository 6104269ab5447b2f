"""Suggestions (建议), issue 18: problems and improvement suggestions from anyone in the company — a topic, the
text, optionally the product, channel or customer it is about — and the response.

A suggestion belongs to its author's unit (`unit`, copied at submission like an invoice's district): the managers
above that unit read and answer it (the author's manager chain), the Development Center reads and answers every
one, a salesperson reads their own. Its life: open → answered → closed (relations.services.suggestions)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet, ScopeSpec


class SuggestionState(models.TextChoices):
    OPEN = "open", _("open")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")


class SuggestionTopic(models.TextChoices):
    PRODUCT = "product", _("product")
    CHANNEL = "channel", _("channel")
    SERVICE = "service", _("customer service")
    PROCESS = "process", _("process and management")
    SYSTEM = "system", _("information system")
    MARKET = "market", _("market and competition")
    OTHER = "other", _("other")


class Suggestion(models.Model):
    """A problem or an improvement suggestion (问题与改进建议) and the response of the level responsible."""

    author = models.ForeignKey(
        "regions.StaffProfile", on_delete=models.PROTECT, related_name="suggestions", verbose_name=_("author")
    )
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("org unit"))
    topic = models.CharField(_("topic"), max_length=20, choices=SuggestionTopic.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("suggestion"))
    product = models.ForeignKey(
        "customers.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    channel = models.ForeignKey(
        "sales_channels.Channel", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("channel")
    )
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    state = models.CharField(_("state"), max_length=10, choices=SuggestionState.choices, default=SuggestionState.OPEN)
    response = models.TextField(_("response"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("answered by")
    )
    answered_by_name = models.CharField(_("answered by"), max_length=120, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("closed by")
    )
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    scope_spec = ScopeSpec(path="unit__path", owner="author")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "created_at"], name="suggestion_state_created"),
            models.Index(fields=["author", "created_at"], name="suggestion_author_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="open") | (~Q(response="") & Q(answered_at__isnull=False)),
                name="suggestion_answered_has_response",
            ),
            models.CheckConstraint(condition=~Q(state="closed") | Q(closed_at__isnull=False), name="suggestion_closed_has_time"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("relations:suggestion_detail", kwargs={"pk": self.pk})


__all__ = ["Suggestion", "SuggestionState", "SuggestionTopic"]
