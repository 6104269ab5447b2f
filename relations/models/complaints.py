"""Complaints (投诉): a customer's complaint about a product the company sells or about a channel, handled by an owner
taken from the org tree against an SLA in working days, with the steps taken, the result and the customer's
confirmation — and escalated up the tree, once per working day, while it is past its SLA without a result."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet, ScopeSpec
from relations.choices_complaints import (
    ComplaintCause,
    ComplaintKind,
    ComplaintSeverity,
    ComplaintState,
    CustomerConfirmation,
    EscalationReason,
    StepKind,
)

__all__ = ["Complaint", "ComplaintEscalation", "ComplaintStep"]


class Complaint(models.Model):
    """A complaint a customer raised (产品投诉 / 渠道投诉): about a product (`product`) or a channel (`channel`) — exactly
    the one its kind names. `unit` and `salesperson` are the customer's district office and salesperson when it was
    logged (the scope: a salesperson reads the complaints of their customers, a manager those of their part of the
    tree). `owner` handles it (relations.services.complaints.complaint_owner says who) and moves up the tree on each
    escalation. `due_on` is the SLA: `received_on` plus the severity's working days (China's calendar).
    `handling_days` — working days from receipt to closing — is set when the complaint is closed."""

    external_id = models.CharField(_("external id"), max_length=64, unique=True, null=True, blank=True)
    kind = models.CharField(_("complaint type"), max_length=10, choices=ComplaintKind.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=ComplaintSeverity.choices)
    cause = models.CharField(_("cause"), max_length=20, choices=ComplaintCause.choices, default=ComplaintCause.OTHER)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="complaints", verbose_name=_("customer")
    )
    product = models.ForeignKey(
        "customers.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    channel = models.ForeignKey(
        "sales_channels.Channel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("channel"),
    )
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("district office"))
    salesperson = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("salesperson")
    )
    owner = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    description = models.TextField(_("description"))
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("due on (SLA)"))
    state = models.CharField(_("state"), max_length=12, choices=ComplaintState.choices, default=ComplaintState.OPEN)
    result = models.TextField(_("result"), blank=True)
    resolved_on = models.DateField(_("result given on"), null=True, blank=True)
    confirmation = models.CharField(_("customer's confirmation"), max_length=12, choices=CustomerConfirmation.choices, blank=True)
    confirmation_note = models.CharField(_("confirmation note"), max_length=500, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    handling_days = models.PositiveIntegerField(_("handling time (working days)"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_on = models.DateField(_("last escalated on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_spec = ScopeSpec(path="unit__path", owner="salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["unit", "state"], name="complaint_unit_state"),
            models.Index(fields=["state", "due_on"], name="complaint_state_due"),
            models.Index(fields=["received_on"], name="complaint_received"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="product", product__isnull=False, channel__isnull=True)
                | Q(kind="channel", channel__isnull=False, product__isnull=True),
                name="complaint_subject_of_kind",
            ),
            models.CheckConstraint(condition=Q(due_on__gte=models.F("received_on")), name="complaint_due_after_receipt"),
            # Closing without a result is refused by the service; the table holds to it too.
            models.CheckConstraint(condition=~Q(state="closed") | ~Q(result=""), name="complaint_closed_has_result"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.customer}"

    def get_absolute_url(self):
        return reverse("relations:complaint_detail", kwargs={"pk": self.pk})

    @property
    def subject(self):
        """The product or the channel complained about."""
        return self.product if self.kind == ComplaintKind.PRODUCT else self.channel


class ComplaintStep(models.Model):
    """One entry of a complaint's log: a step taken (a call, a visit, an investigation, a remedy — `note`) on a day,
    a move of its state (from → to), or an escalation."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="steps", verbose_name=_("complaint"))
    kind = models.CharField(_("kind"), max_length=12, choices=StepKind.choices, default=StepKind.ACTION)
    on = models.DateField(_("on"))
    note = models.TextField(_("note"), blank=True)
    from_state = models.CharField(_("from"), max_length=12, choices=ComplaintState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=ComplaintState.choices, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_spec = ScopeSpec(path="complaint__unit__path", owner="complaint__salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint step")
        verbose_name_plural = _("complaint steps")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.complaint_id}: {self.get_kind_display()} {self.on}"


class ComplaintEscalation(models.Model):
    """A complaint passed one level up the tree (from → to owner) on a working day, because it was past its SLA
    without a result or because a breach was reported. One per complaint and day (the unique constraint): the
    beat job may run any number of times a day and escalates once."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="escalations", verbose_name=_("complaint"))
    on = models.DateField(_("on"))
    level = models.PositiveSmallIntegerField(_("level"))
    from_owner = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_owner = models.ForeignKey("regions.StaffProfile", on_delete=models.PROTECT, related_name="+", verbose_name=_("to"))
    reason = models.CharField(_("reason"), max_length=10, choices=EscalationReason.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_spec = ScopeSpec(path="complaint__unit__path", owner="complaint__salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint escalation")
        verbose_name_plural = _("complaint escalations")
        ordering = ["on", "id"]
        constraints = [models.UniqueConstraint(fields=["complaint", "on"], name="complaint_escalation_once_a_day")]

    def __str__(self):
        return f"{self.complaint_id}: {self.on} → {self.to_owner_id}"
