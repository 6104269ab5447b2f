"""Channels (渠道): the partners through which the company's financial products reach customers — banks,
securities firms, insurance agencies, wealth platforms, independent agents — and the history of each one's
life (渠道业务信息档案) — and the contracts (合同) with customers and channels."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from channels.choices import ActivityKind, AgreementKind, ChannelKind, ChannelState, ChannelTier, ContractKind, ContractState
from core.money import MoneyField
from core.scoping import ScopedQuerySet, ScopeSpec


class Channel(models.Model):
    """A sales channel's archive: who the partner is (its unified social credit code where it has one), the
    district office that owns the relationship and the salesperson responsible, its tier and where it stands in
    its life. `state_since` is the day of the last move; every move is kept in ChannelTransition."""

    external_id = models.CharField(_("external id"), max_length=64, unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("channel type"), max_length=20, choices=ChannelKind.choices)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True, null=True, blank=True)
    unit = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="channels", verbose_name=_("district office")
    )
    salesperson = models.ForeignKey(
        "regions.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="channels",
        verbose_name=_("responsible salesperson"),
    )
    tier = models.CharField(_("tier"), max_length=20, choices=ChannelTier.choices, default=ChannelTier.REGULAR)
    state = models.CharField(_("state"), max_length=20, choices=ChannelState.choices, default=ChannelState.PROSPECT)
    state_since = models.DateField(_("in this state since"), default=timezone.localdate)
    address = models.CharField(_("address"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_spec = ScopeSpec(path="unit__path", owner="salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["unit", "state"], name="channel_unit_state"),
            models.Index(fields=["unit", "salesperson"], name="channel_unit_rep"),
        ]

    def __str__(self):
        return self.name


class ChannelTransition(models.Model):
    """One move of a channel's state (who, when, why): the history the new-channels figure is counted from —
    a channel counts as new in the month it first reached `contracted`."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("channel"))
    from_state = models.CharField(_("from"), max_length=20, choices=ChannelState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=ChannelState.choices)
    on = models.DateField(_("on"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_spec = ScopeSpec(path="channel__unit__path", owner="channel__salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("channel state change")
        verbose_name_plural = _("channel state changes")
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["to_state", "on"], name="channel_transition_to_on")]
        constraints = [models.CheckConstraint(condition=~Q(from_state=models.F("to_state")), name="channel_transition_moves")]

    def __str__(self):
        return f"{self.channel_id}: {self.from_state or '—'} → {self.to_state} ({self.on})"


class ChannelContact(models.Model):
    """A person to talk to at a channel (the branch manager of a bank, an agency's owner …)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("channel"))
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("position"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    scope_spec = ScopeSpec(path="channel__unit__path", owner="channel__salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("channel contact")
        verbose_name_plural = _("channel contacts")
        ordering = ["-is_primary", "id"]

    def __str__(self):
        return self.name


def _agreement_file_path(instance, filename):
    return f"channels/agreements/{timezone.now():%Y/%m}/{filename}"


class ChannelAgreement(models.Model):
    """An agreement on file with a channel: what kind, when it was signed, until when it holds and what it
    says in a line or two. A light record of the archive; contracts proper (parties, amounts, files, filing with
    the center) are the contracts' own."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("channel"))
    kind = models.CharField(_("kind"), max_length=20, choices=AgreementKind.choices)
    signed_on = models.DateField(_("signed on"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    # The scanned agreement (or photos of it), kept private and read through the channel's scope (core/files.py).
    file = models.FileField(_("scanned copy"), upload_to=_agreement_file_path, max_length=255, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_spec = ScopeSpec(path="channel__unit__path", owner="channel__salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("channel agreement")
        verbose_name_plural = _("channel agreements")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("signed_on")), name="channel_agreement_term"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.signed_on})"


class ChannelActivity(models.Model):
    """One entry of a channel's relationship log: a visit, a meeting, training or support given, a call — what
    was done and the next step agreed, with its day."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="activities", verbose_name=_("channel"))
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    on = models.DateField(_("on"))
    summary = models.CharField(_("summary"), max_length=1000)
    next_step = models.CharField(_("next step"), max_length=500, blank=True)
    next_on = models.DateField(_("next step on"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_spec = ScopeSpec(path="channel__unit__path", owner="channel__salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("channel activity")
        verbose_name_plural = _("channel activities")
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["channel", "on"], name="channel_activity_on")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.on}"


def _contract_file_path(instance, filename):
    return f"channels/contracts/{timezone.now():%Y/%m}/{filename}"


class Contract(models.Model):
    """A contract (合同) with a customer or a channel — exactly one of the two: a sales contract, a cooperation or
    framework agreement. Negotiations with a key customer are a contract in `draft` with their meetings
    (ContractMeeting). Signed, it is filed (备案) with the Development Center through an approval; the nightly job
    reminds its owner 30 and 7 days before `ends_on` (ContractReminder) and moves it to expiring, then expired.
    `unit` is the party's district office (the scope); `file` the signed copy, kept private (core/files.py)."""

    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("customer"),
    )
    channel = models.ForeignKey(
        Channel, null=True, blank=True, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("channel")
    )
    kind = models.CharField(_("contract type"), max_length=20, choices=ContractKind.choices)
    title = models.CharField(_("title"), max_length=200)
    amount = MoneyField(_("amount"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    owner = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("org unit"))
    file = models.FileField(_("contract file"), upload_to=_contract_file_path, max_length=255, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=ContractState.choices, default=ContractState.DRAFT)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_spec = ScopeSpec(path="unit__path", owner="owner")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["unit", "state"], name="contract_unit_state"),
            models.Index(fields=["state", "ends_on"], name="contract_state_end"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=False, channel__isnull=True) | Q(customer__isnull=True, channel__isnull=False),
                name="contract_one_party",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="contract_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("channels:contract_detail", kwargs={"pk": self.pk})

    @property
    def party(self):
        return self.customer if self.customer_id else self.channel


class ContractMeeting(models.Model):
    """One meeting of a contract's negotiation (谈判记录): when, what was said, who was there, what comes next."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("contract"))
    on = models.DateField(_("date"))
    summary = models.TextField(_("summary"))
    attendees = models.CharField(_("attendees"), max_length=500, blank=True)
    next_step = models.CharField(_("next step"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_spec = ScopeSpec(path="contract__unit__path", owner="contract__owner")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract meeting")
        verbose_name_plural = _("contract meetings")
        ordering = ["on", "id"]

    def __str__(self):
        return f"{self.contract_id}: {self.on}"


class ContractReminder(models.Model):
    """A reminder sent of a contract's end, `days` before it: one per contract and threshold (the unique
    constraint), so the nightly job may run any number of times and tells the owner once."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("contract"))
    days = models.PositiveSmallIntegerField(_("days before the end"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    scope_spec = ScopeSpec(path="contract__unit__path", owner="contract__owner")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract reminder")
        verbose_name_plural = _("contract reminders")
        constraints = [models.UniqueConstraint(fields=["contract", "days"], name="contract_reminder_once")]

    def __str__(self):
        return f"{self.contract_id}: {self.days}"


# Promotional materials and promotion events (issue 17) live in their own module; imported here so Django finds them.
from channels.models_promotion import (  # noqa: E402, F401
    EventExpense,
    EventLead,
    EventParticipant,
    EventSale,
    MaterialDispatch,
    MaterialItem,
    MaterialMovement,
    MaterialRequest,
    MaterialRequestLine,
    MaterialStock,
    PromotionEvent,
)
