from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Floor
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField
from core.periods import PeriodField
from core.scoping import ScopedQuerySet, ScopeSpec
from plans.choices import COUNT_METRICS, DistributionKind, Metric, SplitMethod


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


class SeasonalDistribution(models.Model):
    """A reusable seasonal pattern (季节性分布) for splitting a year's or a quarter's target across months,
    like ERPNext's Monthly Distribution: twelve weights, as amounts or as percentages summing to 100.
    A distribution of a unit serves that unit and its subtree; one without a unit serves the company."""

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
