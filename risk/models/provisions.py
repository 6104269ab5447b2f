"""Provisions for doubtful debts (坏账准备): the policy of rates per ageing bucket (账龄分析法) the Development
Center sets and approves."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import CompanyWideQuerySet
from risk.choices import SchemeState


class ProvisionPolicy(models.Model):
    """A provision policy (坏账准备计提比例): the share of the open receivable of each ageing bucket of the
    company's ageing (settings.AGEING_BUCKETS) set aside as a provision for doubtful debts — a rate in percent,
    0–100 with two decimals, for every bucket. `rates` is {bucket key: "rate"} (risk.services.provisions checks
    it covers exactly the company's buckets).

    Drafted by the Development Center and approved through the approval mechanism like a rating scheme: one
    policy is in force at a time (approving a new version retires the old one); an approved policy is never
    edited, revising it makes a draft of the next version."""

    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="revisions", verbose_name=_("revises")
    )
    state = models.CharField(_("state"), max_length=10, choices=SchemeState.choices, default=SchemeState.DRAFT)
    rates = models.JSONField(_("provision rates"), default=dict)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("drafted by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CompanyWideQuerySet.as_manager()

    class Meta:
        verbose_name = _("provision policy")
        verbose_name_plural = _("provision policies")
        ordering = ["-version", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="provision_policy_version_positive"),
            # One policy in force: the provision of a month end never has to choose.
            models.UniqueConstraint(fields=["state"], condition=Q(state="approved"), name="provision_policy_one_in_force"),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"

    def get_absolute_url(self):
        return reverse("risk:provision_policy_detail", kwargs={"pk": self.pk})

    @property
    def is_editable(self):
        return self.state == SchemeState.DRAFT
