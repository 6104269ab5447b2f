from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Floor
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField
from core.periods import PeriodField
from core.scoping import ScopedQuerySet, ScopeSpec
from plans.choices import (
    COUNT_METRICS,
    EDITABLE_STATES,
    DistributionKind,
    Metric,
    PlanKind,
    PlanState,
    SplitMethod,
    approval_kind_of,
)
from regions.models import PATH_SEPARATOR


class TargetQuerySet(ScopedQuerySet):
    def current(self):
        return self.filter(is_current=True)


class Target(models.Model):
    """A business target (业务目标): how much of a metric (sales, collections, new customers…) a unit or
    a salesperson is to achieve in a period (year, quarter or month).

    Targets flow down the tree: a region's target is split to its provinces, theirs to districts, a
    district's to its sales staff, and each across months; `parent` is the target a row was split from.
    A target is never edited in place: setting or re-splitting it adds a new `version` and the previous
    one stops being current, so what was approved stays readable. Exactly one version per
    (metric, period, unit or person) is current — a database constraint holds that.

    `owner_unit` is the unit for a unit's target and the salesperson's district for a person's target:
    the scope rule reads it, so a manager sees the targets of their subtree and a salesperson their own.
    """

    metric = models.CharField(_("metric"), max_length=30, choices=Metric.choices)
    period = PeriodField(_("period"))
    unit = models.ForeignKey(
        "regions.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="targets", verbose_name=_("org unit")
    )
    staff = models.ForeignKey(
        "regions.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
        verbose_name=_("salesperson"),
    )
    owner_unit = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="+", editable=False, verbose_name=_("owning unit")
    )
    value = MoneyField(_("target value"))
    version = models.PositiveIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current version"), default=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("split from")
    )
    split_method = models.CharField(_("split method"), max_length=20, choices=SplitMethod.choices, blank=True)
    distribution = models.ForeignKey(
        "plans.SeasonalDistribution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("seasonal distribution"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("set by")
    )
    created_at = models.DateTimeField(_("set at"), default=timezone.now)

    scope_spec = ScopeSpec(path="owner_unit__path", owner="staff")
    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["metric", "period", "-version", "id"]
        indexes = [
            models.Index(fields=["metric", "period", "owner_unit"], name="target_metric_period_owner"),
            models.Index(fields=["parent"], name="target_parent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, staff__isnull=True) | Q(unit__isnull=True, staff__isnull=False),
                name="target_unit_xor_staff",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="target_value_not_negative"),
            models.CheckConstraint(
                condition=~Q(metric__in=sorted(COUNT_METRICS)) | Q(value=Floor(F("value"))),
                name="target_count_is_whole",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="target_version_positive"),
            # NULLs are distinct in unique constraints, so one constraint over (unit, staff) would never
            # fire: each kind of owner gets its own, conditioned on the other column being empty.
            models.UniqueConstraint(
                fields=["metric", "period", "unit", "version"], condition=Q(staff__isnull=True), name="target_unit_version"
            ),
            models.UniqueConstraint(
                fields=["metric", "period", "staff", "version"], condition=Q(unit__isnull=True), name="target_staff_version"
            ),
            models.UniqueConstraint(
                fields=["metric", "period", "unit"],
                condition=Q(is_current=True, unit__isnull=False),
                name="target_unit_one_current",
            ),
            models.UniqueConstraint(
                fields=["metric", "period", "staff"],
                condition=Q(is_current=True, staff__isnull=False),
                name="target_staff_one_current",
            ),
        ]

    def __str__(self):
        owner = self.unit if self.unit_id else self.staff
        return f"{self.get_metric_display()} {self.period} {owner}: {self.value} (v{self.version})"

    @property
    def is_count(self):
        return self.metric in COUNT_METRICS


class SeasonalDistributionQuerySet(ScopedQuerySet):
    """Distributions a person may read: the company-wide ones (no unit) for everyone with a role, and
    the ones of the units that serve them — their own subtree's and their unit's ancestors' (a district
    uses its province's pattern). A salesperson reads the company's, their district's and its ancestors'."""

    def for_scope(self, scope):
        if scope.everything:
            return self.all()
        if scope.path is None:
            return self.none()
        ancestors = []
        parts = [part for part in scope.path.split(PATH_SEPARATOR) if part]
        for n in range(1, len(parts)):
            ancestors.append(PATH_SEPARATOR + PATH_SEPARATOR.join(parts[:n]) + PATH_SEPARATOR)
        own = Q(unit__path=scope.path) if scope.own_only else Q(unit__path__startswith=scope.path)
        return self.filter(Q(unit__isnull=True) | own | Q(unit__path__in=ancestors))


class SeasonalDistribution(models.Model):
    """A reusable seasonal pattern (季节性分布) for splitting a year's or a quarter's target across months,
    like ERPNext's Monthly Distribution: twelve weights, as amounts or as percentages summing to 100.
    A distribution of a unit serves that unit and its subtree; one without a unit serves the company.

    Scope (decided here): company-wide rows (unit empty) are read by everyone with a role and written only
    by the Development Center (director, center staff); a unit's rows are read inside the scope of that
    unit (plus by the units below it, which may use them) and written by people with `target.change`
    whose scope covers the unit.
    """

    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey(
        "regions.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seasonal_distributions",
        verbose_name=_("org unit"),
        help_text=_("Empty: available to the whole company."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DistributionKind.choices, default=DistributionKind.PERCENTAGES)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    scope_spec = ScopeSpec(path="unit__path")
    objects = SeasonalDistributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("seasonal distribution")
        verbose_name_plural = _("seasonal distributions")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], condition=Q(unit__isnull=False), name="distribution_unit_name"),
            models.UniqueConstraint(fields=["name"], condition=Q(unit__isnull=True), name="distribution_company_name"),
        ]

    def __str__(self):
        return self.name

    def weights(self):
        """{month number: value} for the twelve months."""
        return {row.month: row.value for row in self.months.all()}


class SeasonalDistributionMonth(models.Model):
    """One month's weight in a seasonal distribution."""

    distribution = models.ForeignKey(
        SeasonalDistribution, on_delete=models.CASCADE, related_name="months", verbose_name=_("seasonal distribution")
    )
    month = models.PositiveSmallIntegerField(_("month"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = _("month of a distribution")
        verbose_name_plural = _("months")
        ordering = ["distribution", "month"]
        constraints = [
            models.UniqueConstraint(fields=["distribution", "month"], name="distribution_month_once"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="distribution_month_in_year"),
            models.CheckConstraint(condition=Q(value__gte=0), name="distribution_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.month}: {self.value}"


# --- plans ----------------------------------------------------------------------------------------
class PlanQuerySet(ScopedQuerySet):
    def editable(self):
        return self.filter(state__in=EDITABLE_STATES)


class Plan(models.Model):
    """A plan (计划) a unit drafts and submits for approval: a marketing plan, a work plan, a development
    strategy… for a period (year, quarter or month).

    The draft is text (`body`) plus structured lines: target lines (with their split to the unit's
    children — sub-units, or for a district its sales staff — and to months), action lines and budget
    lines. Each submission freezes a PlanVersion (the lines as JSON) and opens an approval request;
    `state` mirrors that request. The draft is edited only in an editable state (draft, returned,
    withdrawn); changing an approved plan means revising it into a new draft and version, whose approval
    sets new Target versions (never an edit in place).

    Scope: the plan's unit subtree; a salesperson sees the plans they wrote.
    """

    kind = models.CharField(_("kind"), max_length=30, choices=PlanKind.choices)
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="plans", verbose_name=_("org unit"))
    period = PeriodField(_("period"))
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        "regions.StaffProfile", on_delete=models.PROTECT, related_name="plans_written", verbose_name=_("author")
    )
    state = models.CharField(_("state"), max_length=12, choices=PlanState.choices, default=PlanState.DRAFT)
    body = models.TextField(_("text"), blank=True)
    # The plan a rejected one was rewritten from (a rejected matter is not submitted again, so a new plan).
    revises = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="revisions", verbose_name=_("revises")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_spec = ScopeSpec(path="unit__path", owner="author")
    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-period", "unit__path", "kind", "id"]
        indexes = [
            models.Index(fields=["unit", "period", "kind"], name="plan_unit_period_kind"),
            models.Index(fields=["state"], name="plan_state"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period} {self.unit.name}: {self.title}"

    def get_absolute_url(self):
        try:
            return reverse("plans:plan_detail", kwargs={"pk": self.pk})
        except NoReverseMatch:  # the pages are mounted by plans/urls.py
            return f"/plans/{self.pk}/"

    @property
    def approval_kind(self):
        return approval_kind_of(self.kind)

    @property
    def is_editable(self):
        return self.state in EDITABLE_STATES


class PlanTargetLine(models.Model):
    """A target the plan sets: a metric's value for the plan's unit in the plan's period (or a quarter
    or month inside it), with its split to children and months in PlanSplitLine rows."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="target_lines", verbose_name=_("plan"))
    metric = models.CharField(_("metric"), max_length=30, choices=Metric.choices)
    period = PeriodField(_("period"))
    value = MoneyField(_("target value"))
    split_method = models.CharField(_("split method"), max_length=20, choices=SplitMethod.choices, blank=True)
    distribution = models.ForeignKey(
        SeasonalDistribution,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("seasonal distribution"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("target line")
        verbose_name_plural = _("target lines")
        ordering = ["plan", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "metric", "period"], name="plan_target_line_once"),
            models.CheckConstraint(condition=Q(value__gte=0), name="plan_target_line_not_negative"),
            models.CheckConstraint(
                condition=~Q(metric__in=sorted(COUNT_METRICS)) | Q(value=Floor(F("value"))),
                name="plan_target_line_count_whole",
            ),
        ]

    def __str__(self):
        return f"{self.get_metric_display()} {self.period}: {self.value}"


class PlanSplitLine(models.Model):
    """One part of a target line: the value for a child unit, for a salesperson (a district's plan) or
    for a month of the line's period. Exactly one of unit / staff / month is set."""

    line = models.ForeignKey(PlanTargetLine, on_delete=models.CASCADE, related_name="splits", verbose_name=_("target line"))
    unit = models.ForeignKey(
        "regions.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("org unit")
    )
    staff = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("salesperson")
    )
    month = PeriodField(_("month"), null=True, blank=True)
    value = MoneyField(_("value"))
    # The weight the value was suggested from (a share, last year's actual, a distribution's month).
    weight = models.DecimalField(_("weight"), max_digits=20, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("split line")
        verbose_name_plural = _("split lines")
        ordering = ["line", "month", "unit__code", "staff__employee_no", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, staff__isnull=True, month__isnull=True)
                | Q(unit__isnull=True, staff__isnull=False, month__isnull=True)
                | Q(unit__isnull=True, staff__isnull=True, month__isnull=False),
                name="plan_split_one_key",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="plan_split_not_negative"),
            models.UniqueConstraint(fields=["line", "unit"], condition=Q(unit__isnull=False), name="plan_split_unit_once"),
            models.UniqueConstraint(fields=["line", "staff"], condition=Q(staff__isnull=False), name="plan_split_staff_once"),
            models.UniqueConstraint(fields=["line", "month"], condition=Q(month__isnull=False), name="plan_split_month_once"),
        ]

    def __str__(self):
        return f"{self.unit or self.staff or self.month}: {self.value}"


class PlanActionLine(models.Model):
    """Something the plan commits to do (措施): what, who, by when. On approval each becomes a task."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="action_lines", verbose_name=_("plan"))
    what = models.CharField(_("action"), max_length=200)
    owner = models.ForeignKey("regions.StaffProfile", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    due_on = models.DateField(_("due on"))
    notes = models.TextField(_("notes"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("action line")
        verbose_name_plural = _("action lines")
        ordering = ["plan", "order", "id"]

    def __str__(self):
        return self.what


class PlanBudgetLine(models.Model):
    """Money the plan asks for (预算): a category, an amount and a note; the total is the request's amount."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("plan"))
    category = models.CharField(_("category"), max_length=100)
    amount = MoneyField(_("amount"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["plan", "order", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="plan_budget_line_not_negative")]

    def __str__(self):
        return f"{self.category}: {self.amount}"


class PlanVersionQuerySet(ScopedQuerySet):
    pass


class PlanVersion(models.Model):
    """What one submission of a plan froze (计划版本): the title, the text, every line as JSON and the
    totals, with the approval request that decides it. Never changed after it is written."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions", verbose_name=_("plan"))
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    lines = models.JSONField(_("lines"), default=dict, encoder=DjangoJSONEncoder)
    totals = models.JSONField(_("totals"), default=dict, encoder=DjangoJSONEncoder)
    request = models.OneToOneField(
        "approvals.ApprovalRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_version",
        verbose_name=_("approval request"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("frozen at"), default=timezone.now)

    scope_spec = ScopeSpec(path="plan__unit__path", owner="plan__author")
    objects = PlanVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="plan_version_positive"),
        ]

    def __str__(self):
        return f"{self.plan_id} v{self.number}"

    def snapshot(self):
        """The JSON frozen into the approval request."""
        return {
            "plan": self.plan_id,
            "version": self.number,
            "title": self.title,
            "body": self.body,
            **self.lines,
            "totals": self.totals,
        }
