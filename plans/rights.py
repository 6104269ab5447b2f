"""Who may change what in plans (core/rights.py): targets, seasonal distributions and plans.

The services ask these rules (`ensure(by, "plan.submit", plan)`) before they write; pages and the API
ask them (`may(...)`) only to show or hide a button or a form. Each rule answers who may act; the
state an object must be in (a draft to edit, an approved plan to revise) is the service's 409, asked
after the right, so a person without the right learns that first.

- write a plan: anyone with `plan.change` whose scope covers the unit; a salesperson only their own
  work plan for their own district;
- edit, submit and revise a plan: its author, or the manager of the plan's unit (who answers for it);
  upper levels read it and decide on it through the approval chain, they do not edit it;
- withdraw: the submitter, while no reviewer has decided (approvals.services.request_withdraw);
- set or split a target: `target.change` and the owning unit inside one's scope;
- keep a seasonal distribution: `target.change` and the unit inside one's scope (not only one's own
  records); a company-wide one only whoever sees the whole company (the Development Center).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.rights import Refusal, rule
from core.roles import Role, can, role_of
from core.scoping import scope_of
from plans.choices import REP_PLAN_KINDS, PlanState
from plans.selectors import plan_request

MANAGER_ROLES = frozenset(
    {Role.DIRECTOR, Role.CENTER_STAFF, Role.REGIONAL_MANAGER, Role.PROVINCIAL_MANAGER, Role.DISTRICT_MANAGER}
)


def _staff(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    staff = getattr(user, "staff_profile", None)
    return staff if staff is not None and staff.is_active else None


def is_plan_writer(plan, user):
    """The author of the plan, or the manager of its unit (a non-rep post on that very unit), with the
    right to write plans. Whatever the state."""
    staff = _staff(user)
    if staff is None or not can(user, "plan.change"):
        return False
    if staff.pk == plan.author_id:
        return True
    return staff.unit_id == plan.unit_id and staff.role in MANAGER_ROLES


# --- plans ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NewPlan:
    """What `plan.create` is asked about: the unit and kind of the plan to start (None: not chosen yet)."""

    unit: object = None
    kind: str | None = None


@rule("plan.create")
def may_create_plan(user, new=None):
    """May this person start a plan (of this unit and kind, when `new` says)?"""
    new = new or NewPlan()
    if role_of(user) is None or not can(user, "plan.change"):
        return Refusal(_("You have no right to write plans."))
    staff = getattr(user, "staff_profile", None)
    if staff is None:
        return Refusal(_("Only a staff member can write a plan."))
    if new.unit is not None and not scope_of(user).covers_path(new.unit.path):
        return Refusal(_("You can write plans only for your own unit or a unit below it."), field="unit")
    if new.kind is not None and staff.role == Role.SALES_REP and new.kind not in REP_PLAN_KINDS:
        return Refusal(_("A salesperson writes only their own work plan."), field="kind")
    return True


@rule("plan.edit")
def may_edit_plan(user, plan):
    """Change the title, text, period and lines of the plan (while it is a draft: the service's 409)."""
    return is_plan_writer(plan, user) or Refusal(_("Only the author or the manager of the unit can change this plan."))


@rule("plan.submit")
def may_submit_plan(user, plan):
    if not is_plan_writer(plan, user):
        return Refusal(_("Only the author or the manager of the unit can submit this plan."))
    if _staff(user).role == Role.SALES_REP and plan.kind not in REP_PLAN_KINDS:
        return Refusal(_("A salesperson submits only their own work plan."), field="kind")
    return True


@rule("plan.revise")
def may_revise_plan(user, plan):
    """Reopen an approved plan or rewrite a rejected one (the service's 409 for any other state)."""
    return is_plan_writer(plan, user) or Refusal(_("Only the author or the manager of the unit can revise this plan."))


@rule("plan.withdraw")
def may_withdraw_plan(user, plan):
    """The submitter of the plan's request, while it waits and no reviewer has decided a step. The
    withdrawal itself is the request's (approvals.services.request_withdraw asks its own rule)."""
    if plan.state != PlanState.SUBMITTED or user is None:
        return False
    request = plan_request(plan)
    return (
        request is not None and request.submitted_by_id == user.pk and not request.steps.filter(decided_at__isnull=False).exists()
    )


# --- targets and seasonal distributions -------------------------------------------------------------
@rule("target.set")
def may_set_target(user, owner_unit):
    """Set or split the targets owned by this unit (a unit's own, or its salespeople's)."""
    if not can(user, "target.change"):
        return Refusal(_("You have no right to set targets."))
    if owner_unit is not None and not scope_of(user).covers_path(owner_unit.path):
        return Refusal(_("%(unit)s is outside your part of the organisation.") % {"unit": owner_unit}, field="unit")
    return True


@rule("distribution.save")
def may_save_distribution(user, distribution=None):
    """Create or change a seasonal distribution (saved or not: its `unit` says where it belongs, none for
    a company-wide one). Without one: may this person keep any distribution at all?"""
    if not can(user, "target.change"):
        return Refusal(_("You have no right to change seasonal distributions."))
    scope = scope_of(user)
    if scope.own_only:
        return Refusal(_("You have no right to change seasonal distributions."))
    if distribution is None:
        return True
    if distribution.unit_id is None:
        return scope.everything or Refusal(_("Only the Development Center keeps company-wide distributions."), field="unit")
    unit = distribution.unit
    if not scope.covers_path(unit.path):
        return Refusal(_("%(unit)s is outside your part of the organisation.") % {"unit": unit}, field="unit")
    return True
