"""What an approval of a plan's request does beyond its state (which approvals writes itself, as declared
in plans/approval_subjects.py): called by approvals inside the decision's transaction."""

from django.utils.translation import gettext as _

from core.errors import Conflict, DomainError
from core.rights import SYSTEM
from plans.choices import SplitMethod
from plans.models import Plan, PlanVersion
from plans.selectors import child_candidates
from plans.services.decomposition import split_to_months, split_to_staff, split_to_units
from plans.services.inputs import check_date
from plans.services.plan_checks import plan_period_conflicts
from plans.services.plan_flow import plan_snapshot
from plans.services.targets import target_set
from regions.models import OrgUnit, StaffProfile
from workflow.services import task_create


# --- the approval hook (plans/approval_subjects.py; called by approvals inside the decision) ---------
def plan_on_approved(*, plan, request):
    """The plan's request is approved: set its targets (new versions for the unit, its children and
    months, exactly as approved) and turn its actions into tasks. Approvals then marks it approved
    (its state and approved_at, plans/approval_subjects.py)."""
    version = PlanVersion.objects.filter(request=request).first() or plan.versions.order_by("-number").first()
    lines = version.lines if version is not None else plan_snapshot(plan=plan)
    plan = Plan.objects.select_related("unit").get(pk=plan.pk)
    by = request.submitted_by
    rows = lines.get("targets", [])
    if rows:
        # Checked again here, under the locks every target write takes (the owners' unit rows, in id
        # order): another plan approved since this one was submitted may have changed a year or a month.
        child_kind, candidates = child_candidates(plan.unit)
        owners = {plan.unit_id, *(child.pk for child in candidates if child_kind == "unit")}
        list(OrgUnit.objects.select_for_update().filter(pk__in=owners).order_by("pk").values_list("pk", flat=True))
        conflicts = plan_period_conflicts(plan=plan, rows=rows)
        if conflicts:
            raise Conflict(
                _(
                    "The plan's targets disagree with the targets of other periods as they stand now: %(problems)s. Return it for revision."
                )
                % {"problems": "; ".join(c["message"] for c in conflicts)},
                field="targets",
                code="periods_disagree",
            )
    try:
        _apply_targets(plan, rows, by=by)
    except DomainError as error:
        raise Conflict(
            _("The plan's targets cannot be set as approved (%(error)s); return it for revision.") % {"error": error.message},
            field="targets",
        )
    if lines.get("actions"):
        for row in lines["actions"]:
            owner = StaffProfile.objects.get(pk=row["owner"])
            try:
                task_create(
                    title=row["what"],
                    owner=owner,
                    due_on=check_date(row["due_on"], label=row["what"]),
                    by=by,
                    description=row.get("notes", ""),
                    source=plan,
                )
            except DomainError as error:
                raise Conflict(
                    _("The action %(what)s cannot become a task (%(error)s); return the plan for revision.")
                    % {"what": row["what"], "error": error.message},
                    field="actions",
                )


def _apply_targets(plan, rows, *, by):
    # The approval is the authority here (its deciders' rights were asked by approvals): the system sets
    # the targets exactly as approved, recorded as set by the submitter.
    child_kind, candidates = child_candidates(plan.unit)
    for row in rows:
        target = target_set(
            metric=row["metric"], period=row["period"], unit=plan.unit, value=row["value"], by=SYSTEM, on_behalf_of=by
        )
        children = {int(child["id"]): child["value"] for child in row.get("children", [])}
        if children:
            values = {child.pk: children.get(child.pk, "0") for child in candidates}
            unknown = set(children) - set(values)
            if unknown:
                raise Conflict(
                    _("%(ids)s are no longer active children of %(unit)s.")
                    % {"ids": ", ".join(map(str, sorted(unknown))), "unit": plan.unit.name},
                    field="targets",
                )
            split = split_to_staff if child_kind == "staff" else split_to_units
            split(target=target, method=SplitMethod.MANUAL, values=values, by=SYSTEM, on_behalf_of=by)
        months = {month["month"]: month["value"] for month in row.get("months", [])}
        if months:
            split_to_months(target=target, values=months, distribution=row.get("distribution"), by=SYSTEM, on_behalf_of=by)
