"""Appraisal (绩效考核) and incentives (激励): appraisal schemes and their items, the runs that score
people against a scheme for a period, incentive schemes for branches of different scale (不同经营规模),
and reward proposals (奖励 / 专项奖励) decided through the approvals chain."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appraisal.choices import (
    AppraisedRole,
    IncentiveSubject,
    ItemKind,
    PeriodKind,
    ProposalState,
    RewardKind,
    SchemeState,
    ScoringRule,
)
from core.formats import money
from core.money import MoneyField
from core.periods import PeriodField
from core.scoping import ScopedQuerySet, ScopeSpec
from regions.models import PATH_SEPARATOR

SCORE = {"max_digits": 7, "decimal_places": 2}


def _ancestor_paths(path):
    parts = [part for part in path.split(PATH_SEPARATOR) if part]
    return [PATH_SEPARATOR + PATH_SEPARATOR.join(parts[:n]) + PATH_SEPARATOR for n in range(1, len(parts))]


class ReachQuerySet(ScopedQuerySet):
    """Rows that apply to a part of the tree (a scheme, a run): a person reads those that reach them —
    company-wide ones (no unit), those of their own subtree, and those of the units above them (a
    company-wide run of the center covers a district manager too). Others' subtrees stay hidden."""

    def for_scope(self, scope):
        spec = self._spec()
        if scope.everything:
            return self.all()
        if scope.path is None:
            return self.none()
        own = Q(**{spec.path: scope.path}) if scope.own_only else Q(**{f"{spec.path}__startswith": scope.path})
        reach = own | Q(**{f"{spec.path}__in": _ancestor_paths(scope.path)})
        unit_field = spec.path.rsplit("__", 1)[0]
        if self.model._meta.get_field(unit_field).null:
            reach |= Q(**{f"{unit_field}__isnull": True})
        return self.filter(reach)


class AppraisalScheme(models.Model):
    """An appraisal scheme (考核办法): how the people of one role are assessed each month, quarter or year —
    weighted items (KPIs from the sales facts, or items the manager scores) that add up to 100.

    Drafted by the Development Center and approved through the center's approval chain; only an
    approved scheme scores anyone. An approved scheme is never edited: revising it makes a new draft
    with the next `version`, and approving that one retires its predecessor. `unit` narrows a scheme
    to a part of the network (empty: the whole company).
    """

    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("applies to"), max_length=20, choices=AppraisedRole.choices)
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.MONTH)
    valid_from = models.DateField(_("valid from"))
    unit = models.ForeignKey(
        "regions.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("org unit"),
        help_text=_("Empty: the whole company."),
    )
    state = models.CharField(_("state"), max_length=10, choices=SchemeState.choices, default=SchemeState.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="revisions", verbose_name=_("revises")
    )
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("drafted by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_spec = ScopeSpec(path="unit__path")
    objects = ReachQuerySet.as_manager()

    class Meta:
        verbose_name = _("appraisal scheme")
        verbose_name_plural = _("appraisal schemes")
        ordering = ["role", "name", "-version"]
        constraints = [models.CheckConstraint(condition=Q(version__gte=1), name="appraisal_scheme_version_positive")]

    def __str__(self):
        return f"{self.name} v{self.version}"

    def get_absolute_url(self):
        return reverse("appraisal:scheme_detail", kwargs={"pk": self.pk})

    @property
    def is_editable(self):
        return self.state == SchemeState.DRAFT


class SchemeItem(models.Model):
    """One item of an appraisal scheme: what is measured, its weight (the weights of a scheme add up to
    exactly 100) and how a rate becomes a score.

    Linear: score = min(cap, max(0, rate × 100)). Tiers: `tiers` is a list of {"from": percent,
    "score": score}; the score of the highest tier whose `from` the rate × 100 reaches (0 below all).
    For the overdue share, lower is better: the rate scored is 1 − share. A manual item has no rule:
    the manager enters its score (0–100).
    """

    scheme = models.ForeignKey(AppraisalScheme, on_delete=models.CASCADE, related_name="items", verbose_name=_("scheme"))
    kind = models.CharField(_("item"), max_length=30, choices=ItemKind.choices)
    label = models.CharField(_("label"), max_length=100, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)
    rule = models.CharField(_("scoring rule"), max_length=10, choices=ScoringRule.choices, default=ScoringRule.LINEAR)
    cap = models.DecimalField(_("cap"), max_digits=7, decimal_places=2, default=Decimal("100.00"))
    tiers = models.JSONField(_("tiers"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("appraisal item")
        verbose_name_plural = _("appraisal items")
        ordering = ["scheme", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0, weight__lte=100), name="appraisal_item_weight_range"),
            models.CheckConstraint(condition=Q(cap__gte=0), name="appraisal_item_cap_not_negative"),
        ]

    def __str__(self):
        return f"{self.display_label} ({self.weight})"

    @property
    def display_label(self):
        return self.label or self.get_kind_display()

    @property
    def is_manual(self):
        return self.kind == ItemKind.MANUAL


class AppraisalRun(models.Model):
    """One scoring of a scheme for a period (考核): every active person of the scheme's role inside
    `unit` gets an AppraisalScore. Recomputing replaces the computed figures and keeps what the managers
    entered by hand."""

    scheme = models.ForeignKey(AppraisalScheme, on_delete=models.PROTECT, related_name="runs", verbose_name=_("scheme"))
    period = PeriodField(_("period"))
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("org unit"))
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("computed by"),
    )
    people = models.PositiveIntegerField(_("people"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_spec = ScopeSpec(path="unit__path")
    objects = ReachQuerySet.as_manager()

    class Meta:
        verbose_name = _("appraisal run")
        verbose_name_plural = _("appraisal runs")
        ordering = ["-period", "scheme__role", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "period", "unit"], name="appraisal_run_once")]

    def __str__(self):
        return f"{self.scheme.name} {self.period} {self.unit.name}"

    def get_absolute_url(self):
        return reverse("appraisal:run_detail", kwargs={"pk": self.pk})


class AppraisalScore(models.Model):
    """A person's result in a run: the weighted total of the item scores (Decimal, 2 places) and the rank
    among peers — the same role under the same parent unit (a salesperson's district; a manager's
    unit's parent) — and company-wide (within the run). `unit` is where the person sat when scored."""

    run = models.ForeignKey(AppraisalRun, on_delete=models.CASCADE, related_name="scores", verbose_name=_("run"))
    staff = models.ForeignKey("regions.StaffProfile", on_delete=models.PROTECT, related_name="+", verbose_name=_("staff member"))
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("org unit"))
    peer_unit = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("peer group unit")
    )
    total = models.DecimalField(_("total score"), default=Decimal("0.00"), **SCORE)
    rank_peers = models.PositiveIntegerField(_("rank among peers"), null=True, blank=True)
    rank_company = models.PositiveIntegerField(_("rank company-wide"), null=True, blank=True)

    scope_spec = ScopeSpec(path="unit__path", owner="staff")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("appraisal score")
        verbose_name_plural = _("appraisal scores")
        ordering = ["run", "rank_company", "staff__employee_no"]
        constraints = [models.UniqueConstraint(fields=["run", "staff"], name="appraisal_score_once")]
        indexes = [models.Index(fields=["run", "unit"], name="appraisal_score_run_unit")]

    def __str__(self):
        return f"{self.run_id} {self.staff_id}: {self.total}"

    def get_absolute_url(self):
        return reverse("appraisal:score_detail", kwargs={"pk": self.pk})


class ScoreItem(models.Model):
    """One item of a person's score: the computed figures (`target`, `actual`, `rate` — the overdue share
    for that item), the item score, and for a manual item the score and comment a manager entered.
    A recomputation rewrites the computed columns only."""

    score = models.ForeignKey(AppraisalScore, on_delete=models.CASCADE, related_name="items", verbose_name=_("score"))
    item = models.ForeignKey(SchemeItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=2, null=True, blank=True)
    actual = models.DecimalField(_("actual"), max_digits=18, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField(_("rate"), max_digits=12, decimal_places=4, null=True, blank=True)
    item_score = models.DecimalField(_("item score"), null=True, blank=True, **SCORE)
    manual_score = models.DecimalField(_("manual score"), null=True, blank=True, **SCORE)
    comment = models.TextField(_("comment"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("scored by")
    )
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appraisal score item")
        verbose_name_plural = _("appraisal score items")
        ordering = ["score", "item__order", "item_id"]
        constraints = [models.UniqueConstraint(fields=["score", "item"], name="appraisal_score_item_once")]

    def __str__(self):
        return f"{self.score_id}/{self.item_id}: {self.item_score}"


# --- incentives -----------------------------------------------------------------------------------
class IncentiveScheme(models.Model):
    """An incentive scheme (激励办法) for branches of different scale (不同经营规模): each district office
    (or salesperson) falls into a scale class by last year's sales; within its class, the period's sales
    attainment picks a tier, which pays a share of the period's sales and/or a fixed amount."""

    name = models.CharField(_("name"), max_length=200)
    subject = models.CharField(_("pays"), max_length=20, choices=IncentiveSubject.choices, default=IncentiveSubject.DISTRICT)
    unit = models.ForeignKey(
        "regions.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("org unit"),
        help_text=_("Empty: the whole company."),
    )
    valid_from = models.DateField(_("valid from"))
    is_active = models.BooleanField(_("in force"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_spec = ScopeSpec(path="unit__path")
    objects = ReachQuerySet.as_manager()

    class Meta:
        verbose_name = _("incentive scheme")
        verbose_name_plural = _("incentive schemes")
        ordering = ["-valid_from", "name", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("appraisal:incentive_detail", kwargs={"pk": self.pk})


class ScaleClass(models.Model):
    """A scale class of an incentive scheme (small, medium, large…): the subjects whose last-year sales
    reach `min_sales` (and not the next class's)."""

    scheme = models.ForeignKey(IncentiveScheme, on_delete=models.CASCADE, related_name="classes", verbose_name=_("scheme"))
    name = models.CharField(_("name"), max_length=50)
    min_sales = MoneyField(_("last year's sales from"), default=Decimal("0.00"))

    class Meta:
        verbose_name = _("scale class")
        verbose_name_plural = _("scale classes")
        ordering = ["scheme", "min_sales", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "min_sales"], name="incentive_class_threshold_once"),
            models.CheckConstraint(condition=Q(min_sales__gte=0), name="incentive_class_threshold_not_negative"),
        ]

    def __str__(self):
        return self.name


class IncentiveTier(models.Model):
    """An attainment tier of a scale class: from `min_attainment` percent of the sales target, the bonus is
    `bonus_rate` percent of the period's sales plus `fixed_amount`."""

    scale_class = models.ForeignKey(ScaleClass, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("scale class"))
    min_attainment = models.DecimalField(_("attainment from (%)"), max_digits=7, decimal_places=2)
    bonus_rate = models.DecimalField(_("bonus (percent of sales)"), max_digits=7, decimal_places=4, default=Decimal("0"))
    fixed_amount = MoneyField(_("fixed bonus"), default=Decimal("0.00"))

    class Meta:
        verbose_name = _("incentive tier")
        verbose_name_plural = _("incentive tiers")
        ordering = ["scale_class", "min_attainment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scale_class", "min_attainment"], name="incentive_tier_threshold_once"),
            models.CheckConstraint(
                condition=Q(min_attainment__gte=0, bonus_rate__gte=0, fixed_amount__gte=0), name="incentive_tier_not_negative"
            ),
        ]

    def __str__(self):
        return f"≥{self.min_attainment}%: {self.bonus_rate}% + {self.fixed_amount}"


# --- reward proposals -----------------------------------------------------------------------------
class RewardProposal(models.Model):
    """A proposal to reward a unit or a person (奖励), or a special award (专项奖励), for a period: an
    amount and the reason, decided through the approvals chain (the center; large amounts end with the
    director). Scope: the unit's subtree; a salesperson sees the proposals about themselves."""

    kind = models.CharField(_("kind"), max_length=20, choices=RewardKind.choices, default=RewardKind.REWARD)
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("org unit"))
    staff = models.ForeignKey(
        "regions.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("staff member"),
        help_text=_("Empty: the reward goes to the unit."),
    )
    period = PeriodField(_("period"))
    amount = MoneyField(_("amount"))
    reason = models.TextField(_("reason"))
    state = models.CharField(_("state"), max_length=10, choices=ProposalState.choices, default=ProposalState.DRAFT)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    scope_spec = ScopeSpec(path="unit__path", owner="staff")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reward proposal")
        verbose_name_plural = _("reward proposals")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="reward_amount_positive")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period}: {money(self.amount)}"  # shown as the subject of a request

    def get_absolute_url(self):
        return reverse("appraisal:reward_detail", kwargs={"pk": self.pk})

    @property
    def is_editable(self):
        return self.state == ProposalState.DRAFT
