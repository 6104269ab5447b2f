"""Plans (计划): drafts with target, split, action and budget lines; submission through approvals.
This module starts a draft and changes its title, text and period; the lines (plan_lines), the checks
(plan_checks), submission and revision (plan_flow) and the approval hooks (plan_approval) are its siblings.

Who may do what is written once, in plans/rights.py (plan.create, plan.edit, plan.submit, plan.revise,
plan.withdraw); every service here asks it with `ensure(by, ...)` before it writes.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Conflict, InvalidInput
from core.rights import ensure
from plans.choices import PlanKind
from plans.models import Plan
from plans.rights import NewPlan
from plans.services.inputs import check_period, check_text
from regions.models import OrgUnit


def _plan_kind(kind):
    if kind not in PlanKind.values:
        raise InvalidInput(
            _("Unknown kind of plan %(kind)s: use one of %(choices)s.") % {"kind": kind, "choices": ", ".join(PlanKind.values)},
            field="kind",
        )
    return PlanKind(kind)


def lock_plan(plan):
    return Plan.objects.select_for_update().select_related("unit", "author").get(pk=plan.pk)


def require_editable(plan):
    if not plan.is_editable:
        raise Conflict(
            _("The plan is %(state)s; a draft is changed only before submission or after a return or withdrawal.")
            % {"state": plan.get_state_display()},
            field="state",
        )


@transaction.atomic
def plan_create(*, kind, unit, period, title, by, body=""):
    """Start a plan (draft) of a unit for a period; the author is the person writing it (a member of
    staff: the system itself writes no plans)."""
    kind = _plan_kind(kind)
    ensure(by, "plan.create")
    if not isinstance(unit, OrgUnit):
        unit = OrgUnit.objects.filter(pk=unit).first() if isinstance(unit, int) else None
        if unit is None:
            raise InvalidInput(_("No such org unit."), field="unit")
    if not unit.is_active:
        raise InvalidInput(_("%(unit)s is closed and takes no new plans.") % {"unit": unit}, field="unit")
    ensure(by, "plan.create", NewPlan(unit=unit, kind=kind))
    staff = by.staff_profile
    period = check_period(period)
    title = check_text(title, field="title", label=_("The title"), max_length=200)
    body = check_text(body, field="body", label=_("The text"), max_length=None, required=False)
    return Plan.objects.create(kind=kind, unit=unit, period=period, title=title, body=body, author=staff)


@transaction.atomic
def plan_update(*, plan, by, title=None, body=None, period=None):
    """Change the title, text or period of a draft (only before submission or after a return)."""
    plan = lock_plan(plan)
    ensure(by, "plan.edit", plan)
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
