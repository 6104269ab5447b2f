"""Improvement of under-performing branches (经营不良分支机构整改): the flags the nightly job raises on a unit
that stays below a threshold, and the improvement plans (整改方案) their managers draft — the diagnosis,
the measures (which become tasks once approved) and the figures expected month by month."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet, ScopeSpec
from risk.choices import IMPROVEMENT_OPEN_STATES, FlagReason, ImprovementMetric, ImprovementState


class FlagQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(cleared_on__isnull=True)


class UnderperformanceFlag(models.Model):
    """A flag on a unit that performs below a threshold (经营不良预警): sales attainment under X % for N
    months, an overdue share above Y %, or sales staff whose credit grades fell.

    Raised and cleared only by the nightly job (risk.services.flags_refresh), never by hand: one open flag
    per unit and reason (a constraint holds it); while the condition lasts the open flag keeps its first day
    and gets the latest figure; the first night the condition no longer holds it is cleared (`cleared_on`).
    """

    unit = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="underperformance_flags", verbose_name=_("org unit")
    )
    reason = models.CharField(_("reason"), max_length=20, choices=FlagReason.choices)
    # Attainment and overdue share in per cent; the number of staff whose grade fell for a grade drop.
    value = models.DecimalField(_("figure"), max_digits=12, decimal_places=2)
    # Attainment: the months below the threshold; grade drop: the months looked back over.
    months = models.PositiveSmallIntegerField(_("months"), default=1)
    flagged_on = models.DateField(_("flagged on"))
    seen_on = models.DateField(_("last seen on"))
    cleared_on = models.DateField(_("cleared on"), null=True, blank=True)

    # Units have no owner: a salesperson sees the flags of their own district only.
    scope_spec = ScopeSpec(path="unit__path")
    objects = FlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("under-performance flag")
        verbose_name_plural = _("under-performance flags")
        ordering = ["-flagged_on", "unit", "reason"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "reason"], condition=Q(cleared_on__isnull=True), name="flag_one_open"),
        ]

    def __str__(self):
        return f"{self.unit_id} {self.reason} {self.flagged_on:%Y-%m-%d}"

    @property
    def is_open(self):
        return self.cleared_on is None


class ImprovementPlanQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(state__in=IMPROVEMENT_OPEN_STATES)


class ImprovementPlan(models.Model):
    """An improvement plan (整改方案) of an under-performing unit: what is wrong (diagnosis), what will be done
    (measures with owners and dates) and which figures are expected month by month.

    Drafted and submitted by the unit's manager or a manager above; approved by the Development Center
    through approvals (kind improvement_plan) — approval turns each measure into a task of its owner; in
    progress from its first expected month; closed by its drafter or a manager above with a review of what
    it achieved.
    """

    unit = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="improvement_plans", verbose_name=_("org unit")
    )
    flags = models.ManyToManyField(UnderperformanceFlag, blank=True, related_name="plans", verbose_name=_("flags addressed"))
    title = models.CharField(_("title"), max_length=200)
    diagnosis = models.TextField(_("diagnosis"))
    state = models.CharField(_("state"), max_length=12, choices=ImprovementState.choices, default=ImprovementState.DRAFT)
    drafted_by = models.ForeignKey(
        "regions.StaffProfile", on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by")
    )
    created_at = models.DateTimeField(_("drafted at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("closed by")
    )
    review = models.TextField(_("review"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_spec = ScopeSpec(path="unit__path")
    objects = ImprovementPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("improvement plan")
        verbose_name_plural = _("improvement plans")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Closing needs a review and a moment; an open plan has neither.
            models.CheckConstraint(
                condition=(Q(state="closed", closed_at__isnull=False) & ~Q(review=""))
                | (~Q(state="closed") & Q(closed_at__isnull=True)),
                name="improvement_closed_has_review",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("risk:improvement_detail", kwargs={"pk": self.pk})


class ImprovementMeasure(models.Model):
    """One measure of an improvement plan: what will be done, by whom (staff of the unit's subtree) and by
    which day. Approval of the plan gives its owner a task (workflow.Task, `task`) whose state is the
    measure's progress."""

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="measures", verbose_name=_("plan"))
    description = models.CharField(_("measure"), max_length=500)
    owner = models.ForeignKey("regions.StaffProfile", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    due_on = models.DateField(_("due on"))
    task = models.OneToOneField(
        "workflow.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("task")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    scope_spec = ScopeSpec(path="plan__unit__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("improvement measure")
        verbose_name_plural = _("improvement measures")
        ordering = ["plan", "order", "id"]

    def __str__(self):
        return self.description


class ImprovementTarget(models.Model):
    """A figure an improvement plan expects in one month (amounts in CNY, rates in per cent), compared each
    month with the actual from the summaries."""

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="targets", verbose_name=_("plan"))
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    metric = models.CharField(_("metric"), max_length=20, choices=ImprovementMetric.choices)
    expected = models.DecimalField(_("expected"), max_digits=18, decimal_places=2)

    scope_spec = ScopeSpec(path="plan__unit__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("expected figure")
        verbose_name_plural = _("expected figures")
        ordering = ["plan", "month", "metric"]
        constraints = [models.UniqueConstraint(fields=["plan", "month", "metric"], name="improvement_target_unique")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.metric} {self.expected}"
