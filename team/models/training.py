"""Training (培训), issue 19: the course catalogue, sessions, enrolments with attendance and scores, and the
reminders of mandatory training that is due.

- A **course** is company-wide (the Development Center keeps the catalogue): its topic, kind, hours, pass mark,
  the roles for which it is mandatory and how long a pass stays valid.
- A **session** is one run of a course: when, where (or online), by which trainer, for how many people. It is run
  by a unit — the center for the whole company, a region, province or district office for its own subtree — and
  is read by the people it is for (that subtree) and by the managers above the unit that runs it.
- An **enrolment** puts one person on one session (by a manager of their subtree, or by the person themself);
  after the session its attendance and score are recorded, and whether the person passed.
- A **reminder** row says a person was told in a given week that a mandatory course is due (one per person,
  course and ISO week: the beat job's idempotency).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from core.scoping import CompanyWideQuerySet, ScopedQuerySet, ScopeSpec

PATH_SEPARATOR = "/"


class CourseKind(models.TextChoices):
    PRODUCT = "product", _("Product knowledge")
    COMPLIANCE = "compliance", _("Compliance")
    SALES = "sales", _("Sales skills")
    MANAGEMENT = "management", _("Management")


class SessionState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class EnrolmentState(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    CANCELLED = "cancelled", _("Cancelled")


class Course(models.Model):
    """A training course of the company's catalogue (课程): what it teaches (topic, kind), how long it is (hours),
    the score that passes it, the roles for which it is mandatory and for how many months a pass counts
    (empty: a pass counts for good). Kept by the Development Center; everyone inside the organisation reads it."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CourseKind.choices)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark"), null=True, blank=True, help_text=_("Empty: attending the session completes the course.")
    )
    mandatory_roles = models.JSONField(_("mandatory for roles"), default=list, blank=True)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"), null=True, blank=True, help_text=_("Empty: a pass counts for good.")
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = CompanyWideQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_course_hours_positive"),
            models.CheckConstraint(
                condition=Q(pass_mark__isnull=True) | Q(pass_mark__lte=100), name="training_course_pass_mark_range"
            ),
            models.CheckConstraint(
                condition=Q(validity_months__isnull=True) | Q(validity_months__gt=0), name="training_course_validity_positive"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.code})"

    def get_absolute_url(self):
        return reverse("team:course_detail", args=[self.pk])

    @property
    def mandatory_role_labels(self):
        labels = dict(Role.choices)
        return [labels.get(role, role) for role in self.mandatory_roles]

    def is_mandatory_for(self, role):
        return role in self.mandatory_roles


def ancestor_paths(path):
    """The materialised paths of a unit and of every unit above it (`/1/3/12/` → `/1/`, `/1/3/`, `/1/3/12/`)."""
    parts = [part for part in path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR) if part]
    return [PATH_SEPARATOR + PATH_SEPARATOR.join(parts[: n + 1]) + PATH_SEPARATOR for n in range(len(parts))]


class TrainingSessionQuerySet(ScopedQuerySet):
    """A session is read by the people it is for — the subtree of the unit that runs it — and by the managers
    above that unit: a principal reads the sessions of their own subtree and those run by their unit's
    ancestors (a salesperson reads those of their district and above, the ones they may join)."""

    def for_scope(self, scope):
        if scope.everything:
            return self.all()
        if scope.path is None:
            return self.none()
        above = Q(unit__path__in=ancestor_paths(scope.path))
        if scope.own_only:
            return self.filter(above)
        return self.filter(above | Q(unit__path__startswith=scope.path))


class TrainingSession(models.Model):
    """One run of a course (培训班次): its dates and times, its place or online, its trainer and its capacity, run
    by the center company-wide or by a unit for its own subtree."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("course"))
    unit = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="training_sessions", verbose_name=_("run by")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    online = models.BooleanField(_("online"), default=False)
    place = models.CharField(_("place or link"), max_length=200, blank=True)
    trainer = models.CharField(_("trainer"), max_length=100)
    capacity = models.PositiveIntegerField(_("capacity"))
    state = models.CharField(_("state"), max_length=20, choices=SessionState.choices, default=SessionState.SCHEDULED)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_spec = ScopeSpec(path="unit__path")
    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["unit", "starts_at"], name="training_session_unit_start")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="training_session_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="training_session_capacity_positive"),
        ]

    def __str__(self):
        return f"{self.course.title} · {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("team:training_session_detail", args=[self.pk])

    def is_open_to(self, person):
        """True if `person` works in the subtree the session is for."""
        return person.unit.path.startswith(self.unit.path)


class Enrolment(models.Model):
    """A person on a session (报名): enrolled by a manager of their subtree or by themself; after the session,
    whether they attended, their score and whether it passed (`hours` are the course's hours, copied when the
    attendance is recorded, so a later change of the catalogue does not rewrite what was trained)."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("training session")
    )
    person = models.ForeignKey(
        "regions.StaffProfile", on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("person")
    )
    state = models.CharField(_("state"), max_length=20, choices=EnrolmentState.choices, default=EnrolmentState.ENROLLED)
    self_enrolled = models.BooleanField(_("self-enrolled"), default=False)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    hours = models.DecimalField(_("hours trained"), max_digits=5, decimal_places=1, default=0)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("enrolled by")
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    scope_spec = ScopeSpec(path="person__unit__path", owner="person")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-session__starts_at", "-id"]
        indexes = [models.Index(fields=["person", "passed"], name="training_enrolment_person")]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="training_enrolment_once_per_session"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)), name="training_enrolment_score_range"
            ),
            models.CheckConstraint(condition=Q(hours__gte=0), name="training_enrolment_hours_not_negative"),
        ]

    def __str__(self):
        return f"{self.person_id} @ {self.session_id}"

    def get_absolute_url(self):
        return self.session.get_absolute_url()


class TrainingReminder(models.Model):
    """A reminder sent to a person that a mandatory course is due: at most one per person, course and ISO week
    (`week` is that week's Monday), so the daily job may run any number of times."""

    person = models.ForeignKey("regions.StaffProfile", on_delete=models.CASCADE, related_name="+", verbose_name=_("person"))
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+", verbose_name=_("course"))
    week = models.DateField(_("week (Monday)"))
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    scope_spec = ScopeSpec(path="person__unit__path", owner="person")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("training reminder")
        verbose_name_plural = _("training reminders")
        ordering = ["-week", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "course", "week"], name="training_reminder_once_a_week"),
        ]

    def __str__(self):
        return f"{self.person_id}/{self.course_id} {self.week}"
