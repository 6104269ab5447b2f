from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.audit import audit_history
from core.scoping import ScopedQuerySet, ScopeSpec
from workflow.choices import TaskState


class TaskQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(state=TaskState.OPEN)

    def overdue(self, today):
        """Open tasks whose deadline has passed (due before `today`)."""
        return self.filter(state=TaskState.OPEN, due_on__lt=today)

    def with_overdue(self, today):
        """Annotate `is_overdue`: still open and due before `today`."""
        return self.annotate(
            is_overdue=Case(
                When(state=TaskState.OPEN, due_on__lt=today, then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )


class Task(models.Model):
    """A matter someone must get done (任务): every one has an owner, a supervisor and a deadline.

    Tasks come from actions in approved plans or are assigned by a manager to a subordinate (or by a
    person to themselves). An open task past its deadline reminds its owner daily and is escalated to
    the supervisor once. `source` points at what the task came from (e.g. a Plan), if anything.
    """

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="tasks", verbose_name=_("org unit"))
    owner = models.ForeignKey("regions.StaffProfile", on_delete=models.PROTECT, related_name="tasks", verbose_name=_("owner"))
    supervisor = models.ForeignKey(
        "regions.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_tasks",
        verbose_name=_("supervisor"),
    )
    due_on = models.DateField(_("due on"))
    state = models.CharField(_("state"), max_length=10, choices=TaskState.choices, default=TaskState.OPEN)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # The local date of completion, kept with completed_at so "done on time" is a plain date comparison
    # the database can aggregate.
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("completed by"),
    )
    completion_note = models.TextField(_("completion note"), blank=True)
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("source type")
    )
    object_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    source = GenericForeignKey("content_type", "object_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The daily job's marks: the last day the owner was reminded and the day it went to the supervisor.
    reminded_on = models.DateField(_("owner reminded on"), null=True, blank=True)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)

    history = audit_history()
    scope_spec = ScopeSpec(path="unit__path", owner="owner")
    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["state", "due_on"], name="task_state_due"),
            models.Index(fields=["owner", "state"], name="task_owner_state"),
            models.Index(fields=["content_type", "object_id"], name="task_source"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(state=TaskState.DONE) & Q(completed_at__isnull=False) & Q(completed_on__isnull=False))
                | (~Q(state=TaskState.DONE) & Q(completed_at__isnull=True) & Q(completed_on__isnull=True)),
                name="task_done_has_completed_at",
            ),
            models.CheckConstraint(
                condition=Q(content_type__isnull=True, object_id__isnull=True)
                | Q(content_type__isnull=False, object_id__isnull=False),
                name="task_source_both_or_neither",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="task_title_not_empty"),
            models.CheckConstraint(
                condition=~Q(state=TaskState.CANCELLED) | ~Q(cancelled_reason=""), name="task_cancelled_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(supervisor__isnull=True) | ~Q(supervisor=F("owner")), name="task_supervisor_not_owner"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workflow:task_detail", args=[self.pk])

    @property
    def source_url(self):
        source = self.source if self.content_type_id else None
        getter = getattr(source, "get_absolute_url", None)
        if getter is None:
            return ""
        try:
            return getter()
        except Exception:  # noqa: BLE001 — a source without a page simply shows no link
            return ""

    def is_overdue_on(self, today):
        return self.state == TaskState.OPEN and self.due_on < today

    @property
    def done_on_time(self):
        return self.state == TaskState.DONE and self.completed_on is not None and self.completed_on <= self.due_on
