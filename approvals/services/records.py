"""The plumbing every move shares: lock a request, record an event, insert or close steps.

Lock order: a transition locks its subject's row first (when the subject is a registered one, see
approvals.subjects), then the request row — the order the subjects' own services take when they lock
their row and then submit or withdraw — so the two never wait for each other in a circle.
"""

from approvals.choices import StepState
from approvals.models import ApprovalEvent, ApprovalRequest, ApprovalStep
from core.rights import SYSTEM
from core.roles import staff_of


def lock_request(request):
    return ApprovalRequest.objects.select_for_update().get(pk=request.pk)


def record_event(*, request, action, from_state, by=None, step=None, comment="", on_behalf_of=None, data=None):
    """Append one transition to the request's record (`by` None or SYSTEM: the system acted)."""
    return ApprovalEvent.objects.create(
        request=request,
        step=step,
        action=action,
        from_state=from_state,
        to_state=request.state,
        actor=None if by is SYSTEM else by,
        actor_staff=staff_of(by),
        on_behalf_of=on_behalf_of,
        comment=comment,
        data=data or {},
    )


def close_open_steps(request):
    request.steps.filter(state=StepState.PENDING).update(state=StepState.SKIPPED)


def insert_step(*, request, at_order, **fields):
    # Shift later steps one place down, last first, so the (request, order) unique constraint holds at
    # every single UPDATE (PostgreSQL checks it per row).
    for later in request.steps.filter(order__gte=at_order).order_by("-order"):
        later.order += 1
        later.save(update_fields=["order"])
    return ApprovalStep.objects.create(request=request, order=at_order, **fields)
