"""Business reports (业务月报、季报): the figures of a region or of the whole company for a month or a
quarter, built from the summaries by Celery, kept as built, annotated by the manager and submitted to
the Development Center."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.jobs import HeartbeatJob
from core.periods import PeriodField
from core.scoping import ScopedQuerySet, ScopeSpec
from reports.choices import ACTIVE_RUN_STATES, ReportKind, ReportState, RunState


class BusinessReport(models.Model):
    """A business report (业务报告) of one unit — a region, or the company (the center unit) — for one month
    (月报) or quarter (季报).

    `data` holds every figure as it was built, with what it was built from (the as-of date, the build
    moment and the number of summary rows read), so a report stays readable as submitted even after
    late corrections to the facts. Rebuilding replaces `data` in one transaction and keeps the analysis
    and any open approval; an approved report is never rebuilt (reports.services.report_build). An approval
    subject (reports/approval_subjects.py): its state follows the decision on it.

    Scope: whoever's scope covers the report's unit (the center all, a regional manager their region's).
    """

    unit = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="business_reports", verbose_name=_("org unit")
    )
    period = PeriodField(_("period"))
    kind = models.CharField(_("kind"), max_length=12, choices=ReportKind.choices)
    state = models.CharField(_("state"), max_length=12, choices=ReportState.choices, default=ReportState.BUILT)
    data = models.JSONField(_("figures"), default=dict, encoder=DjangoJSONEncoder)
    analysis = models.TextField(_("analysis"), blank=True)
    built_at = models.DateTimeField(_("built at"), default=timezone.now)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("built by")
    )
    run = models.ForeignKey(
        "reports.ReportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("build run")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_spec = ScopeSpec(path="unit__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("business report")
        verbose_name_plural = _("business reports")
        ordering = ["-period", "kind", "unit__path", "id"]
        indexes = [models.Index(fields=["period", "kind"], name="report_period_kind")]
        constraints = [models.UniqueConstraint(fields=["unit", "period", "kind"], name="report_one_per_unit_period_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period} {self.unit.name}"

    def get_absolute_url(self):
        return reverse("reports:report_detail", kwargs={"pk": self.pk})

    @property
    def title(self):
        return f"{self.unit.name} {self.period} {self.get_kind_display()}"


class ReportRun(HeartbeatJob):
    """One attempt to build a business report (a job): queued, running, succeeded or failed, with its
    progress for the page to show. At most one run per unit × period × kind is queued or running at a
    time (a database constraint), so a report requested twice at once is built once. A worker holds a
    running run by its heartbeat (core/jobs.py); a run whose worker died is failed by the reaper."""

    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("org unit"))
    period = PeriodField(_("period"))
    kind = models.CharField(_("kind"), max_length=12, choices=ReportKind.choices)
    state = models.CharField(_("state"), max_length=12, choices=RunState.choices, default=RunState.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.TextField(_("message"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    report = models.ForeignKey(
        BusinessReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs", verbose_name=_("business report")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    scope_spec = ScopeSpec(path="unit__path")
    objects = ScopedQuerySet.as_manager()

    job_state_field = "state"
    job_held_states = (RunState.RUNNING,)

    class Meta:
        verbose_name = _("report build run")
        verbose_name_plural = _("report build runs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "period", "kind"], name="reportrun_unit_period_kind")]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "kind"],
                condition=Q(state__in=[str(state) for state in ACTIVE_RUN_STATES]),
                name="reportrun_one_active",
            ),
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="reportrun_progress_0_100"),
        ]

    def __str__(self):
        return f"{self.unit_id} {self.period} {self.kind}: {self.state} {self.progress}%"

    @property
    def is_active(self):
        return self.state in ACTIVE_RUN_STATES

    @classmethod
    def job_failure(cls, message):
        return {"state": RunState.FAILED, "message": str(message)[:2000], "finished_at": timezone.now()}
