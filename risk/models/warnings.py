"""Early warnings (预警): the rules the Development Center sets and the warnings (预警单) their runs open."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import CompanyWideQuerySet, ScopedQuerySet, ScopeSpec
from risk.choices import (
    WARNING_OPEN_STATES,
    RuleChangeState,
    WarningClosedReason,
    WarningKind,
    WarningLevel,
    WarningSeverity,
    WarningState,
)


class WarningRule(models.Model):
    """An early-warning rule (预警规则): company policy the Development Center sets — what to watch (kind), at
    which level (a customer or a district office), the threshold that trips it, the window it compares over
    where the kind needs one, how grave its warnings are and in how many working days their owner must act.

    The center changes the rules through the approval mechanism: a proposal (WarningRuleChange) is drafted,
    submitted and, once approved, applied to this row (or creates it) — the row stays, so its open warnings
    keep their rule. The nightly job (risk.warnings_evaluate) runs every active rule set-wise and opens one
    warning per subject that trips it."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=30, choices=WarningKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=WarningLevel.choices)
    # A share (0–1), days, steps or points — risk.services.warnings bounds it per kind.
    threshold = models.DecimalField(_("threshold"), max_digits=12, decimal_places=4)
    # Days or months (per kind); empty for the kinds that compare nothing over time.
    window = models.PositiveIntegerField(_("window"), null=True, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=WarningSeverity.choices, default=WarningSeverity.MEDIUM)
    deadline_days = models.PositiveSmallIntegerField(_("deadline (working days)"), default=3)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    # Everyone inside the organisation reads the rules (a manager must know why a warning opened).
    objects = CompanyWideQuerySet.as_manager()

    class Meta:
        verbose_name = _("warning rule")
        verbose_name_plural = _("warning rules")
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gte=0), name="warning_rule_threshold_not_negative"),
            models.CheckConstraint(condition=Q(deadline_days__gte=1), name="warning_rule_deadline_positive"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("risk:warning_rule_list")


class WarningQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(state__in=WARNING_OPEN_STATES)


class Warning(models.Model):  # the name the brief of issue 15 gives (预警单); it shadows the builtin only where imported
    """A warning (预警单): one rule tripped by one subject (a customer or a district office) on a day, the value
    that tripped it, who owns it (the customer's salesperson, else the district's manager; a district's
    manager for a district) and who supervises (the next manager up), its deadline in working days, and its
    handling: acknowledged → action recorded → closed with a resolution, or closed by the job when the
    condition cleared. Past its deadline it escalates one level up at most once per working day.

    At most one warning per rule and subject is not closed (the partial unique constraints): a re-run of the
    job opens no duplicate."""

    rule = models.ForeignKey(WarningRule, on_delete=models.PROTECT, related_name="warnings", verbose_name=_("rule"))
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="warnings", verbose_name=_("customer")
    )
    # The scope: the customer's district office, or the district the warning is about.
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="warnings", verbose_name=_("org unit"))
    owner = models.ForeignKey(
        "regions.StaffProfile", on_delete=models.PROTECT, related_name="owned_warnings", verbose_name=_("owner")
    )
    supervisor = models.ForeignKey(
        "regions.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_warnings",
        verbose_name=_("supervisor"),
    )
    severity = models.CharField(_("severity"), max_length=10, choices=WarningSeverity.choices)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    opened_on = models.DateField(_("opened on"))
    due_on = models.DateField(_("due on"))
    state = models.CharField(_("state"), max_length=12, choices=WarningState.choices, default=WarningState.OPEN)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    action = models.TextField(_("action taken"), blank=True)
    action_at = models.DateTimeField(_("action recorded at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    closed_reason = models.CharField(_("closed because"), max_length=10, choices=WarningClosedReason.choices, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("closed by")
    )
    # Escalation: the manager the warning went up to last, how many levels up, and on which (working) day —
    # the job escalates a warning at most once a working day.
    escalated_to = models.ForeignKey(
        "regions.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalated_warnings",
        verbose_name=_("escalated to"),
    )
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # A salesperson sees the warnings he owns; managers their subtree's; the center all.
    scope_spec = ScopeSpec(path="unit__path", owner="owner")
    objects = WarningQuerySet.as_manager()

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["unit", "state"], name="warning_unit_state"),
            models.Index(fields=["owner", "state"], name="warning_owner_state"),
            # The gravest open warnings by deadline (risk.selectors.open_warnings): one walk per severity.
            models.Index(
                fields=["severity", "due_on", "id"], condition=Q(state__in=WARNING_OPEN_STATES), name="warning_open_by_due"
            ),
            # A scope's open warnings counted by severity from the index alone (risk.selectors.warning_panel).
            models.Index(fields=["unit", "severity"], condition=Q(state__in=WARNING_OPEN_STATES), name="warning_open_by_unit"),
        ]
        constraints = [
            # One warning not closed per rule × subject: the job's re-run cannot open a second one.
            models.UniqueConstraint(
                fields=["rule", "customer"],
                condition=Q(customer__isnull=False) & ~Q(state="closed"),
                name="warning_one_open_per_customer",
            ),
            models.UniqueConstraint(
                fields=["rule", "unit"],
                condition=Q(customer__isnull=True) & ~Q(state="closed"),
                name="warning_one_open_per_unit",
            ),
            # Closed means a reason and a day; a person's closure also a resolution.
            models.CheckConstraint(
                condition=(Q(state="closed", closed_on__isnull=False) & ~Q(closed_reason=""))
                | (~Q(state="closed") & Q(closed_on__isnull=True, closed_reason="")),
                name="warning_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(closed_reason="resolved") | ~Q(resolution=""),
                name="warning_resolved_has_resolution",
            ),
        ]

    def __str__(self):
        return f"{self.rule} · {self.subject_name}"

    def get_absolute_url(self):
        return reverse("risk:warning_detail", kwargs={"pk": self.pk})

    @property
    def subject_name(self):
        return self.customer.name if self.customer_id else self.unit.name

    @property
    def is_open(self):
        return self.state in WARNING_OPEN_STATES


class WarningRuleChange(models.Model):
    """A proposed change of the early-warning rules (预警规则变更): the Development Center drafts the values it
    wants a rule to have — or a new rule (`rule` empty) — with its reason, and submits the proposal to the
    approval mechanism (kind WARNING_RULE). Once approved, the values are applied to the rule (or the rule is
    created) in the decision's transaction; returned, it is edited and submitted again; rejected or
    withdrawn, the rule stays as it was.

    The values are real columns checked by the same rule as the rule's (risk.services.warnings' field
    checks); the rule's values before the change are frozen in the approval request's snapshot, so the
    reviewer sees old → new. One proposal per rule is open at a time (the partial unique constraint)."""

    rule = models.ForeignKey(
        WarningRule, null=True, blank=True, on_delete=models.PROTECT, related_name="changes", verbose_name=_("rule")
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=30, choices=WarningKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=WarningLevel.choices)
    threshold = models.DecimalField(_("threshold"), max_digits=12, decimal_places=4)
    window = models.PositiveIntegerField(_("window"), null=True, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=WarningSeverity.choices, default=WarningSeverity.MEDIUM)
    deadline_days = models.PositiveSmallIntegerField(_("deadline (working days)"), default=3)
    is_active = models.BooleanField(_("active"), default=True)
    reason = models.TextField(_("reason"))
    state = models.CharField(_("state"), max_length=10, choices=RuleChangeState.choices, default=RuleChangeState.DRAFT)
    drafted_by = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Company policy in the making: everyone inside the organisation reads it, like the rules themselves.
    objects = CompanyWideQuerySet.as_manager()

    class Meta:
        verbose_name = _("warning rule change")
        verbose_name_plural = _("warning rule changes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gte=0), name="warning_rule_change_threshold_not_negative"),
            models.CheckConstraint(condition=Q(deadline_days__gte=1), name="warning_rule_change_deadline_positive"),
            models.CheckConstraint(condition=~Q(reason=""), name="warning_rule_change_has_reason"),
            # One open proposal per rule: its "old values" are unambiguous and two approvals cannot race.
            models.UniqueConstraint(
                fields=["rule"],
                condition=Q(rule__isnull=False, state__in=["draft", "submitted", "returned"]),
                name="warning_rule_change_one_open_per_rule",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("risk:warning_rule_change_detail", kwargs={"pk": self.pk})

    @property
    def is_editable(self):
        return self.state in (RuleChangeState.DRAFT, RuleChangeState.RETURNED)
