from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.choices import OPEN_STATES, ApprovalKind, CalendarDayKind, EventAction, RequestState, StepKind, StepState
from core.money import MoneyField
from core.roles import ROLE_TABLE, Role, Sees, can, staff_of
from core.scoping import ScopedQuerySet, ScopeSpec, scope_of

# Roles that read only their own records (sales staff): they can hold no one else's approval step.
OWN_RECORD_ROLES = tuple(role for role, spec in ROLE_TABLE.items() if spec.sees == Sees.OWN)


class ApprovalRequestQuerySet(ScopedQuerySet):
    def for_user(self, principal):
        """The scope rule, extended for the chain: what a person may read of approval requests.

        A request is readable by whoever's scope covers its unit (the rule of every unit-owned model),
        AND by the people the request itself involves, wherever they sit: its submitter, every approver
        named on a step (including a person it was forwarded to or added as a reviewer), the holders of
        a pool step's post, an active delegate of a named approver — only a delegation within reach
        (`DelegationQuerySet.effective_on`), so a delegation never widens what its delegate reads — and
        anyone who already acted on it.
        Without this a forwarded-to colleague in another region could not open what waits for them, and
        a delegate could not read what they are asked to decide. `for_scope`/`for_unit` (tasks, reports)
        keep the plain unit rule: a Scope has no person to be on a chain.
        """
        scope = scope_of(principal)
        base = self.for_scope(scope)
        staff = staff_of(principal, active=True)
        if scope.everything or staff is None or getattr(principal, "principal_role", None):
            return base
        return self.filter(Q(pk__in=base.values("pk")) | self._chain_q(principal, staff))

    def _chain_q(self, user, staff):
        delegators = Delegation.objects.effective_on(timezone.localdate()).filter(to_staff=staff).values("from_staff")
        on_chain = ApprovalStep.objects.filter(
            Q(approver=staff)
            | Q(approver__in=delegators)
            | Q(approver__isnull=True, approver_role=staff.role, approver_unit_id=staff.unit_id)
        ).values("request_id")
        acted = ApprovalEvent.objects.filter(actor=user).values("request_id")
        return Q(submitted_by=user) | Q(submitted_by_staff=staff) | Q(pk__in=on_chain) | Q(pk__in=acted)

    def waiting(self):
        return self.filter(state=RequestState.SUBMITTED)

    def latest_versions(self):
        """One row per subject and kind: versions superseded by a re-submission are left out."""
        return self.filter(next_version__isnull=True)

    def with_overdue(self, now):
        """Annotate `overdue`: still waiting and past its due time (an SLA breach)."""
        return self.annotate(
            overdue=models.Case(
                models.When(state=RequestState.SUBMITTED, due_at__lt=now, then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )


class ApprovalRequest(models.Model):
    """One version of a matter submitted for a decision (报审): a plan, budget, proposal or filing.

    It points at its subject through a generic relation, freezes what was submitted in `snapshot`,
    and carries its chain of steps and every transition (events). A re-submission after a return is a
    new row with `version + 1` linked through `previous`, so each version's snapshot stays as decided.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("subject type"))
    object_id = models.PositiveBigIntegerField(_("subject id"))
    subject = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=30, choices=ApprovalKind.choices)
    unit = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="approval_requests", verbose_name=_("submitting unit")
    )
    title = models.CharField(_("title"), max_length=200)
    amount = MoneyField(_("amount"), null=True, blank=True)
    snapshot = models.JSONField(_("submitted content"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version", verbose_name=_("previous version")
    )
    state = models.CharField(_("state"), max_length=12, choices=RequestState.choices, default=RequestState.DRAFT)
    current_step = models.ForeignKey(
        "ApprovalStep", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("current step")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_by_staff = models.ForeignKey(
        "regions.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approval_submissions",
        verbose_name=_("submitter"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    # The last day the approvers were reminded of this overdue request (one reminder per day).
    reminded_on = models.DateField(_("last reminded on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_spec = ScopeSpec(path="unit__path", owner="submitted_by_staff")
    objects = ApprovalRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["submitted_at", "id"]
        indexes = [
            models.Index(fields=["state", "due_at"], name="approval_state_due"),
            models.Index(fields=["content_type", "object_id", "kind"], name="approval_subject"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind"],
                condition=Q(state__in=OPEN_STATES),
                name="approval_one_open_per_subject",
            ),
            models.UniqueConstraint(fields=["content_type", "object_id", "kind", "version"], name="approval_version_unique"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0), name="approval_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.title} v{self.version}"


class ApprovalStep(models.Model):
    """One reviewer's place in a request's chain (审批节点).

    A step names a person (`approver`) or, when `approver` is empty, a pool: whoever holds
    `approver_role` on `approver_unit` (any Development Center staff member for center steps, or the
    holder of a post that was vacant when the chain was derived).
    """

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="steps", verbose_name=_("request"))
    order = models.PositiveSmallIntegerField(_("order"))
    approver_role = models.CharField(_("approver role"), max_length=20, choices=Role.choices)
    approver_unit = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("approver unit")
    )
    approver = models.ForeignKey(
        "regions.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approval_steps",
        verbose_name=_("approver"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=StepKind.choices, default=StepKind.NORMAL)
    state = models.CharField(_("state"), max_length=10, choices=StepState.choices, default=StepState.PENDING)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["request", "order"]
        constraints = [models.UniqueConstraint(fields=["request", "order"], name="approval_step_order_unique")]

    def __str__(self):
        who = self.approver or self.get_approver_role_display()
        return f"#{self.order} {who} ({self.state})"

    @property
    def is_pool(self):
        return self.approver_id is None


class ApprovalEvent(models.Model):
    """One transition of a request (审批记录): who did what, when, from which state to which, and why.

    Append-only: the record of decisions is never edited or deleted.
    """

    request = models.ForeignKey(ApprovalRequest, on_delete=models.PROTECT, related_name="events", verbose_name=_("request"))
    step = models.ForeignKey(
        ApprovalStep, null=True, blank=True, on_delete=models.PROTECT, related_name="events", verbose_name=_("step")
    )
    action = models.CharField(_("action"), max_length=12, choices=EventAction.choices)
    from_state = models.CharField(_("from state"), max_length=12, choices=RequestState.choices, blank=True)
    to_state = models.CharField(_("to state"), max_length=12, choices=RequestState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("acted by")
    )
    actor_staff = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("by staff")
    )
    # Set when the actor acted for someone else (as delegate, or the director overriding the approver).
    on_behalf_of = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("on behalf of")
    )
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    at = models.DateTimeField(_("acted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("approval event")
        verbose_name_plural = _("approval events")
        ordering = ["request", "at", "id"]

    def __str__(self):
        return f"{self.request_id} {self.action} {self.from_state}→{self.to_state}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RuntimeError("Approval events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Approval events are append-only.")


class DelegationQuerySet(ScopedQuerySet):
    def for_user(self, principal):
        """The scope rule, plus one's own delegations: a delegate reads what they received even when the
        person who went away sits outside their subtree."""
        scope = scope_of(principal)
        base = self.for_scope(scope)
        staff = staff_of(principal, active=True)
        if scope.everything or staff is None or getattr(principal, "principal_role", None):
            return base
        return self.filter(Q(pk__in=base.values("pk")) | Q(from_staff=staff) | Q(to_staff=staff))

    def own(self, staff):
        """Delegations the person gave or received."""
        return self.filter(Q(from_staff=staff) | Q(to_staff=staff))

    def active_on(self, day):
        return self.filter(starts_on__lte=day, ends_on__gte=day, revoked_at__isnull=True)

    def within_reach(self):
        """Delegations whose delegate's scope covers the delegator's: the delegate sits on the delegator's
        unit or above it (the center is the root, so it is above every unit) and is not someone who reads
        only their own records. The rule `delegation_create` enforces; rows made before it (or whose
        people moved since) that break it are ignored by `effective_on`, so they never let anyone read
        or decide outside their scope."""
        return self.filter(from_staff__unit__path__startswith=F("to_staff__unit__path")).exclude(
            to_staff__role__in=OWN_RECORD_ROLES
        )

    def effective_on(self, day):
        """The delegations that let their delegate act (and read) for the delegator on `day`."""
        return self.active_on(day).within_reach()


class Delegation(models.Model):
    """While someone is away (出差、休假), their pending steps may be acted on by a delegate (代理审批)."""

    from_staff = models.ForeignKey(
        "regions.StaffProfile", on_delete=models.PROTECT, related_name="delegations_given", verbose_name=_("away")
    )
    to_staff = models.ForeignKey(
        "regions.StaffProfile", on_delete=models.PROTECT, related_name="delegations_received", verbose_name=_("delegate")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    scope_spec = ScopeSpec(path="from_staff__unit__path", owner="from_staff")
    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="delegation_ends_after_start"),
            models.CheckConstraint(condition=~Q(from_staff=F("to_staff")), name="delegation_not_to_self"),
        ]

    def __str__(self):
        return f"{self.from_staff} → {self.to_staff} {self.starts_on}–{self.ends_on}"


class CalendarDayQuerySet(models.QuerySet):
    def for_user(self, principal):
        """The working calendar is company-wide reference data that only the Development Center keeps:
        the center reads all of it, nobody else reads it through a page (everyone lives by it through SLAs)."""
        return self if can(principal, "calendar.change") else self.none()

    def of_year(self, year):
        return self.filter(day__year=year)


class CalendarDay(models.Model):
    """One exception to the Monday–Friday week on China's working calendar (工作日历): a public holiday
    that is a day off, or a make-up working day (调休上班) on a weekend. Days not listed follow the week.

    The State Council publishes the next year's schedule late in the year; the Development Center enters it
    on the calendar page. Approval SLAs (due dates, overdue working days, escalation) and task escalation
    count working days from this table (`approvals.calendar`). A year with no entries at all is counted
    Monday to Friday, and the center is warned from 1 December while next year is still empty. The years
    the `chinese_calendar` package knew (2004–2026) were loaded from it by a data migration.
    """

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(_("holiday name"), max_length=100, blank=True, help_text=_("e.g. 春节, 国庆节"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("updated by")
    )

    objects = CalendarDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=["holiday", "workday"]), name="calendar_day_kind_valid")
        ]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()
