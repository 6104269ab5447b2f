"""The moves on a request: submit, approve, return, reject, withdraw, nudge, forward, add a reviewer, and
deciding in bulk.

Every move locks the request row (`select_for_update`) and checks the state under the lock, so two
reviewers acting at once produce exactly one decision: the second finds the request already decided and
gets a Conflict (409). Every move is recorded as an ApprovalEvent and tells the people it concerns
(approvals.services.notices): the approvers of the step that is now current, the submitter of a final
decision, the new reviewer of a forward or an added step.
"""

import json

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals import rights
from approvals.calendar import working_days_between
from approvals.choices import ApprovalKind, BulkAction, EventAction, RequestState, StepKind, StepState
from approvals.models import ApprovalRequest, ApprovalStep
from approvals.selectors import within_reach
from approvals.services.chains import approvers_of, chain_for
from approvals.services.notices import tell, tell_current_approvers, tell_submitter
from approvals.services.policy import due_at_for
from approvals.services.records import close_open_steps, insert_step, lock_request, record_event
from approvals.subjects import apply_decision, check_kind, lock_subject, subject_snapshot
from core.errors import Conflict, DomainError, InvalidInput
from core.money import parse_money
from core.rights import ensure
from core.roles import staff_of
from notifications.choices import NotificationKind
from regions.models import OrgUnit, StaffProfile


def clean_amount(amount):
    """The amount a request asks for: None, or a Decimal of two places within the amount column, not negative."""
    if amount is None or amount == "":
        return None
    wording = {"invalid": _("Enter the amount as a number, e.g. 1200.50."), "negative": _("The amount cannot be negative.")}
    return parse_money(amount, field="amount", messages=wording)


def _required_comment(comment):
    comment = (comment or "").strip()
    if not comment:
        raise InvalidInput(_("Say why in a comment: the submitter needs it to revise or to understand."), field="comment")
    return comment


def _acting_for(request, by):
    """ensure(by, "approval.decide", request); returns whom `by` acts for on the current step (None: as
    themselves)."""
    ensure(by, "approval.decide", request)
    return rights.acting_for(by, request)


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


@transaction.atomic
def request_submit(*, subject, kind, unit, title, by, snapshot=None, amount=None, levels=None):
    """Submit `subject` for a decision (报审): freeze the snapshot, derive the chain, set the due date.

    A subject whose last request was returned or withdrawn (or approved, for a re-allocation) is
    submitted again as a new version; one waiting for a decision or rejected cannot be. `levels`: how high a
    request of a ladder kind climbs (approvals.services.chains.chain_for).
    """
    if kind not in ApprovalKind.values:
        raise InvalidInput(_("Unknown approval kind."), field="kind")
    if subject is None or getattr(subject, "pk", None) is None:
        raise InvalidInput(_("Save the matter before submitting it."), field="subject")
    check_kind(subject, kind)
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("Give the request a title."), field="title")
    amount = clean_amount(amount)
    if not isinstance(unit, OrgUnit):
        raise InvalidInput(_("Choose the submitting unit."), field="unit")
    if not unit.is_active:
        raise InvalidInput(_("The unit %(name)s is closed.") % {"name": unit.name}, field="unit")
    ensure(by, "approval.submit", unit)
    if snapshot is None:
        snapshot = subject_snapshot(subject)
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
    for order, spec in enumerate(chain_for(kind=kind, unit=unit, amount=amount, submitter=staff, levels=levels), start=1):
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
    record_event(request=request, action=EventAction.SUBMIT, from_state=from_state, by=by, step=first, data=data)
    tell_current_approvers(request)
    return request


@transaction.atomic
def request_approve(*, request, by, comment=""):
    """Approve the current step; on the last step the request is approved and the subject told."""
    subject = lock_subject(request)
    request = lock_request(request)
    _require_waiting(request, EventAction.APPROVE)
    step = request.current_step
    on_behalf_of = _acting_for(request, by)
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
    record_event(
        request=request,
        action=EventAction.APPROVE,
        from_state=RequestState.SUBMITTED,
        by=by,
        step=step,
        comment=step.comment,
        on_behalf_of=on_behalf_of,
    )
    if request.state == RequestState.APPROVED:
        apply_decision(request, subject)
        tell_submitter(request, by=by, comment=step.comment)
    else:
        tell_current_approvers(request)
    return request


def _end(*, request, by, comment, step_state, request_state, action):
    subject = lock_subject(request)
    request = lock_request(request)
    _require_waiting(request, action)
    step = request.current_step
    on_behalf_of = _acting_for(request, by)
    comment = _required_comment(comment)
    now = timezone.now()
    step.state, step.decided_by, step.decided_at, step.comment = step_state, by, now, comment
    step.save()
    close_open_steps(request)
    request.state, request.current_step, request.decided_at = request_state, None, now
    request.save()
    record_event(
        request=request,
        action=action,
        from_state=RequestState.SUBMITTED,
        by=by,
        step=step,
        comment=comment,
        on_behalf_of=on_behalf_of,
    )
    apply_decision(request, subject)
    tell_submitter(request, by=by, comment=comment)
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
    )


@transaction.atomic
def request_withdraw(*, request, by):
    """The submitter takes the request back (撤回) while no reviewer has decided a step yet."""
    subject = lock_subject(request)
    request = lock_request(request)
    _require_waiting(request, EventAction.WITHDRAW)
    ensure(by, "approval.withdraw", request, _("Only the submitter can withdraw a request."))
    if request.steps.filter(decided_at__isnull=False).exists():
        raise Conflict(_("A reviewer has already approved a step; ask them to return the request instead."), field="state")
    # Whoever it was waiting for learns that it no longer is (read before the step is closed).
    waiting_for = approvers_of(request.current_step)
    close_open_steps(request)
    request.state, request.current_step = RequestState.WITHDRAWN, None
    request.save()
    record_event(request=request, action=EventAction.WITHDRAW, from_state=RequestState.SUBMITTED, by=by)
    apply_decision(request, subject)
    tell(
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
    request = lock_request(request)
    _require_waiting(request, EventAction.NUDGE)
    ensure(by, "approval.nudge", request, _("Only the submitter can nudge a request."))
    last = request.events.filter(action=EventAction.NUDGE).order_by("-at", "-id").first()
    if last is not None and working_days_between(timezone.localdate(last.at), timezone.localdate()) < 1:
        raise Conflict(_("You have already nudged this request; you can nudge again on the next working day."))
    step = request.current_step
    event = record_event(
        request=request,
        action=EventAction.NUDGE,
        from_state=RequestState.SUBMITTED,
        by=by,
        step=step,
        data={"approver": step.approver_id, "approver_role": step.approver_role},
    )
    tell(
        request=request,
        recipients=approvers_of(step),
        kind=NotificationKind.NUDGED,
        title=_("Reminder: %(title)s is waiting for your decision"),
        body=_("%(submitter)s asks you to decide the %(kind)s “%(title)s” of %(unit)s (due %(due)s)."),
    )
    return event


@transaction.atomic
def request_forward(*, request, by, to_staff, comment=""):
    """The current approver hands their step to someone else (转交), who then decides in their place."""
    request = lock_request(request)
    _require_waiting(request, EventAction.FORWARD)
    step = request.current_step
    on_behalf_of = _acting_for(request, by)
    _check_reviewer(to_staff, request, "to_staff")
    if to_staff.pk == step.approver_id:
        raise InvalidInput(_("%(name)s is already the approver of this step.") % {"name": to_staff.name}, field="to_staff")
    data = {"from_staff": step.approver_id, "from_role": step.approver_role, "to_staff": to_staff.pk}
    step.approver, step.approver_role, step.approver_unit = to_staff, to_staff.role, to_staff.unit
    step.save()
    record_event(
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
    tell(
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
    request = lock_request(request)
    _require_waiting(request, EventAction.ADD_SIGNER)
    step = request.current_step
    on_behalf_of = _acting_for(request, by)
    _check_reviewer(staff, request, "staff")
    if staff.pk == step.approver_id:
        raise InvalidInput(_("%(name)s is already the approver of this step.") % {"name": staff.name}, field="staff")
    added = insert_step(
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
    record_event(
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
    tell(
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
