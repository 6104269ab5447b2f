"""A plan's way through approval: its snapshot, submission (报审), withdrawal and revision."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from approvals.services import request_submit, request_withdraw
from core.errors import Conflict, InvalidInput
from core.rights import ensure
from plans import selectors
from plans.choices import PlanState
from plans.models import Plan, PlanVersion
from plans.services.drafts import lock_plan, require_editable
from plans.services.inputs import check_within_range
from plans.services.plan_checks import PlanDoesNotAddUp, plan_check
from plans.services.plan_lines import lines_replace


def plan_snapshot(*, plan):
    """The content of the draft as it would be frozen (title, text, lines, totals)."""
    return {
        "plan": plan.pk,
        "title": plan.title,
        "body": plan.body,
        **selectors.plan_lines(plan),
        "totals": selectors.plan_totals(plan),
    }


@transaction.atomic
def plan_submit(*, plan, by):
    """Submit the draft for approval (报审): the lines must add up; freezes the next PlanVersion and opens
    the approval request (chain and SLA from approvals). The plan's state follows the request."""
    plan = lock_plan(plan)
    ensure(by, "plan.submit", plan)
    require_editable(plan)
    lines = selectors.plan_lines(plan)
    if not plan.body.strip() and not (lines["targets"] or lines["actions"] or lines["budget"]):
        raise InvalidInput(_("The plan is empty: write its text or add target, action or budget lines."), field="body")
    problems = plan_check(plan=plan)
    if problems:
        raise PlanDoesNotAddUp(problems)
    totals = selectors.plan_totals(plan)
    check_within_range(Decimal(totals["budget"]), field="budget", label=_("The budget lines"))
    number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PlanVersion.objects.create(
        plan=plan, number=number, title=plan.title, body=plan.body, lines=lines, totals=totals, created_by=by
    )
    budget_total = Decimal(totals["budget"])
    request = request_submit(
        subject=plan,
        kind=plan.approval_kind,
        unit=plan.unit,
        title=plan.title,
        by=by,
        snapshot=version.snapshot(),
        amount=budget_total if budget_total else None,
    )
    version.request = request
    version.save(update_fields=["request"])
    plan.state = PlanState.SUBMITTED
    plan.submitted_at = request.submitted_at
    plan.save(update_fields=["state", "submitted_at", "updated_at"])
    return request


@transaction.atomic
def plan_withdraw(*, plan, by):
    """The submitter takes the plan back (撤回) before any reviewer decided; it is editable again. What is
    withdrawn is the approval request, so its right is the request's: approvals.services.request_withdraw
    asks it (the submitter only) before anything changes."""
    plan = lock_plan(plan)
    request = selectors.plan_request(plan)
    if request is None or plan.state != PlanState.SUBMITTED:
        raise Conflict(
            _("Only a submitted plan can be withdrawn; this one is %(state)s.") % {"state": plan.get_state_display()},
            field="state",
        )
    return request_withdraw(request=request, by=by)


def _lines_input(lines):
    """A version's lines JSON → the input of plan_lines_save."""
    targets = [
        {
            "metric": row["metric"],
            "period": row["period"],
            "value": row["value"],
            "split_method": row.get("split_method") or "",
            "distribution": row.get("distribution"),
            "children": {str(child["id"]): child["value"] for child in row.get("children", [])},
            "months": {month["month"]: month["value"] for month in row.get("months", [])},
        }
        for row in lines.get("targets", [])
    ]
    actions = [
        {"what": row["what"], "owner": row["owner"], "due_on": row["due_on"], "notes": row.get("notes", "")}
        for row in lines.get("actions", [])
    ]
    budget = [
        {"category": row["category"], "amount": row["amount"], "note": row.get("note", "")} for row in lines.get("budget", [])
    ]
    return targets, actions, budget


@transaction.atomic
def plan_revise(*, plan, by):
    """Change a decided plan. Approved: the same plan becomes a draft again (from its last version) and
    its next approval sets new Target versions. Rejected: a rejected matter is never submitted again, so
    a new draft plan (revises=the rejected one) is made from the last version. Returns the draft."""
    plan = lock_plan(plan)
    ensure(by, "plan.revise", plan)
    if plan.state not in (PlanState.APPROVED, PlanState.REJECTED):
        raise Conflict(
            _("Only an approved or rejected plan is revised; this one is %(state)s.") % {"state": plan.get_state_display()},
            field="state",
        )
    last = plan.versions.order_by("-number").first()
    if plan.state == PlanState.APPROVED:
        draft = plan
        draft.state = PlanState.DRAFT
        if last is not None:
            draft.title, draft.body = last.title, last.body
        draft.save(update_fields=["state", "title", "body", "updated_at"])
    else:
        staff = getattr(by, "staff_profile", None) or plan.author
        draft = Plan.objects.create(
            kind=plan.kind,
            unit=plan.unit,
            period=plan.period,
            title=last.title if last else plan.title,
            body=last.body if last else plan.body,
            author=staff,
            revises=plan,
        )
    if last is not None:
        targets, actions, budget = _lines_input(last.lines)
        draft = Plan.objects.select_related("unit", "author").get(pk=draft.pk)
        lines_replace(draft, targets=targets, actions=actions, budget=budget)
    return draft
