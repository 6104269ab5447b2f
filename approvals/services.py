"""The one approval mechanism: submit, decide, withdraw, nudge, forward, add a reviewer, escalate.

Every transition locks the request row (`select_for_update`) and checks the state under the lock, so
two reviewers acting at once produce exactly one decision: the second finds the request already
decided and gets a Conflict (409). Every transition is recorded as an ApprovalEvent.

A subject (plan, budget, proposal…) may define any of these methods; each is called inside the
transition's transaction, so an error there undoes the whole transition:

- `approval_snapshot()` → JSON-serialisable content frozen at submission when no snapshot is given;
- `on_approved(request)`, `on_returned(request)`, `on_rejected(request)`, `on_withdrawn(request)`;
- `get_absolute_url()` and `approval_review(request)` → (template name, context): read by the decision page.

Each transition tells the people it concerns (notifications.notify, inside the transaction; e-mail goes
out after the commit): the approvers of the step that is now current, the submitter of a final
decision, the new reviewer of a forward or an added step, the director of an escalation.
"""

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from approvals.calendar import add_working_days, working_days_between
from approvals.choices import ApprovalKind, BulkAction, EventAction, RequestState, StepKind, StepState
from approvals.models import ApprovalEvent, ApprovalRequest, ApprovalStep, Delegation
from approvals.selectors import within_reach
from core.errors import Conflict, DomainError, InvalidInput
from core.money import parse_money
from core.rights import NotAllowed
from core.roles import Role, role_of, staff_of
from core.scoping import scope_of
from notifications.choices import NotificationKind
from notifications.services import notify
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile

# ------------------------------------------------------------------------------------------ rules


class Route(StrEnum):
    # The manager one level above the submitting unit (a work plan: district → province → region → center).
    NEXT_MANAGER = "next_manager"
    # "报发展中心审核审批": the regional manager first when submitted below region level, then the center.
    CENTER = "center"


@dataclass(frozen=True)
class ChainRule:
    route: Route
    # Above this amount the director decides last (a threshold of the company's authority table).
    director_above: Decimal | None = None


BIG_AMOUNT = Decimal("1000000.00")

# The chain of every kind, in one place.
CHAIN_RULES = {
    ApprovalKind.PLAN_WORK: ChainRule(Route.NEXT_MANAGER),
    ApprovalKind.PLAN_MARKETING: ChainRule(Route.CENTER),
    ApprovalKind.PLAN_STRATEGY: ChainRule(Route.CENTER),
    ApprovalKind.PLAN_CHANNEL_EXPANSION: ChainRule(Route.CENTER),
    ApprovalKind.PLAN_PROMOTION: ChainRule(Route.CENTER),
    ApprovalKind.PLAN_PRODUCT_EXPANSION: ChainRule(Route.CENTER),
    ApprovalKind.PLAN_CUSTOMER_EXPANSION: ChainRule(Route.CENTER),
    ApprovalKind.PLAN_EXPENSE_PROFIT: ChainRule(Route.CENTER),
    ApprovalKind.PLAN_STAFF_DEVELOPMENT: ChainRule(Route.CENTER),
    ApprovalKind.BUDGET: ChainRule(Route.CENTER, director_above=BIG_AMOUNT),
    # Spending beyond budget: the manager above decides; large sums end with the director.
    ApprovalKind.EXPENSE_OVER_BUDGET: ChainRule(Route.NEXT_MANAGER, director_above=BIG_AMOUNT),
    ApprovalKind.BAD_DEBT: ChainRule(Route.CENTER, director_above=BIG_AMOUNT),
    ApprovalKind.CREDIT_LIMIT_EXCEPTION: ChainRule(Route.CENTER, director_above=BIG_AMOUNT),
    ApprovalKind.APPRAISAL_SCHEME: ChainRule(Route.CENTER),
    ApprovalKind.REWARD_PROPOSAL: ChainRule(Route.CENTER, director_above=BIG_AMOUNT),
    ApprovalKind.CONTRACT_FILING: ChainRule(Route.CENTER),
    ApprovalKind.REPORT: ChainRule(Route.CENTER),
}

# Service level per kind: a decision is due this many Chinese working days after submission.
SLA_DAYS = {
    ApprovalKind.PLAN_MARKETING: 5,
    ApprovalKind.PLAN_WORK: 3,
    ApprovalKind.PLAN_STRATEGY: 10,
    ApprovalKind.PLAN_CHANNEL_EXPANSION: 5,
    ApprovalKind.PLAN_PROMOTION: 3,
    ApprovalKind.PLAN_PRODUCT_EXPANSION: 5,
    ApprovalKind.PLAN_CUSTOMER_EXPANSION: 5,
    ApprovalKind.PLAN_EXPENSE_PROFIT: 5,
    ApprovalKind.PLAN_STAFF_DEVELOPMENT: 5,
    ApprovalKind.BUDGET: 5,
    ApprovalKind.EXPENSE_OVER_BUDGET: 3,
    ApprovalKind.BAD_DEBT: 5,
    ApprovalKind.CREDIT_LIMIT_EXCEPTION: 2,
    ApprovalKind.APPRAISAL_SCHEME: 10,
    ApprovalKind.REWARD_PROPOSAL: 5,
    ApprovalKind.CONTRACT_FILING: 3,
    ApprovalKind.REPORT: 3,
}


@dataclass(frozen=True)
class StepSpec:
    """One step of a derived chain: a named person, or (approver None) whoever holds the role on the unit."""

    approver_role: str
    approver_unit: OrgUnit
    approver: StaffProfile | None


def _holder(role, unit):
    """The active person holding `role` on `unit`, or None while the post is vacant."""
    return StaffProfile.objects.filter(unit=unit, role=role, is_active=True).order_by("pk").first()


def _person_step(role, unit):
    # A vacant post stays a pool step of that post: whoever is appointed to it later picks it up, and
    # the director can always act meanwhile.
    return StepSpec(approver_role=role, approver_unit=unit, approver=_holder(role, unit))


def _center():
    return OrgUnit.objects.get(kind=UnitKind.CENTER)


def _center_pool_step():
    return StepSpec(approver_role=Role.CENTER_STAFF, approver_unit=_center(), approver=None)


def _region_of(unit):
    if unit.kind == UnitKind.REGION:
        return unit
    return unit.ancestors().filter(kind=UnitKind.REGION).first()


def chain_for(*, kind, unit, amount=None, submitter=None):
    """The approver chain of a request of `kind` submitted by `unit`, derived from the org tree.

    `submitter` (a StaffProfile) matters for work plans only: a salesperson's goes to their own
    district manager rather than to the province.
    """
    rule = CHAIN_RULES.get(kind)
    if rule is None:
        raise InvalidInput(_("Unknown approval kind."), field="kind")
    steps = []
    if rule.route == Route.NEXT_MANAGER:
        if (
            unit.kind == UnitKind.DISTRICT
            and submitter is not None
            and submitter.role == Role.SALES_REP
            and submitter.unit_id == unit.pk
        ):
            steps.append(_person_step(Role.DISTRICT_MANAGER, unit))
        elif unit.kind == UnitKind.DISTRICT:
            steps.append(_person_step(Role.PROVINCIAL_MANAGER, unit.parent))
        elif unit.kind == UnitKind.PROVINCE:
            steps.append(_person_step(Role.REGIONAL_MANAGER, unit.parent))
        elif unit.kind == UnitKind.REGION:
            steps.append(_center_pool_step())
        else:
            steps.append(_person_step(Role.DIRECTOR, unit))
    else:
        if unit.kind in (UnitKind.PROVINCE, UnitKind.DISTRICT):
            steps.append(_person_step(Role.REGIONAL_MANAGER, _region_of(unit)))
        steps.append(_center_pool_step())
    if rule.director_above is not None and amount is not None and Decimal(amount) > rule.director_above:
        if steps[-1].approver_role != Role.DIRECTOR:
            steps.append(_person_step(Role.DIRECTOR, _center()))
    return steps


def due_at_for(*, kind, submitted_at):
    """End of the SLA_DAYS[kind]-th Chinese working day after submission (company time zone)."""
    tz = timezone.get_default_timezone()
    day = add_working_days(timezone.localtime(submitted_at, tz).date(), SLA_DAYS[kind])
    return datetime.combine(day, time(23, 59, 59), tzinfo=tz)


# ------------------------------------------------------------------------------------------ helpers


def _lock(request):
    return ApprovalRequest.objects.select_for_update().get(pk=request.pk)


def _record(*, request, action, from_state, by=None, step=None, comment="", on_behalf_of=None, data=None):
    return ApprovalEvent.objects.create(
        request=request,
        step=step,
        action=action,
        from_state=from_state,
        to_state=request.state,
        actor=by,
        actor_staff=staff_of(by),
        on_behalf_of=on_behalf_of,
        comment=comment,
        data=data or {},
    )


def _call_hook(request, name):
    subject = request.subject
    hook = getattr(subject, name, None) if subject is not None else None
    if callable(hook):
        hook(request)


def _clean_amount(amount):
    if amount is None or amount == "":
        return None
    wording = {"invalid": _("Enter the amount as a number, e.g. 1200.50."), "negative": _("The amount cannot be negative.")}
    return parse_money(amount, field="amount", messages=wording)


def _required_comment(comment):
    comment = (comment or "").strip()
    if not comment:
        raise InvalidInput(_("Say why in a comment: the submitter needs it to revise or to understand."), field="comment")
    return comment


def _acting_for(*, request, step, by):
    """Check that `by` may act on `step`; return whom they act for (None when acting as themselves).

    Allowed: the step's approver; for a pool step (no named approver), anyone holding the step's role
    on its unit; a delegate of the approver while the delegation runs; the director for any step.
    Nobody decides on their own submission.
    """
    role = role_of(by)
    if role is None:
        raise NotAllowed(_("You have no role that can act on approvals."))
    staff = staff_of(by)
    if (request.submitted_by_id is not None and request.submitted_by_id == by.pk) or (
        staff is not None and request.submitted_by_staff_id == staff.pk
    ):
        raise NotAllowed(_("You cannot decide on your own submission."))
    if staff is not None and staff.is_active:
        if step.approver_id is not None:
            if staff.pk == step.approver_id:
                return None
            today = timezone.localdate()
            if Delegation.objects.effective_on(today).filter(from_staff_id=step.approver_id, to_staff=staff).exists():
                return step.approver
        elif staff.role == step.approver_role and staff.unit_id == step.approver_unit_id:
            return None
    if role == Role.DIRECTOR:
        return step.approver
    raise NotAllowed(_("Only the approver of the current step, their delegate or the director can act on it."))


# Messages for a move the current state does not allow (409), one per move so each reads naturally.
_NOT_WAITING = {
    EventAction.APPROVE: _("Only a submitted request can be approved; this one is %(state)s."),
    EventAction.RETURN: _("Only a submitted request can be returned; this one is %(state)s."),
    EventAction.REJECT: _("Only a submitted request can be rejected; this one is %(state)s."),
    EventAction.WITHDRAW: _("Only a submitted request can be withdrawn; this one is %(state)s."),
    EventAction.NUDGE: _("Only a submitted request can be nudged; this one is %(state)s."),
    EventAction.FORWARD: _("Only a submitted request can be forwarded; this one is %(state)s."),
    EventAction.ADD_SIGNER: _("Reviewers can be added only to a submitted request; this one is %(state)s."),
}


def _require_waiting(request, action):
    if request.state != RequestState.SUBMITTED or request.current_step_id is None:
        raise Conflict(_NOT_WAITING[action] % {"state": request.get_state_display()}, field="state")


def _check_reviewer(staff, request, field):
    """A person added to or handed a step must be able to hold it by the org tree (the step's unit or above,
    or the center: approvals.selectors.could_hold, the pickers' rule), log in and act, and not be the
    submitter. Someone out of reach is refused without being named: an id must not tell who it is."""
    if not isinstance(staff, StaffProfile):
        raise InvalidInput(_("Choose a staff member."), field=field)
    unit = request.current_step.approver_unit
    if not within_reach(staff=staff, unit=unit):
        raise InvalidInput(
            _(
                "This person cannot take this step: only managers of %(unit)s or of a unit above it, "
                "or Development Center staff, may decide it."
            )
            % {"unit": unit.name},
            field=field,
        )
    if not staff.is_active or staff.user_id is None:
        raise InvalidInput(_("%(name)s is not in service or has no login.") % {"name": staff.name}, field=field)
    if staff.pk == request.submitted_by_staff_id:
        raise InvalidInput(_("The submitter cannot review their own submission."), field=field)


def _close_open_steps(request):
    request.steps.filter(state=StepState.PENDING).update(state=StepState.SKIPPED)


def _insert_step(*, request, at_order, **fields):
    # Shift later steps one place down, last first, so the (request, order) unique constraint holds at
    # every single UPDATE (PostgreSQL checks it per row).
    for later in request.steps.filter(order__gte=at_order).order_by("-order"):
        later.order += 1
        later.save(update_fields=["order"])
    return ApprovalStep.objects.create(request=request, order=at_order, **fields)


# ------------------------------------------------------------------------------------------ messages


def request_url(request):
    """The decision page of a request: where every message about it links to."""
    return reverse("approvals:detail", kwargs={"pk": request.pk})


def approvers_of(step, *, today=None):
    """Who may act on `step` now: its named approver or, for a pool step, every holder of the post;
    plus their active delegates. StaffProfiles (without a login they are skipped by notify)."""
    if step is None:
        return []
    if step.approver_id is not None:
        people = [step.approver]
    else:
        people = list(
            StaffProfile.objects.filter(role=step.approver_role, unit_id=step.approver_unit_id, is_active=True).select_related(
                "user"
            )
        )
    if not people:
        return []
    delegations = Delegation.objects.effective_on(today or timezone.localdate()).filter(from_staff__in=people)
    delegates = StaffProfile.objects.filter(is_active=True, pk__in=delegations.values("to_staff")).select_related("user")
    return [*people, *delegates]


def _directors():
    return list(StaffProfile.objects.filter(role=Role.DIRECTOR, is_active=True).select_related("user"))


def _tell(*, request, recipients, kind, title, body, **params):
    """Send one message about `request`, written in the company's language (Chinese first)."""
    if not recipients:
        return []
    submitter = request.submitted_by_staff
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "title": request.title,
            "kind": str(request.get_kind_display()),
            "unit": request.unit.name,
            "version": request.version,
            "submitter": submitter.name if submitter is not None else (request.submitted_by or ""),
            "due": timezone.localtime(request.due_at).strftime("%Y-%m-%d") if request.due_at else "—",
            **{key: str(value) for key, value in params.items()},
        }
        text_title, text_body = str(title) % values, str(body) % values
    return notify(recipients=recipients, kind=kind, title=text_title, body=text_body, url=request_url(request))


def _tell_current_approvers(request):
    _tell(
        request=request,
        recipients=approvers_of(request.current_step),
        kind=NotificationKind.SUBMITTED,
        title=_("Waiting for your decision: %(title)s"),
        body=_("%(submitter)s submitted the %(kind)s “%(title)s” (version %(version)s) of %(unit)s. Please decide by %(due)s."),
    )


_DECIDED_TITLES = {
    RequestState.APPROVED: _("Approved: %(title)s"),
    RequestState.RETURNED: _("Returned for revision: %(title)s"),
    RequestState.REJECTED: _("Rejected: %(title)s"),
}


def _tell_submitter(request, *, by, comment):
    who = staff_of(by)
    _tell(
        request=request,
        recipients=[request.submitted_by] if request.submitted_by_id else [],
        kind=NotificationKind.DECIDED,
        title=_DECIDED_TITLES[request.state],
        body=_("Your %(kind)s “%(title)s” (version %(version)s) was %(state)s by %(who)s. %(comment)s"),
        state=request.get_state_display(),
        who=who.name if who is not None else getattr(by, "username", ""),
        comment=comment or "",
    )


# ------------------------------------------------------------------------------------------ submit


@transaction.atomic
def request_submit(*, subject, kind, unit, title, by, snapshot=None, amount=None):
    """Submit `subject` for a decision (报审): freeze the snapshot, derive the chain, set the due date.

    A subject whose last request was returned or withdrawn (or approved, for a re-allocation) is
    submitted again as a new version; one waiting for a decision or rejected cannot be.
    """
    if kind not in ApprovalKind.values:
        raise InvalidInput(_("Unknown approval kind."), field="kind")
    if subject is None or getattr(subject, "pk", None) is None:
        raise InvalidInput(_("Save the matter before submitting it."), field="subject")
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("Give the request a title."), field="title")
    amount = _clean_amount(amount)
    if not isinstance(unit, OrgUnit):
        raise InvalidInput(_("Choose the submitting unit."), field="unit")
    if not unit.is_active:
        raise InvalidInput(_("The unit %(name)s is closed.") % {"name": unit.name}, field="unit")
    if role_of(by) is None:
        raise NotAllowed(_("You have no role that can submit for approval."))
    if not scope_of(by).covers_path(unit.path):
        raise NotAllowed(_("You can only submit for your own unit or a unit below it."), field="unit")
    if snapshot is None:
        make_snapshot = getattr(subject, "approval_snapshot", None)
        snapshot = make_snapshot() if callable(make_snapshot) else {}
    try:
        json.dumps(snapshot, cls=DjangoJSONEncoder)
    except (TypeError, ValueError):
        raise InvalidInput(_("The submitted content cannot be stored as a snapshot."), field="snapshot")

    content_type = ContentType.objects.get_for_model(subject)
    # Locking the latest version serialises two people re-submitting the same matter.
    latest = (
        ApprovalRequest.objects.select_for_update()
        .filter(content_type=content_type, object_id=subject.pk, kind=kind)
        .order_by("-version")
        .first()
    )
    if latest is not None and latest.state == RequestState.SUBMITTED:
        raise Conflict(_("This matter is already waiting for a decision."), field="subject")
    if latest is not None and latest.state == RequestState.REJECTED:
        raise Conflict(_("This matter was rejected; a rejected matter is not submitted again."), field="subject")

    staff = staff_of(by)
    now = timezone.now()
    if latest is not None and latest.state == RequestState.DRAFT:
        request, from_state = latest, RequestState.DRAFT
    else:
        request = ApprovalRequest(
            content_type=content_type,
            object_id=subject.pk,
            kind=kind,
            version=latest.version + 1 if latest is not None else 1,
            previous=latest,
        )
        from_state = ""
    request.unit = unit
    request.title = title
    request.amount = amount
    request.snapshot = snapshot
    request.state = RequestState.SUBMITTED
    request.submitted_by = by
    request.submitted_by_staff = staff
    request.submitted_at = now
    request.due_at = due_at_for(kind=kind, submitted_at=now)
    request.decided_at = None
    request.escalated_at = None
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        # The first submission of a subject raced another one (nothing to lock yet): one wins.
        raise Conflict(_("This matter is already waiting for a decision."), field="subject")

    first = None
    for order, spec in enumerate(chain_for(kind=kind, unit=unit, amount=amount, submitter=staff), start=1):
        # The submitter does not approve their own matter (a regional manager submitting a province's plan).
        own = staff is not None and spec.approver is not None and spec.approver.pk == staff.pk
        step = ApprovalStep.objects.create(
            request=request,
            order=order,
            approver_role=spec.approver_role,
            approver_unit=spec.approver_unit,
            approver=spec.approver,
            state=StepState.SKIPPED if own else StepState.PENDING,
        )
        if first is None and not own:
            first = step
    if first is None:
        raise InvalidInput(_("No one above the submitter can decide this request."), field="kind")
    request.current_step = first
    request.save(update_fields=["current_step", "updated_at"])
    data = {"version": request.version}
    if latest is not None and latest is not request:
        data["previous"] = latest.pk
    _record(request=request, action=EventAction.SUBMIT, from_state=from_state, by=by, step=first, data=data)
    _tell_current_approvers(request)
    return request


# ------------------------------------------------------------------------------------------ decide


@transaction.atomic
def request_approve(*, request, by, comment=""):
    """Approve the current step; on the last step the request is approved and the subject told."""
    request = _lock(request)
    _require_waiting(request, EventAction.APPROVE)
    step = request.current_step
    on_behalf_of = _acting_for(request=request, step=step, by=by)
    now = timezone.now()
    step.state, step.decided_by, step.decided_at, step.comment = StepState.APPROVED, by, now, (comment or "").strip()
    step.save()
    following = request.steps.filter(state=StepState.PENDING).order_by("order").first()
    if following is not None:
        request.current_step = following
    else:
        request.current_step = None
        request.state = RequestState.APPROVED
        request.decided_at = now
    request.save()
    _record(
        request=request,
        action=EventAction.APPROVE,
        from_state=RequestState.SUBMITTED,
        by=by,
        step=step,
        comment=step.comment,
        on_behalf_of=on_behalf_of,
    )
    if request.state == RequestState.APPROVED:
        _call_hook(request, "on_approved")
        _tell_submitter(request, by=by, comment=step.comment)
    else:
        _tell_current_approvers(request)
    return request


def _end(*, request, by, comment, step_state, request_state, action, hook):
    request = _lock(request)
    _require_waiting(request, action)
    step = request.current_step
    on_behalf_of = _acting_for(request=request, step=step, by=by)
    comment = _required_comment(comment)
    now = timezone.now()
    step.state, step.decided_by, step.decided_at, step.comment = step_state, by, now, comment
    step.save()
    _close_open_steps(request)
    request.state, request.current_step, request.decided_at = request_state, None, now
    request.save()
    _record(
        request=request,
        action=action,
        from_state=RequestState.SUBMITTED,
        by=by,
        step=step,
        comment=comment,
        on_behalf_of=on_behalf_of,
    )
    _call_hook(request, hook)
    _tell_submitter(request, by=by, comment=comment)
    return request


@transaction.atomic
def request_return(*, request, by, comment):
    """Return the request for revision (退回修改); the submitter revises and submits a new version."""
    return _end(
        request=request,
        by=by,
        comment=comment,
        step_state=StepState.RETURNED,
        request_state=RequestState.RETURNED,
        action=EventAction.RETURN,
        hook="on_returned",
    )


@transaction.atomic
def request_reject(*, request, by, comment):
    """Reject the request (驳回): final for this matter."""
    return _end(
        request=request,
        by=by,
        comment=comment,
        step_state=StepState.REJECTED,
        request_state=RequestState.REJECTED,
        action=EventAction.REJECT,
        hook="on_rejected",
    )


# ------------------------------------------------------------------------------------------ submitter's moves


def _require_submitter(request, by, message):
    if by is None or request.submitted_by_id != by.pk:
        raise NotAllowed(message)


@transaction.atomic
def request_withdraw(*, request, by):
    """The submitter takes the request back (撤回) while no reviewer has decided a step yet."""
    request = _lock(request)
    _require_waiting(request, EventAction.WITHDRAW)
    _require_submitter(request, by, _("Only the submitter can withdraw a request."))
    if request.steps.filter(decided_at__isnull=False).exists():
        raise Conflict(_("A reviewer has already approved a step; ask them to return the request instead."), field="state")
    # Whoever it was waiting for learns that it no longer is (read before the step is closed).
    waiting_for = approvers_of(request.current_step)
    _close_open_steps(request)
    request.state, request.current_step = RequestState.WITHDRAWN, None
    request.save()
    _record(request=request, action=EventAction.WITHDRAW, from_state=RequestState.SUBMITTED, by=by)
    _call_hook(request, "on_withdrawn")
    _tell(
        request=request,
        recipients=waiting_for,
        kind=NotificationKind.OTHER,
        title=_("Withdrawn: %(title)s"),
        body=_("%(submitter)s withdrew the %(kind)s “%(title)s” of %(unit)s; it no longer waits for your decision."),
    )
    return request


@transaction.atomic
def request_nudge(*, request, by):
    """The submitter reminds the current approver (催办), at most once per working day; returns the event."""
    request = _lock(request)
    _require_waiting(request, EventAction.NUDGE)
    _require_submitter(request, by, _("Only the submitter can nudge a request."))
    last = request.events.filter(action=EventAction.NUDGE).order_by("-at", "-id").first()
    if last is not None and working_days_between(timezone.localdate(last.at), timezone.localdate()) < 1:
        raise Conflict(_("You have already nudged this request; you can nudge again on the next working day."))
    step = request.current_step
    event = _record(
        request=request,
        action=EventAction.NUDGE,
        from_state=RequestState.SUBMITTED,
        by=by,
        step=step,
        data={"approver": step.approver_id, "approver_role": step.approver_role},
    )
    _tell(
        request=request,
        recipients=approvers_of(step),
        kind=NotificationKind.NUDGED,
        title=_("Reminder: %(title)s is waiting for your decision"),
        body=_("%(submitter)s asks you to decide the %(kind)s “%(title)s” of %(unit)s (due %(due)s)."),
    )
    return event


# ------------------------------------------------------------------------------------------ approver's moves


@transaction.atomic
def request_forward(*, request, by, to_staff, comment=""):
    """The current approver hands their step to someone else (转交), who then decides in their place."""
    request = _lock(request)
    _require_waiting(request, EventAction.FORWARD)
    step = request.current_step
    on_behalf_of = _acting_for(request=request, step=step, by=by)
    _check_reviewer(to_staff, request, "to_staff")
    if to_staff.pk == step.approver_id:
        raise InvalidInput(_("%(name)s is already the approver of this step.") % {"name": to_staff.name}, field="to_staff")
    data = {"from_staff": step.approver_id, "from_role": step.approver_role, "to_staff": to_staff.pk}
    step.approver, step.approver_role, step.approver_unit = to_staff, to_staff.role, to_staff.unit
    step.save()
    _record(
        request=request,
        action=EventAction.FORWARD,
        from_state=RequestState.SUBMITTED,
        by=by,
        step=step,
        comment=(comment or "").strip(),
        on_behalf_of=on_behalf_of,
        data=data,
    )
    who = staff_of(by)
    _tell(
        request=request,
        recipients=[to_staff],
        kind=NotificationKind.SUBMITTED,
        title=_("Forwarded to you: %(title)s"),
        body=_("%(who)s handed you their step on the %(kind)s “%(title)s” of %(unit)s. Please decide by %(due)s. %(comment)s"),
        who=who.name if who is not None else by.username,
        comment=(comment or "").strip(),
    )
    return request


@transaction.atomic
def request_add_signer(*, request, by, staff, before, comment=""):
    """The current approver adds a reviewer (加签) before themselves (who decides first) or after."""
    request = _lock(request)
    _require_waiting(request, EventAction.ADD_SIGNER)
    step = request.current_step
    on_behalf_of = _acting_for(request=request, step=step, by=by)
    _check_reviewer(staff, request, "staff")
    if staff.pk == step.approver_id:
        raise InvalidInput(_("%(name)s is already the approver of this step.") % {"name": staff.name}, field="staff")
    added = _insert_step(
        request=request,
        at_order=step.order if before else step.order + 1,
        approver_role=staff.role,
        approver_unit=staff.unit,
        approver=staff,
        kind=StepKind.ADDED_BEFORE if before else StepKind.ADDED_AFTER,
        added_by=by,
    )
    if before:
        request.current_step = added
        request.save()
    _record(
        request=request,
        action=EventAction.ADD_SIGNER,
        from_state=RequestState.SUBMITTED,
        by=by,
        step=added,
        comment=(comment or "").strip(),
        on_behalf_of=on_behalf_of,
        data={"staff": staff.pk, "before": bool(before)},
    )
    who = staff_of(by)
    _tell(
        request=request,
        recipients=[staff],
        kind=NotificationKind.SUBMITTED,
        title=_("Your review is requested: %(title)s"),
        body=(
            _("%(who)s added you as a reviewer of the %(kind)s “%(title)s” of %(unit)s; it waits for you now. %(comment)s")
            if before
            else _("%(who)s added you as a reviewer of the %(kind)s “%(title)s” of %(unit)s, after their own step. %(comment)s")
        ),
        who=who.name if who is not None else by.username,
        comment=(comment or "").strip(),
    )
    return request


# ------------------------------------------------------------------------------------------ bulk, escalation


_BULK = {
    BulkAction.APPROVE: request_approve,
    BulkAction.RETURN: request_return,
    BulkAction.REJECT: request_reject,
}


def bulk_decide(*, requests, by, action, comment=""):
    """Decide several requests of one kind with one comment; returns one result per request.

    Deliberately not one transaction: each request goes through its own service (and its own lock and
    transaction), so one that was decided meanwhile fails alone and the others stand.
    """
    if action not in _BULK:
        raise InvalidInput(_("Choose approve, return or reject."), field="action")
    requests = list(requests)
    if not requests:
        raise InvalidInput(_("Choose at least one request."), field="requests")
    if len({request.kind for request in requests}) > 1:
        raise InvalidInput(_("Decide in bulk only on requests of one kind."), field="requests")
    if action != BulkAction.APPROVE:
        comment = _required_comment(comment)
    results = []
    for request in requests:
        try:
            _BULK[action](request=request, by=by, comment=comment)
        except DomainError as error:
            results.append({"request": request.pk, "ok": False, "error": str(error.message)})
        else:
            results.append({"request": request.pk, "ok": True, "error": ""})
    return results


def _director_step_spec():
    return _person_step(Role.DIRECTOR, _center())


@transaction.atomic
def request_escalate(*, request, now=None):
    """Escalate one overdue request to the director (超时升级), once: adds the director as the last
    reviewer unless the chain already ends with them. Returns False when there is nothing to do."""
    now = now or timezone.now()
    request = (
        ApprovalRequest.objects.select_for_update()
        .filter(pk=request.pk, state=RequestState.SUBMITTED, escalated_at__isnull=True, due_at__lt=now)
        .first()
    )
    if request is None:
        return False
    last = request.steps.order_by("-order").first()
    step = None
    if last is None or last.approver_role != Role.DIRECTOR or last.state != StepState.PENDING:
        spec = _director_step_spec()
        step = _insert_step(
            request=request,
            at_order=(last.order + 1) if last is not None else 1,
            approver_role=spec.approver_role,
            approver_unit=spec.approver_unit,
            approver=spec.approver,
            kind=StepKind.ADDED_AFTER,
        )
    request.escalated_at = now
    request.save()
    _record(
        request=request,
        action=EventAction.ESCALATE,
        from_state=RequestState.SUBMITTED,
        step=step,
        data={"due_at": request.due_at, "current_step": request.current_step_id},
    )
    _tell(
        request=request,
        recipients=_directors(),
        kind=NotificationKind.ESCALATED,
        title=_("Escalated to you: %(title)s"),
        body=_("The %(kind)s “%(title)s” of %(unit)s was due on %(due)s and is still waiting; it now comes to you as well."),
    )
    return True


def requests_escalate_overdue(now=None):
    """Escalate every request past its due time that was not escalated yet; safe to run twice.

    Each request in its own transaction (see request_escalate), so one failure does not hold back the rest.
    """
    now = now or timezone.now()
    overdue = (
        ApprovalRequest.objects.unscoped()
        .filter(state=RequestState.SUBMITTED, escalated_at__isnull=True, due_at__lt=now)
        .order_by("due_at", "pk")
    )
    return sum(1 for request in overdue if request_escalate(request=request, now=now))


@transaction.atomic
def request_remind(*, request, now=None):
    """Remind the current approvers of one overdue request, at most once per day. Returns True if sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    request = (
        ApprovalRequest.objects.select_for_update()
        .filter(pk=request.pk, state=RequestState.SUBMITTED, due_at__lt=now)
        .exclude(reminded_on__gte=today)
        .first()
    )
    if request is None or request.current_step_id is None:
        return False
    request.reminded_on = today
    request.save(update_fields=["reminded_on", "updated_at"])
    from approvals.selectors import working_days_overdue

    _tell(
        request=request,
        recipients=approvers_of(request.current_step, today=today),
        kind=NotificationKind.REMINDER,
        title=_("Overdue: %(title)s"),
        body=_(
            "The %(kind)s “%(title)s” of %(unit)s was due on %(due)s (%(days)s working days ago) and waits for your decision."
        ),
        days=working_days_overdue(request=request, now=now),
    )
    return True


def requests_remind_overdue(now=None):
    """Remind the approvers of every overdue request, once per day each (beat: daily). Safe to run twice."""
    now = now or timezone.now()
    overdue = (
        ApprovalRequest.objects.unscoped()
        .filter(state=RequestState.SUBMITTED, due_at__lt=now)
        .exclude(reminded_on__gte=timezone.localdate(now))
        .order_by("due_at", "pk")
    )
    return sum(1 for request in overdue if request_remind(request=request, now=now))


# ------------------------------------------------------------------------------------------ delegation


@transaction.atomic
def delegation_create(*, from_staff, to_staff, starts_on, ends_on, by, note=""):
    """Let `to_staff` act on `from_staff`'s steps from `starts_on` to `ends_on` (代理审批)."""
    staff = staff_of(by)
    if role_of(by) != Role.DIRECTOR and (staff is None or staff.pk != from_staff.pk):
        raise NotAllowed(_("Only the person going away or the director can set up a delegation."))
    if not isinstance(to_staff, StaffProfile) or not to_staff.is_active or to_staff.user_id is None:
        raise InvalidInput(_("The delegate must be in service and have a login."), field="to_staff")
    if to_staff.pk == from_staff.pk:
        raise InvalidInput(_("Choose someone else as the delegate."), field="to_staff")
    # A delegation is not per request: it reaches every step the person will hold, so the delegate's
    # scope must cover theirs (else it would let the delegate read and decide outside their scope).
    if not within_reach(staff=to_staff, unit=from_staff.unit):
        raise InvalidInput(
            _(
                "This person cannot be the delegate: only managers of %(unit)s or of a unit above it, "
                "or Development Center staff, may act for you."
            )
            % {"unit": from_staff.unit.name},
            field="to_staff",
        )
    if starts_on is None or ends_on is None:
        raise InvalidInput(_("Give the first and last day of the delegation."), field="ends_on")
    if ends_on < starts_on:
        raise InvalidInput(_("The delegation cannot end before it starts."), field="ends_on")
    if ends_on - starts_on > timedelta(days=366):
        raise InvalidInput(_("A delegation lasts at most one year."), field="ends_on")
    return Delegation.objects.create(
        from_staff=from_staff, to_staff=to_staff, starts_on=starts_on, ends_on=ends_on, note=note.strip(), created_by=by
    )


@transaction.atomic
def delegation_revoke(*, delegation, by):
    """End a delegation early (the person is back)."""
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    staff = staff_of(by)
    if role_of(by) != Role.DIRECTOR and (staff is None or staff.pk != delegation.from_staff_id):
        raise NotAllowed(_("Only the person who delegated or the director can revoke a delegation."))
    if delegation.revoked_at is not None:
        raise Conflict(_("This delegation was already revoked."))
    delegation.revoked_at = timezone.now()
    delegation.save(update_fields=["revoked_at"])
    return delegation


# --- the working calendar (holidays and make-up working days behind every SLA) ------------------------


def _require_calendar_right(by):
    from django.core.exceptions import PermissionDenied

    from core.roles import can

    if not can(by, "calendar.change"):
        raise PermissionDenied


@transaction.atomic
def calendar_day_save(*, day, kind, name="", by, calendar_day=None):
    """Enter (or correct) one holiday or make-up working day; the Development Center only.

    Moving an entry to another day frees the old day; a day already listed is refused on the field `day`.
    Both years are dropped from the SLA cache.
    """
    from approvals.calendar import calendar_changed
    from approvals.models import CalendarDay
    from core.dates import check_supported_date

    _require_calendar_right(by)
    check_supported_date(day, field="day")
    clash = CalendarDay.objects.select_for_update().filter(day=day)
    if calendar_day is not None:
        clash = clash.exclude(pk=calendar_day.pk)
    if clash.exists():
        raise Conflict(_("%(day)s is already on the calendar: edit that entry.") % {"day": day.isoformat()}, field="day")
    years = {day.year}
    if calendar_day is None:
        calendar_day = CalendarDay(day=day)
    else:
        calendar_day = CalendarDay.objects.select_for_update().get(pk=calendar_day.pk)
        years.add(calendar_day.day.year)
        calendar_day.day = day
    calendar_day.kind = kind
    calendar_day.name = name
    calendar_day.updated_by = by
    try:
        with transaction.atomic():
            calendar_day.save()
    except IntegrityError:
        raise Conflict(
            _("%(day)s is already on the calendar: edit that entry.") % {"day": day.isoformat()}, field="day"
        ) from None
    calendar_changed(*years)
    return calendar_day


@transaction.atomic
def calendar_day_delete(*, calendar_day, by):
    """Remove one entry (the day then follows the Monday–Friday week); the Development Center only."""
    from approvals.calendar import calendar_changed

    _require_calendar_right(by)
    year = calendar_day.day.year
    calendar_day.delete()
    calendar_changed(year)


def calendar_warn_center(*, today=None):
    """From 1 December, tell the Development Center's people once that next year's working calendar is still
    empty (its SLAs would count Monday to Friday). Returns the year warned about, or None.

    Idempotent: the message carries the calendar page of that year as its link, and a second run finds it sent.
    """
    from approvals.calendar import next_year_missing
    from notifications.models import Notification

    today = today or timezone.localdate()
    year = next_year_missing(today)
    if year is None:
        return None
    url = f"{reverse('approvals:calendar')}?year={year}"
    with transaction.atomic():
        center = list(
            StaffProfile.objects.select_for_update()
            .filter(role__in=[Role.DIRECTOR, Role.CENTER_STAFF], is_active=True, user__isnull=False)
            .select_related("user")
        )
        if Notification.objects.filter(kind=NotificationKind.REMINDER, url=url).exists():
            return None
        notify(
            recipients=center,
            kind=NotificationKind.REMINDER,
            title=_("The working calendar of %(year)s is missing") % {"year": year},
            body=_(
                "No holidays or make-up working days are entered for %(year)s yet. Until they are, approval "
                "deadlines in %(year)s count Monday to Friday only. Enter the State Council's schedule on the "
                "working calendar page."
            )
            % {"year": year},
            url=url,
        )
    return year
