"""Capability assessment (能力评估) and promotion recommendations (晋升建议), issue 19.

Capability: the Development Center sets a capability model per role (CapabilityModel, versioned: a new
version is drafted, approved through the approval mechanism and then current; old versions stay), each with
its competencies and their levels (Competency). An assessment cycle (AssessmentCycle, e.g. 2026-H2) is opened
by the center; in it each person assesses themselves first, then their direct manager assesses them
(Assessment + one AssessmentScore per competency), then the unit's manager may calibrate a level with a reason
before the cycle closes. The result of a competency is the calibrated level, else the manager's.

Promotions: a manager recommends a person of their subtree for a unit and role change (PromotionRecommendation)
with evidence gathered automatically (team.selectors.promo.promotion_evidence); the chain approves it and on its
effective date the change is applied through regions.services.staff_move.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from core.scoping import CompanyWideQuerySet, ScopedQuerySet, ScopeSpec


class ModelState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Current")
    SUPERSEDED = "superseded", _("Superseded")
    RETURNED = "returned", _("Returned for revision")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A model in these states may still be changed by the center.
MODEL_EDITABLE = (ModelState.DRAFT, ModelState.RETURNED, ModelState.WITHDRAWN)


class CycleState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class AssessmentState(models.TextChoices):
    SELF_ASSESSED = "self_assessed", _("Self-assessed")
    MANAGER_ASSESSED = "manager_assessed", _("Assessed by the manager")


class PromotionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved, waiting for its effective date")
    APPLIED = "applied", _("Applied")
    RETURNED = "returned", _("Returned for revision")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


PROMOTION_EDITABLE = (PromotionState.DRAFT, PromotionState.RETURNED, PromotionState.WITHDRAWN)


class CapabilityModel(models.Model):
    """One version of the capability model of a role (能力模型): the competencies a person of that role is
    assessed on. Company-wide, set by the Development Center; the approved version is the role's current one
    until a newer one is approved (then it is superseded and kept)."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(_("state"), max_length=12, choices=ModelState.choices, default=ModelState.DRAFT)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("previous version")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    objects = CompanyWideQuerySet.as_manager()

    class Meta:
        verbose_name = _("capability model")
        verbose_name_plural = _("capability models")
        ordering = ["role", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["role", "version"], name="capability_model_role_version"),
            models.UniqueConstraint(fields=["role"], condition=Q(state="approved"), name="capability_model_one_current_per_role"),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"

    def get_absolute_url(self):
        return reverse("team:capability_model_detail", args=[self.pk])

    @property
    def is_current(self):
        return self.state == ModelState.APPROVED


class Competency(models.Model):
    """One competency of a capability model (e.g. 客户开发): levels 1..`levels` and what each level means."""

    model = models.ForeignKey(
        CapabilityModel, on_delete=models.CASCADE, related_name="competencies", verbose_name=_("capability model")
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    levels = models.PositiveSmallIntegerField(_("highest level"), default=5)
    level_descriptions = models.JSONField(_("level descriptions"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = CompanyWideQuerySet.as_manager()

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["model", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["model", "code"], name="competency_code_per_model"),
            models.CheckConstraint(condition=Q(levels__gte=2, levels__lte=10), name="competency_levels_2_to_10"),
        ]

    def __str__(self):
        return self.name


class AssessmentCycle(models.Model):
    """An assessment cycle (评估周期), e.g. 2026-H2: opened by the Development Center; while it is open people
    assess themselves, managers assess their direct reports and calibrate; closed, its results are final."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    state = models.CharField(_("state"), max_length=10, choices=CycleState.choices, default=CycleState.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = CompanyWideQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment cycle")
        verbose_name_plural = _("assessment cycles")
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="cycle_ends_after_start")]

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("team:assessment_cycle_detail", args=[self.pk])

    @property
    def is_open(self):
        return self.state == CycleState.OPEN


class Assessment(models.Model):
    """A person's capability assessment in a cycle: made when they assess themselves, against the current model
    of their role; their direct manager (`manager`) assesses them after. `unit` and `role` are where the person
    sat then — the calibration view and the dashboard count them there."""

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("cycle"))
    staff = models.ForeignKey("regions.StaffProfile", on_delete=models.PROTECT, related_name="+", verbose_name=_("staff member"))
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("org unit"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    model = models.ForeignKey(CapabilityModel, on_delete=models.PROTECT, related_name="+", verbose_name=_("capability model"))
    state = models.CharField(_("state"), max_length=20, choices=AssessmentState.choices, default=AssessmentState.SELF_ASSESSED)
    self_comment = models.TextField(_("self-assessment comment"), blank=True)
    self_assessed_at = models.DateTimeField(_("self-assessed at"), default=timezone.now)
    manager = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("manager")
    )
    manager_comment = models.TextField(_("manager's comment"), blank=True)
    manager_assessed_at = models.DateTimeField(_("assessed by the manager at"), null=True, blank=True)

    scope_spec = ScopeSpec(path="unit__path", owner="staff")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("capability assessment")
        verbose_name_plural = _("capability assessments")
        ordering = ["-cycle__starts_on", "staff__employee_no"]
        constraints = [models.UniqueConstraint(fields=["cycle", "staff"], name="assessment_once_per_cycle")]
        indexes = [models.Index(fields=["cycle", "unit"], name="assessment_cycle_unit")]

    def __str__(self):
        return f"{self.cycle_id}/{self.staff_id}"

    def get_absolute_url(self):
        return reverse("team:assessment_detail", args=[self.pk])


class AssessmentScore(models.Model):
    """The levels of one competency in an assessment: the person's own, their manager's and, if the manager
    calibrated it, the calibrated level with its reason. The result is the calibrated level, else the manager's."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("assessment"))
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+", verbose_name=_("competency"))
    self_level = models.PositiveSmallIntegerField(_("self-assessed level"))
    manager_level = models.PositiveSmallIntegerField(_("manager's level"), null=True, blank=True)
    calibrated_level = models.PositiveSmallIntegerField(_("calibrated level"), null=True, blank=True)
    calibration_reason = models.CharField(_("calibration reason"), max_length=500, blank=True)
    calibrated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("calibrated by"),
    )
    calibrated_at = models.DateTimeField(_("calibrated at"), null=True, blank=True)

    scope_spec = ScopeSpec(path="assessment__unit__path", owner="assessment__staff")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("competency level")
        verbose_name_plural = _("competency levels")
        ordering = ["assessment", "competency__order", "competency_id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "competency"], name="assessment_score_once"),
            models.CheckConstraint(
                condition=Q(calibrated_level__isnull=True) | ~Q(calibration_reason=""), name="calibration_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.assessment_id}/{self.competency_id}"

    @property
    def result(self):
        return self.calibrated_level if self.calibrated_level is not None else self.manager_level


class PromotionRecommendation(models.Model):
    """A promotion recommendation (晋升建议): a manager proposes that a person of their subtree move to another
    unit and/or role from an effective date, with the evidence frozen when it is submitted. Approved by the chain
    above the person's unit, it is applied on its effective date through regions.services.staff_move (then
    `applied`, with the position it opened). Read where the person's unit at the time is read; the person reads
    their own."""

    staff = models.ForeignKey("regions.StaffProfile", on_delete=models.PROTECT, related_name="+", verbose_name=_("staff member"))
    from_unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("current unit"))
    from_role = models.CharField(_("current role"), max_length=20, choices=Role.choices)
    to_unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("new unit"))
    to_role = models.CharField(_("new role"), max_length=20, choices=Role.choices)
    to_title = models.CharField(_("new position title"), max_length=50, blank=True)
    effective_on = models.DateField(_("effective on"))
    reason = models.TextField(_("reason"))
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=PromotionState.choices, default=PromotionState.DRAFT)
    recommended_by = models.ForeignKey(
        "regions.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recommended by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)  # returned, rejected or withdrawn
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    position = models.ForeignKey(
        "regions.Position", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("position opened")
    )

    scope_spec = ScopeSpec(path="from_unit__path", owner="staff")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("promotion recommendation")
        verbose_name_plural = _("promotion recommendations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "effective_on"], name="promotion_state_effective")]

    def __str__(self):
        return f"{self.staff_id} → {self.to_role}@{self.to_unit_id}"

    def get_absolute_url(self):
        return reverse("team:promotion_detail", args=[self.pk])
