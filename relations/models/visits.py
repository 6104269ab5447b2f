"""Customer visits (客户走访): the visits a salesperson plans and records to a customer or a channel, the rules
that say how often each class of customer is due a visit, and each customer's last visit kept for coverage."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import CompanyWideQuerySet, ScopedQuerySet, ScopeSpec
from customers.choices import CustomerKind

__all__ = ["CustomerLastVisit", "Visit", "VisitKind", "VisitRule", "VisitSegment", "VisitState"]


class VisitKind(models.TextChoices):
    VISIT = "visit", _("on-site visit")
    PHONE = "phone", _("phone call")
    MEETING = "meeting", _("meeting")
    VIDEO = "video", _("video call")
    EVENT = "event", _("event or seminar")


class VisitState(models.TextChoices):
    """A visit is planned (a day in the visit plan), done (recorded: it happened on its day) or cancelled."""

    PLANNED = "planned", _("planned")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class VisitSegment(models.TextChoices):
    """The classes of customers a visit rule is set for. Key customers (Customer.is_key) are due monthly by
    default; the others by their activity: a customer with an open receivable is trading with the company now,
    the rest less often. (A customer's credit grade lives in risk, above this app: the rules cannot read it.)"""

    KEY = "key", _("key customers")
    TRADING = "trading", _("customers with an open receivable")
    OTHER = "other", _("other active customers")


class VisitRule(models.Model):
    """How often a class of customers is due a visit (走访频次), in days: per segment, optionally only for one
    kind of customer (an institution's rule may differ from an enterprise's). A rule for a kind wins over its
    segment's general rule; a segment without any rule takes DEFAULT_INTERVALS (relations.selectors.visits)."""

    segment = models.CharField(_("customer class"), max_length=20, choices=VisitSegment.choices)
    customer_kind = models.CharField(_("customer type"), max_length=20, blank=True, help_text=_("Empty: every type."))
    interval_days = models.PositiveSmallIntegerField(_("visit every (days)"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Company policy: everyone inside the organisation reads the rules (a salesperson must know why a customer is
    # due); the Development Center changes them (relations/rights/visits.py `visit_rule.change`).
    objects = CompanyWideQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit rule")
        verbose_name_plural = _("visit rules")
        ordering = ["segment", "customer_kind"]
        constraints = [
            models.UniqueConstraint(fields=["segment", "customer_kind"], name="visit_rule_one_per_class"),
            models.CheckConstraint(condition=Q(interval_days__gte=1, interval_days__lte=366), name="visit_rule_interval_range"),
        ]

    def __str__(self):
        return f"{self.segment}/{self.customer_kind or '*'}: {self.interval_days}"

    @property
    def customer_kind_label(self):
        """The type of customer the rule is for, in words ("" for every type)."""
        return dict(CustomerKind.choices).get(self.customer_kind, self.customer_kind)


class Visit(models.Model):
    """One visit (走访) to a customer or a channel — exactly one of the two: planned for a day, or done on it,
    with what was discussed, the customer's needs, the competitors mentioned and the next step agreed (which
    becomes a workflow task once the visit is done). `unit` is the district office of the customer or channel
    (the scope); `salesperson` is who visits (the owner). A branch system names its visits by `external_id`."""

    # Unique by a constraint (Meta) rather than unique=True: PostgreSQL then has no extra LIKE index on the column.
    external_id = models.CharField(_("external id"), max_length=64, null=True, blank=True)
    # No single-column indexes on the references: (customer, on), (channel, on) and (salesperson, on) below serve
    # their look-ups too, and every index costs the bulk ingest (≥ 5,000 visits a second) its share of each row.
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("customer"),
        db_index=False,
    )
    channel = models.ForeignKey(
        "sales_channels.Channel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("channel"),
        db_index=False,
    )
    unit = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("district office"), db_index=False
    )
    salesperson = models.ForeignKey(
        "regions.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("visited by"),
        db_index=False,
    )
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=VisitKind.choices, default=VisitKind.VISIT)
    state = models.CharField(_("state"), max_length=20, choices=VisitState.choices, default=VisitState.DONE)
    participants = models.CharField(_("participants"), max_length=300, blank=True)
    notes = models.TextField(_("what was discussed"), blank=True)
    needs = models.TextField(_("the customer's needs"), blank=True)
    competitors = models.CharField(_("competitors mentioned"), max_length=300, blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_on = models.DateField(_("next step by"), null=True, blank=True)
    task = models.ForeignKey(
        "workflow.Task",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("follow-up task"),
        db_index=False,  # a partial index (Meta): most visits have no task, and a new one never has one yet
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
        db_index=False,  # users are never deleted (deactivated): nothing looks visits up by their author
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_spec = ScopeSpec(path="unit__path", owner="salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-on", "-id"]
        indexes = [
            models.Index(fields=["unit", "on"], name="visit_unit_on"),
            models.Index(fields=["salesperson", "on"], name="visit_rep_on"),
            # A customer's visits; its last done one is kept in CustomerLastVisit, recomputed from here when undone.
            models.Index(fields=["customer", "on"], name="visit_customer_on", condition=Q(customer__isnull=False)),
            models.Index(fields=["channel", "on"], name="visit_channel_on", condition=Q(channel__isnull=False)),
            # A task's visit (SET NULL when a task is deleted): only the visits that have one.
            models.Index(fields=["task"], name="visit_task", condition=Q(task__isnull=False)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["external_id"], name="visit_external_id_unique"),
            models.CheckConstraint(
                condition=(Q(customer__isnull=False) & Q(channel__isnull=True))
                | (Q(customer__isnull=True) & Q(channel__isnull=False)),
                name="visit_customer_or_channel",
            ),
            models.CheckConstraint(condition=Q(next_on__isnull=True) | Q(next_on__gte=models.F("on")), name="visit_next_after"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.on}"

    @property
    def subject(self):
        return self.customer if self.customer_id else self.channel


class CustomerLastVisit(models.Model):
    """The day of a customer's last done visit, kept by the visit services and the bulk path in the same
    transaction as the visits (relations.services.visits): coverage and the visit plan read one row per customer
    instead of the visits. Equal to max(Visit.on) of the customer's done visits at every commit (tested); a
    customer never visited has no row."""

    customer = models.OneToOneField(
        "customers.Customer", primary_key=True, on_delete=models.CASCADE, related_name="last_visit", verbose_name=_("customer")
    )
    last_on = models.DateField(_("last visited on"))

    scope_spec = ScopeSpec(path="customer__district__path", owner="customer__salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer's last visit")
        verbose_name_plural = _("customers' last visits")

    def __str__(self):
        return f"{self.customer_id}: {self.last_on}"
