"""Plans (计划): drafts with target, split, action and budget lines; submission through approvals.
This module starts a draft and changes its title, text and period; the lines (plan_lines), the checks
(plan_checks), submission and revision (plan_flow) and the approval hooks (plan_approval) are its siblings.

Who may do what (one rule, read by pages and API through plans.selectors.can_*):
- write a plan: anyone with `plan.change` whose scope covers the unit; a salesperson only their own
  work plan for their own district;
- edit, submit and revise a draft: its author, or the manager of the plan's unit (who answers for it);
  upper levels read it and decide on it through the approval chain, they do not edit it;
- withdraw: the submitter, through approvals.services.request_withdraw.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Conflict, InvalidInput
from plans.services.inputs import check_period, check_text
from regions.choices import Role
from regions.models import OrgUnit


def not_allowed(message, field=None):
    from approvals.services import NotAllowed

    return NotAllowed(message, field=field)


def _plan_kind(kind):
    from plans.choices import PlanKind

    if kind not in PlanKind.values:
        raise InvalidInput(
            _("Unknown kind of plan %(kind)s: use one of %(choices)s.") % {"kind": kind, "choices": ", ".join(PlanKind.values)},
            field="kind",
        )
    return PlanKind(kind)


def lock_plan(plan):
    from plans.models import Plan

    return Plan.objects.select_for_update().select_related("unit", "author").get(pk=plan.pk)


def require_writer(plan, by, message):
    from plans import selectors

    if not selectors.is_plan_writer(plan, by):
        raise not_allowed(message)


def require_editable(plan):
    if not plan.is_editable:
        raise Conflict(
            _("The plan is %(state)s; a draft is changed only before submission or after a return or withdrawal.")
            % {"state": plan.get_state_display()},
            field="state",
        )


@transaction.atomic
def plan_create(*, kind, unit, period, title, by, body=""):
    """Start a plan (draft) of a unit for a period; the author is the person writing it."""
    from core.roles import can, role_of
    from core.scoping import scope_of
    from plans.choices import REP_PLAN_KINDS
    from plans.models import Plan

    kind = _plan_kind(kind)
    staff = getattr(by, "staff_profile", None) if by is not None else None
    if role_of(by) is None or not can(by, "plan.change"):
        raise not_allowed(_("You have no right to write plans."))
    if staff is None:
        raise not_allowed(_("Only a staff member can write a plan."))
    if not isinstance(unit, OrgUnit):
        unit = OrgUnit.objects.filter(pk=unit).first() if isinstance(unit, int) else None
        if unit is None:
            raise InvalidInput(_("No such org unit."), field="unit")
    if not unit.is_active:
        raise InvalidInput(_("%(unit)s is closed and takes no new plans.") % {"unit": unit}, field="unit")
    if not scope_of(by).covers_path(unit.path):
        raise not_allowed(_("You can write plans only for your own unit or a unit below it."), field="unit")
    if staff.role == Role.SALES_REP and kind not in REP_PLAN_KINDS:
        raise not_allowed(_("A salesperson writes only their own work plan."), field="kind")
    period = check_period(period)
    title = check_text(title, field="title", label=_("The title"), max_length=200)
    body = check_text(body, field="body", label=_("The text"), max_length=None, required=False)
    return Plan.objects.create(kind=kind, unit=unit, period=period, title=title, body=body, author=staff)


@transaction.atomic
def plan_update(*, plan, by, title=None, body=None, period=None):
    """Change the title, text or period of a draft (only before submission or after a return)."""
    plan = lock_plan(plan)
    require_writer(plan, by, _("Only the author or the manager of the unit can change this plan."))
    require_editable(plan)
    fields = ["updated_at"]
    if title is not None:
        plan.title = check_text(title, field="title", label=_("The title"), max_length=200)
        fields.append("title")
    if body is not None:
        plan.body = check_text(body, field="body", label=_("The text"), max_length=None, required=False)
        fields.append("body")
    if period is not None:
        period = check_period(period)
        outside = [line for line in plan.target_lines.all() if not period.contains(line.period)]
        if outside:
            raise InvalidInput(
                _("Target lines lie outside %(period)s (%(lines)s); change or remove them first.")
                % {"period": period, "lines": ", ".join(f"{line.get_metric_display()} {line.period}" for line in outside)},
                field="period",
            )
        plan.period = period
        fields.append("period")
    plan.save(update_fields=fields)
    return plan
