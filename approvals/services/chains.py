"""Who decides: the chain of steps derived from the org tree and the kind's policy, and who may act on a step now.

A step names a person, or — for the Development Center and for a post that is vacant when the chain is
derived — a pool: whoever holds the step's role on its unit. The director can act on any step.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from approvals.models import Delegation
from approvals.services.policy import Route, policy_of
from core.roles import Role
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile


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


def _ladder(unit):
    """Every decider above `unit`, nearest first: the manager of each unit above it, the center's pool, the director."""
    steps = []
    for above in reversed(list(unit.ancestors())):
        if above.kind == UnitKind.PROVINCE:
            steps.append(_person_step(Role.PROVINCIAL_MANAGER, above))
        elif above.kind == UnitKind.REGION:
            steps.append(_person_step(Role.REGIONAL_MANAGER, above))
    if unit.kind != UnitKind.CENTER:
        steps.append(_center_pool_step())
    steps.append(director_step())
    return steps


def chain_for(*, kind, unit, amount=None, submitter=None, levels=None):
    """The approver chain of a request of `kind` submitted by `unit`, derived from the org tree.

    `submitter` (a StaffProfile) matters for work plans only: a salesperson's goes to their own
    district manager rather than to the province. `levels` matters for the ladder only (Route.LADDER): how
    many deciders above the unit the request climbs (at least one; None: up to the director).
    """
    rule = policy_of(kind)
    steps = []
    if rule.route == Route.LADDER:
        ladder = _ladder(unit)
        steps.extend(ladder if levels is None else ladder[: max(1, int(levels))])
    elif rule.route == Route.NEXT_MANAGER:
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


def director_step():
    """A step for the director (an escalation, or the last word above a kind's threshold)."""
    return _person_step(Role.DIRECTOR, _center())


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


def directors():
    """The people who hold the director's post now."""
    return list(StaffProfile.objects.filter(role=Role.DIRECTOR, is_active=True).select_related("user"))
