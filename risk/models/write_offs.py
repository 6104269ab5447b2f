"""Bad debts (呆坏账, issue 16): write-offs approved by the chain and posted in the ledger, their reversals, and
money recovered on written-off debt."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField
from core.scoping import ScopedQuerySet, ScopeSpec
from risk.choices import WriteOffReversalState, WriteOffState


def _attachment_path(instance, filename):
    return f"risk/write-offs/{timezone.now():%Y/%m}/{filename}"


class WriteOff(models.Model):
    """A write-off of bad debt (坏账核销): debt of one customer that will not be paid — which invoices, how much
    of each, why, and how it was chased so far — proposed by its salesperson or a manager above its district and
    decided by a chain that climbs with the amount, up to the director for large sums. Once approved it is
    posted in the ledger on `written_off_on`: an allocation without a payment per line (customers.services.
    writeoffs), so the debt leaves the ageing from that day while the ageing as of any earlier day still shows
    it; it then stands in the bad-debt register until reversed (through a second approval)."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="write_offs", verbose_name=_("customer")
    )
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("org unit"))
    owner = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("owner")
    )
    reason = models.TextField(_("reason"))
    collection_history = models.TextField(_("collection history"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to=_attachment_path, max_length=255, blank=True)
    # The sum of the lines, kept with them (the register and the approval's amount read it).
    total = MoneyField(_("amount written off"))
    # The customer's grade when submitted ("" not graded), shown to the deciders.
    grade = models.CharField(_("grade"), max_length=3, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=WriteOffState.choices, default=WriteOffState.DRAFT)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # The day the ledger closed the amounts (the approval's day), and the day a reversal opened them again.
    written_off_on = models.DateField(_("written off on"), null=True, blank=True)
    reversed_on = models.DateField(_("reversed on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_spec = ScopeSpec(path="unit__path", owner="owner")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("write-off")
        verbose_name_plural = _("write-offs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "state"], name="write_off_customer_state")]
        constraints = [
            models.CheckConstraint(condition=Q(total__gt=0), name="write_off_total_positive"),
            models.CheckConstraint(condition=~Q(reason=""), name="write_off_has_reason"),
        ]

    def __str__(self):
        return f"{self.customer} {self.total:,.2f}"

    def get_absolute_url(self):
        return reverse("risk:write_off_detail", kwargs={"pk": self.pk})


class WriteOffLine(models.Model):
    """One invoice of a write-off and how much of it is written off; `allocation` is its posting in the ledger
    (set when approved)."""

    write_off = models.ForeignKey(WriteOff, on_delete=models.CASCADE, related_name="lines", verbose_name=_("write-off"))
    invoice = models.ForeignKey("customers.Invoice", on_delete=models.PROTECT, related_name="+", verbose_name=_("invoice"))
    amount = MoneyField(_("amount"))
    allocation = models.OneToOneField(
        "customers.Allocation", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("posting")
    )

    class Meta:
        verbose_name = _("write-off line")
        verbose_name_plural = _("write-off lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["write_off", "invoice"], name="write_off_line_unique_invoice"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="write_off_line_amount_positive"),
        ]

    def __str__(self):
        return f"{self.invoice_id}: {self.amount}"


class WriteOffReversal(models.Model):
    """A request to reverse an approved write-off (撤销核销) — written off by mistake, or the customer will pay
    after all —, decided by the Development Center. Approved, the write-off's postings end on `reversed_on` and
    the invoices are open again (the ageing from that day shows them; before it, as it was)."""

    write_off = models.ForeignKey(WriteOff, on_delete=models.PROTECT, related_name="reversals", verbose_name=_("write-off"))
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("org unit"))
    owner = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("owner")
    )
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=10, choices=WriteOffReversalState.choices, default=WriteOffReversalState.DRAFT
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    reversed_on = models.DateField(_("reversed on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_spec = ScopeSpec(path="unit__path", owner="owner")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("write-off reversal")
        verbose_name_plural = _("write-off reversals")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="write_off_reversal_has_reason")]

    def __str__(self):
        return str(self.write_off)

    def get_absolute_url(self):
        return self.write_off.get_absolute_url()


class Recovery(models.Model):
    """Money received on debt already written off (坏账收回): recorded against the write-off, reported apart
    from normal collections (it pays no open invoice and is no customer credit), at most what the write-off
    closed less what was recovered before."""

    write_off = models.ForeignKey(WriteOff, on_delete=models.PROTECT, related_name="recoveries", verbose_name=_("write-off"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+", verbose_name=_("customer"))
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("org unit"))
    owner = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("owner")
    )
    amount = MoneyField(_("amount"))
    received_on = models.DateField(_("received on"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_spec = ScopeSpec(path="unit__path", owner="owner")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("recovery")
        verbose_name_plural = _("recoveries")
        ordering = ["-received_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_amount_positive")]

    def __str__(self):
        return f"{self.customer} {self.amount:,.2f}"

    def get_absolute_url(self):
        return self.write_off.get_absolute_url()
