"""Promotional materials (推广用品) and promotion events (推广活动), issue 17.

Materials: a company-wide catalogue (MaterialItem); each unit's stock of an item (MaterialStock, never below
zero — a check constraint, and every change goes through channels.services.materials under row locks); the
ledger of every change (MaterialMovement); dispatches from the center or a region to a unit below it
(MaterialDispatch: out of the sender's stock when sent, into the receiver's when received); and requirement
plans by unit and period (MaterialRequest + lines) decided through the one approval mechanism.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from channels.choices import DispatchState, MaterialRequestState, MovementKind, PromotionKind
from core.scoping import CompanyWideQuerySet, ScopedQuerySet, ScopeSpec


class MaterialItem(models.Model):
    """One kind of promotional material in the company's catalogue (brochures, gifts, banners…): its code,
    unit of measure and unit cost. Company-wide, kept by the Development Center."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    uom = models.CharField(_("unit of measure"), max_length=20)
    unit_cost = models.DecimalField(_("unit cost"), max_digits=18, decimal_places=2)
    is_active = models.BooleanField(_("in use"), default=True)

    # Everyone inside the organisation reads the catalogue; the center keeps it (channels/rights.py).
    objects = CompanyWideQuerySet.as_manager()

    class Meta:
        verbose_name = _("promotional material")
        verbose_name_plural = _("promotional materials")
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=Q(unit_cost__gte=0), name="material_item_cost_not_negative")]

    def __str__(self):
        return f"{self.name} ({self.code})"


class MaterialStock(models.Model):
    """How many of an item a unit holds now. Changed only by channels.services.materials, which locks the
    row first; the database refuses a negative quantity whatever the code does."""

    unit = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="material_stock", verbose_name=_("org unit")
    )
    item = models.ForeignKey(MaterialItem, on_delete=models.PROTECT, related_name="stock", verbose_name=_("material"))
    quantity = models.IntegerField(_("quantity"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_spec = ScopeSpec(path="unit__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("material stock")
        verbose_name_plural = _("material stock")
        ordering = ["unit__path", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "item"], name="material_stock_one_per_unit_item"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="material_stock_not_negative"),
        ]

    def __str__(self):
        return f"{self.unit_id}/{self.item_id}: {self.quantity}"


class MaterialRequest(models.Model):
    """A unit's requirement plan for promotional materials (推广用品需求计划) for a period: lines of item,
    quantity and purpose, submitted to the Development Center; approved plans can be dispatched against."""

    unit = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="material_requests", verbose_name=_("org unit")
    )
    period = models.CharField(_("period"), max_length=10)
    title = models.CharField(_("title"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=MaterialRequestState.choices, default=MaterialRequestState.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    scope_spec = ScopeSpec(path="unit__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("material requirement plan")
        verbose_name_plural = _("material requirement plans")
        ordering = ["-id"]
        indexes = [models.Index(fields=["unit", "period"], name="material_request_unit_period")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("channels:material_request_detail", args=[self.pk])


class MaterialRequestLine(models.Model):
    """One line of a requirement plan: how many of an item, for what; `dispatched` counts what has been sent
    against it (never more than `quantity`)."""

    request = models.ForeignKey(
        MaterialRequest, on_delete=models.CASCADE, related_name="lines", verbose_name=_("requirement plan")
    )
    item = models.ForeignKey(MaterialItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("material"))
    quantity = models.PositiveIntegerField(_("quantity"))
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    dispatched = models.PositiveIntegerField(_("dispatched"), default=0)

    scope_spec = ScopeSpec(path="request__unit__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("requirement plan line")
        verbose_name_plural = _("requirement plan lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "item"], name="material_request_line_one_per_item"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="material_request_line_positive"),
            models.CheckConstraint(
                condition=Q(dispatched__lte=models.F("quantity")), name="material_request_line_not_overdispatched"
            ),
        ]

    def __str__(self):
        return f"{self.item_id} × {self.quantity}"


class PromotionEvent(models.Model):
    """A promotion event (推广活动): a conference, exhibition, product briefing or salon held by a unit, with its
    owner, dates and place; materials are consumed against it."""

    kind = models.CharField(_("kind"), max_length=20, choices=PromotionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    unit = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="promotion_events", verbose_name=_("org unit")
    )
    owner = models.ForeignKey(
        "regions.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="promotion_events",
        verbose_name=_("owner"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    products = models.ManyToManyField("customers.Product", blank=True, related_name="+", verbose_name=_("products"))
    plan = models.ForeignKey(
        "plans.Plan", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("promotion plan")
    )
    budget = models.ForeignKey(
        "budgets.Budget", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("expense budget")
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_spec = ScopeSpec(path="unit__path", owner="owner")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("promotion event")
        verbose_name_plural = _("promotion events")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["unit", "starts_on"], name="promotion_event_unit_start")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="promotion_event_dates_ordered")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("channels:promotion_event_detail", args=[self.pk])


class EventParticipant(models.Model):
    """A customer or a channel invited to a promotion event, and whether they came."""

    event = models.ForeignKey(
        PromotionEvent, on_delete=models.CASCADE, related_name="participants", verbose_name=_("promotion event")
    )
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    channel = models.ForeignKey(
        "sales_channels.Channel", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("channel")
    )
    attended = models.BooleanField(_("attended"), default=False)

    scope_spec = ScopeSpec(path="event__unit__path", owner="event__owner")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("event participant")
        verbose_name_plural = _("event participants")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=False, channel__isnull=True) | Q(customer__isnull=True, channel__isnull=False),
                name="event_participant_customer_or_channel",
            ),
            models.UniqueConstraint(fields=["event", "customer"], name="event_participant_customer_once"),
            models.UniqueConstraint(fields=["event", "channel"], name="event_participant_channel_once"),
        ]

    def __str__(self):
        return f"{self.event_id}: {self.customer_id or self.channel_id}"


class EventLead(models.Model):
    """A lead captured at a promotion event (线索): a name and a contact; `customer` once it became one."""

    event = models.ForeignKey(PromotionEvent, on_delete=models.CASCADE, related_name="leads", verbose_name=_("promotion event"))
    name = models.CharField(_("name"), max_length=100)
    contact = models.CharField(_("contact"), max_length=100)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("became customer")
    )
    converted_on = models.DateField(_("became a customer on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_spec = ScopeSpec(path="event__unit__path", owner="event__owner")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("event lead")
        verbose_name_plural = _("event leads")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=True) | Q(converted_on__isnull=False), name="event_lead_converted_has_day"
            )
        ]

    def __str__(self):
        return self.name


class EventSale(models.Model):
    """A sale (invoice) attributed to a promotion event: issued within the attribution window after it, to a
    customer it reached (a participant or a converted lead). `amount` is the invoice's, copied when attributed."""

    event = models.ForeignKey(PromotionEvent, on_delete=models.CASCADE, related_name="sales", verbose_name=_("promotion event"))
    invoice = models.ForeignKey("customers.Invoice", on_delete=models.PROTECT, related_name="+", verbose_name=_("invoice"))
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_spec = ScopeSpec(path="event__unit__path", owner="event__owner")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("attributed sale")
        verbose_name_plural = _("attributed sales")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["event", "invoice"], name="event_sale_invoice_once")]

    def __str__(self):
        return f"{self.event_id}: {self.invoice_id}"


class EventExpense(models.Model):
    """An expense of a promotion event, recorded through budgets (against the budget that applies; beyond it
    through the over-budget approval as every expense)."""

    event = models.ForeignKey(
        PromotionEvent, on_delete=models.CASCADE, related_name="expenses", verbose_name=_("promotion event")
    )
    expense = models.OneToOneField("budgets.Expense", on_delete=models.PROTECT, related_name="+", verbose_name=_("expense"))

    scope_spec = ScopeSpec(path="event__unit__path", owner="event__owner")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("event expense")
        verbose_name_plural = _("event expenses")
        ordering = ["id"]

    def __str__(self):
        return f"{self.event_id}: {self.expense_id}"


class MaterialDispatch(models.Model):
    """Materials sent from the center's or a region's stock to a unit below it: out of the sender's stock when
    sent, into the receiver's when the receiver confirms receipt. Optionally against a line of an approved
    requirement plan. Read where the receiver is read (the sender is above it, so it reads it too)."""

    from_unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("from"))
    to_unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("to"))
    item = models.ForeignKey(MaterialItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("material"))
    quantity = models.PositiveIntegerField(_("quantity"))
    request_line = models.ForeignKey(
        MaterialRequestLine,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatches",
        verbose_name=_("requirement plan line"),
    )
    state = models.CharField(_("state"), max_length=20, choices=DispatchState.choices, default=DispatchState.SENT)
    sent_on = models.DateField(_("sent on"))
    received_on = models.DateField(_("received on"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("received by")
    )

    scope_spec = ScopeSpec(path="to_unit__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("material dispatch")
        verbose_name_plural = _("material dispatches")
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="material_dispatch_positive")]

    def __str__(self):
        return f"{self.from_unit_id} → {self.to_unit_id}: {self.item_id} × {self.quantity}"

    def get_absolute_url(self):
        return reverse("channels:material_dispatch_detail", args=[self.pk])


class MaterialMovement(models.Model):
    """One change of a unit's stock of an item (the ledger): `quantity` is signed (+ in, − out) and
    `balance_after` the stock right after it, written under the stock row's lock."""

    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("org unit"))
    item = models.ForeignKey(MaterialItem, on_delete=models.PROTECT, related_name="movements", verbose_name=_("material"))
    kind = models.CharField(_("kind"), max_length=20, choices=MovementKind.choices)
    quantity = models.IntegerField(_("quantity"))
    balance_after = models.IntegerField(_("balance after"))
    on = models.DateField(_("on"))
    dispatch = models.ForeignKey(
        MaterialDispatch, null=True, blank=True, on_delete=models.PROTECT, related_name="movements", verbose_name=_("dispatch")
    )
    event = models.ForeignKey(
        PromotionEvent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="material_movements",
        verbose_name=_("promotion event"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_spec = ScopeSpec(path="unit__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("material movement")
        verbose_name_plural = _("material movements")
        ordering = ["-id"]
        indexes = [models.Index(fields=["unit", "item", "on"], name="material_movement_unit_item_on")]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="material_movement_not_zero"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="material_movement_balance_not_negative"),
            models.CheckConstraint(
                condition=Q(kind="consumption", event__isnull=False) | ~Q(kind="consumption"),
                name="material_consumption_has_event",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.quantity:+d}"
