"""Who may make which move on an approval request, and who may delegate or keep the working calendar
(core.rights: the one rule for writes).

- `approval.submit` (a unit): a person with a role submits for their own unit or one below it;
- `approval.decide` (a request): approve, return, reject, forward or add a reviewer — the approver of the
  current step, for a pool step anyone holding its post, a delegate of the approver while the delegation
  runs, or the director; never the submitter;
- `approval.withdraw`, `approval.nudge` (a request): its submitter;
- `delegation.create` (the person going away), `delegation.revoke` (a delegation): that person, or the director;
- `calendar.change`: the Development Center (the role table's right of the same name).

A rule answers True, or a `Refusal` saying why not (false to `may()`; `ensure()` raises it as NotAllowed),
so the services refuse with the precise message and the pages ask only `may`.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.choices import RequestState
from approvals.models import Delegation
from core.rights import SYSTEM, Refusal, rule
from core.roles import Role, can, role_of, staff_of
from core.scoping import scope_of

# ------------------------------------------------------------------------------------------ submit


@rule("approval.submit")
def may_submit(user, unit):
    """Submit a matter of `unit`: a person with a role, for their own unit or one below it."""
    if role_of(user) is None:
        return Refusal(_("You have no role that can submit for approval."))
    if not scope_of(user).covers_path(unit.path):
        return Refusal(_("You can only submit for your own unit or a unit below it."), field="unit")
    return True


# ------------------------------------------------------------------------------------------ decide

_NOT_THE_APPROVER = _("Only the approver of the current step, their delegate or the director can act on it.")


def is_waiting(request):
    return request.state == RequestState.SUBMITTED and request.current_step_id is not None


def _acting(user, request, step):
    """(None, whom `user` acts for on `step`) if they may act on it — None when acting as themselves (the
    approver, a holder of a pool step's post), the approver when acting as their delegate or as the
    director; else (the Refusal saying why, None).

    Allowed: the step's approver; for a pool step (no named approver), anyone holding the step's role
    on its unit; a delegate of the approver while the delegation runs; the director for any step.
    Nobody decides on their own submission.
    """
    if user is SYSTEM:
        return None, step.approver
    role = role_of(user)
    if role is None:
        return Refusal(_("You have no role that can act on approvals.")), None
    staff = staff_of(user)
    if (request.submitted_by_id is not None and request.submitted_by_id == user.pk) or (
        staff is not None and request.submitted_by_staff_id == staff.pk
    ):
        return Refusal(_("You cannot decide on your own submission.")), None
    if staff is not None and staff.is_active:
        if step.approver_id is not None:
            if staff.pk == step.approver_id:
                return None, None
            today = timezone.localdate()
            if Delegation.objects.effective_on(today).filter(from_staff_id=step.approver_id, to_staff=staff).exists():
                return None, step.approver
        elif staff.role == step.approver_role and staff.unit_id == step.approver_unit_id:
            return None, None
    if role == Role.DIRECTOR:
        return None, step.approver
    return Refusal(_NOT_THE_APPROVER), None


@rule("approval.decide")
def may_decide(user, request):
    """Approve, return, reject, forward or add a reviewer on the request now."""
    if not is_waiting(request):
        return Refusal(_NOT_THE_APPROVER)
    refusal, _on_behalf_of = _acting(user, request, request.current_step)
    return True if refusal is None else refusal


def acting_for(user, request):
    """Whom `user`, who may decide (`approval.decide`), acts for on the current step: None as themselves,
    the step's approver as their delegate or as the director."""
    return _acting(user, request, request.current_step)[1]


# ------------------------------------------------------------------------------------------ the submitter's moves


def _is_submitter(user, request):
    return user is not None and getattr(user, "pk", None) is not None and request.submitted_by_id == user.pk


@rule("approval.withdraw")
def may_withdraw(user, request):
    return _is_submitter(user, request)


@rule("approval.nudge")
def may_nudge(user, request):
    return _is_submitter(user, request)


# ------------------------------------------------------------------------------------------ delegations, calendar


@rule("delegation.create")
def may_delegate(user, from_staff):
    """The person going away sets up their own delegation; the director anyone's."""
    staff = staff_of(user)
    return role_of(user) == Role.DIRECTOR or (staff is not None and staff.pk == from_staff.pk)


@rule("delegation.revoke")
def may_revoke(user, delegation):
    staff = staff_of(user)
    return role_of(user) == Role.DIRECTOR or (staff is not None and staff.pk == delegation.from_staff_id)


@rule("calendar.change")
def may_change_calendar(user, _obj=None):
    return can(user, "calendar.change")
