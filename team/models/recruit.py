"""Headcount and recruitment (招聘), issue 19.

A manager asks for headcount — seats of one role at one unit — through the one approval mechanism
(`HeadcountRequest`, ApprovalKind.HEADCOUNT_REQUEST: the regional manager, then the Development Center). Each
approved seat opens a `Vacancy`; people who apply for it are `Candidate`s moving through their stages
(applied → interviewed → offered → hired, or withdrawn on the way) with `Interview` notes (who, when, what they
thought). Hiring a candidate puts them in the staff archive through regions' `staff_hire` (the profile, its first
position, the audit trail) and fills the vacancy.

Scope: every row lives where its unit lives (a manager reads their subtree's). Sales staff read none of it:
the owner of a request (and so of its vacancies and candidates) is the manager who asked for it, never a
salesperson — a candidate's personal data and interview notes are not their future colleagues' to read.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import audit_history
from core.roles import Role
from core.scoping import ScopedQuerySet, ScopeSpec

# At most this many seats in one request: a district office has a handful of people, a request for more is a
# mistake (a reorganisation goes through the org tree, not headcount).
MAX_HEADCOUNT = 20


class HeadcountState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for revision")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class VacancyState(models.TextChoices):
    OPEN = "open", _("Open")
    FILLED = "filled", _("Filled")
    CANCELLED = "cancelled", _("Cancelled")


class CandidateStage(models.TextChoices):
    APPLIED = "applied", _("Applied")
    INTERVIEWED = "interviewed", _("Interviewed")
    OFFERED = "offered", _("Offered")
    HIRED = "hired", _("Hired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class InterviewAssessment(models.TextChoices):
    STRONG = "strong", _("Strongly recommend")
    RECOMMEND = "recommend", _("Recommend")
    HOLD = "hold", _("Undecided")
    REJECT = "reject", _("Do not recommend")


class HeadcountRequest(models.Model):
    """A request for `headcount` more seats of `role` at `unit` (招聘需求 / 编制申请), with the reason, decided by the
    approval chain; once approved, one vacancy per seat is opened."""

    unit = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="headcount_requests", verbose_name=_("org unit")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    title = models.CharField(_("position"), max_length=50, blank=True)
    headcount = models.PositiveSmallIntegerField(_("headcount"))
    reason = models.TextField(_("reason"))
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=HeadcountState.choices, default=HeadcountState.DRAFT)
    requested_by = models.ForeignKey(
        "regions.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    history = audit_history()
    scope_spec = ScopeSpec(path="unit__path", owner="requested_by")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("headcount request")
        verbose_name_plural = _("headcount requests")
        ordering = ["-id"]
        indexes = [models.Index(fields=["unit", "state"], name="headcount_request_unit_state")]
        constraints = [
            models.CheckConstraint(
                condition=Q(headcount__gte=1, headcount__lte=MAX_HEADCOUNT), name="headcount_request_headcount_range"
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.get_role_display()} × {self.headcount}"

    def get_absolute_url(self):
        return reverse("team:headcount_request_detail", args=[self.pk])


class Vacancy(models.Model):
    """One approved seat of a role at a unit: open until a candidate is hired into it (filled) or it is given up
    (cancelled). `closed_on` is the day it was filled or cancelled; days open run from `opened_on` to it (or to
    today while open)."""

    request = models.ForeignKey(
        HeadcountRequest, on_delete=models.PROTECT, related_name="vacancies", verbose_name=_("headcount request")
    )
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="vacancies", verbose_name=_("org unit"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    title = models.CharField(_("position"), max_length=50, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=VacancyState.choices, default=VacancyState.OPEN)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    filled_by = models.OneToOneField(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("filled by")
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)

    history = audit_history()
    scope_spec = ScopeSpec(path="unit__path", owner="request__requested_by")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["unit", "state"], name="vacancy_unit_state")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="open", closed_on__isnull=True) | (~Q(state="open") & Q(closed_on__isnull=False)),
                name="vacancy_closed_has_day",
            ),
            models.CheckConstraint(
                condition=Q(state="filled", filled_by__isnull=False) | (~Q(state="filled") & Q(filled_by__isnull=True)),
                name="vacancy_filled_has_person",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")), name="vacancy_closes_after_opening"
            ),
        ]

    def __str__(self):
        return f"{self.unit.name} · {self.get_role_display()} #{self.pk}"

    def get_absolute_url(self):
        return reverse("team:vacancy_detail", args=[self.pk])

    def days_open(self, today=None):
        """Days from opening to filling or cancelling (to `today` while open)."""
        end = self.closed_on or today or timezone.localdate()
        return (end - self.opened_on).days


class Candidate(models.Model):
    """A person applying for a vacancy, and how far they have come: applied → interviewed → offered → hired, or
    withdrawn at any stage before hiring. `staff` is their staff profile once hired."""

    vacancy = models.ForeignKey(Vacancy, on_delete=models.PROTECT, related_name="candidates", verbose_name=_("vacancy"))
    name = models.CharField(_("full name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=CandidateStage.choices, default=CandidateStage.APPLIED)
    applied_on = models.DateField(_("applied on"))
    stage_changed_on = models.DateField(_("stage changed on"))
    note = models.TextField(_("note"), blank=True)
    staff = models.OneToOneField(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("staff member")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = audit_history()
    scope_spec = ScopeSpec(path="vacancy__unit__path", owner="vacancy__request__requested_by")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["-applied_on", "-id"]
        indexes = [models.Index(fields=["vacancy", "stage"], name="candidate_vacancy_stage")]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage="hired", staff__isnull=False) | (~Q(stage="hired") & Q(staff__isnull=True)),
                name="candidate_hired_has_profile",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("team:candidate_detail", args=[self.pk])

    @property
    def state(self):
        """The stage, for the shared state badge."""
        return self.stage

    def get_state_display(self):
        return self.get_stage_display()


class Interview(models.Model):
    """One interview of a candidate: who held it, on which day, their assessment and notes."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="interviews", verbose_name=_("candidate"))
    interviewer = models.ForeignKey(
        "regions.StaffProfile", on_delete=models.PROTECT, related_name="+", verbose_name=_("interviewer")
    )
    held_on = models.DateField(_("held on"))
    assessment = models.CharField(_("assessment"), max_length=20, choices=InterviewAssessment.choices)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_spec = ScopeSpec(path="candidate__vacancy__unit__path", owner="candidate__vacancy__request__requested_by")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["held_on", "id"]

    def __str__(self):
        return f"{self.candidate_id} · {self.held_on}"


__all__ = [
    "MAX_HEADCOUNT",
    "InterviewAssessment",
    "Candidate",
    "CandidateStage",
    "HeadcountRequest",
    "HeadcountState",
    "Interview",
    "Vacancy",
    "VacancyState",
]
