"""Scoping-contract entries of this app (joined into tests.scoping_registry.REGISTRY): the targets,
plans and seasonal distributions of the API."""

from itertools import count

from core.rights import SYSTEM
from tests.scoping_registry import Scoped, Write, make_staff, make_unit


def make_target(district, owner):
    from plans.services import target_set

    if owner is not None:
        # In 杭州 a salesperson's own target (the rep sees only their own).
        return target_set(metric="sales_amount", period="2026", staff=owner.staff, value="1000.00", by=SYSTEM)
    return target_set(metric="sales_amount", period="2026", unit=district, value="5000.00", by=SYSTEM)


def make_plan(district, owner):
    from plans.models import Plan

    # A work plan written by a salesperson: rep_hangzhou_2's own in 杭州, a fresh rep's in 广州.
    author = owner.staff if owner is not None else make_staff(district, owner)
    return Plan.objects.create(kind="work", unit=district, period="2026-07", title="七月工作计划", author=author)


def make_distribution(district, owner):
    from plans.services import distribution_save

    return distribution_save(
        name=f"{district.code} 季节", kind="percentages", values=["8.00"] * 8 + ["9.00"] * 4, unit=district, by=SYSTEM
    )


ENTRIES = [
    Scoped(
        name="target API",
        make=make_target,
        api_list="target-list",
        api_detail="target-detail",
        find=lambda obj: {"staff": obj.staff_id} if obj.staff_id else {"unit": obj.unit_id, "current": "true"},
    ),
    Scoped(
        name="plan API",
        make=make_plan,
        api_list="plan-list",
        api_detail="plan-detail",
        # Drafts are edited by their author or the manager of the plan's unit (here the district manager); the
        # author is rep_hangzhou only in the ownership variant of the write contract (his own draft).
        api_patch={"title": "八月工作计划"},
        writers=frozenset({"dm_hangzhou", "dm_guangzhou", "rep_hangzhou"}),
        find=lambda obj: {"unit": obj.unit_id, "author": obj.author_id},
    ),
    Scoped(
        name="seasonal distribution API",
        make=make_distribution,
        api_list="seasonaldistribution-list",
        api_detail="seasonaldistribution-detail",
        rep_sees="unit",
        find=lambda obj: {"unit": obj.unit_id},
    ),
]


# --- writes ----------------------------------------------------------------------------------------------------
#
# Rules (core/roles.py "plan.change", "target.change"; plans/selectors.is_plan_writer): every person of the
# business writes plans in their scope — a sales rep only the work plan of their own district; a plan is then
# changed, submitted and revised by its author or by the manager of its own unit (not by managers above, who
# see it and approve it); only the one who submitted it withdraws it, before anyone decided. Seasonal
# distributions of a unit are kept by whoever holds "target.change" over that unit (managers and the center,
# not sales reps). Branch keys do none of this.
#
# Plans here are work plans: in 杭州 written by the owner rep (rep_hangzhou_2; in the ownership variant by
# rep_hangzhou himself), in 广州 by the 广州 district manager — so the plan writers among the personas are
# the 杭州 and 广州 district managers (the unit's managers) and rep_hangzhou for his own.

_n = count(1)

PEOPLE = frozenset(
    {"director", "center", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong", "dm_hangzhou", "dm_guangzhou", "rep_hangzhou"}
)
TARGET_KEEPERS = PEOPLE - {"rep_hangzhou"}
PLAN_WRITERS = frozenset({"dm_hangzhou", "dm_guangzhou", "rep_hangzhou"})


def _period():
    n = next(_n)
    return f"{2031 + n // 12}-{n % 12 + 1:02d}"


def _author(district, owner):
    from regions.models import StaffProfile

    if owner is not None:
        return owner.staff
    return StaffProfile.objects.get(unit=district, role="district_manager", user__isnull=False)


def _draft(district, owner):
    """A draft work plan with its text written (so it may be submitted)."""
    from plans.services import plan_create

    author = _author(district, owner)
    return plan_create(kind="work", unit=district, period=_period(), title="登记工作计划", body="拜访重点客户", by=author.user)


def _draft_with_target(district, owner):
    from plans.services import plan_lines_save

    plan = _draft(district, owner)
    author = _author(district, owner)
    plan_lines_save(
        plan=plan, by=author.user, targets=[{"metric": "sales_amount", "period": str(plan.period), "value": "1000.00"}]
    )
    return plan


def make_submitted(district, owner):
    from plans.services import plan_submit

    plan = _draft(district, owner)
    plan_submit(plan=plan, by=_author(district, owner).user)
    plan.refresh_from_db()
    return plan


def _approved(district, owner):
    """A plan as its approval left it (state approved), ready to be revised."""
    from plans.choices import PlanState
    from plans.models import Plan

    plan = make_submitted(district, owner)
    Plan.objects.filter(pk=plan.pk).update(state=PlanState.APPROVED)
    plan.refresh_from_db()
    return plan


def _months(value):
    return {f"m{month:02d}": value for month in range(1, 13)}


WRITES = [
    # --- API -------------------------------------------------------------------------------------------------
    Write(
        name="plan create",
        url="plan-list",
        make=make_unit,
        detail=False,
        body=lambda district, world, persona: {"kind": "work", "unit": district.pk, "period": _period(), "title": "新工作计划"},
        writers=PEOPLE,
        success=201,
        rep_sees="unit",
        outside=400,
    ),
    Write(name="plan PUT", url="plan-detail", method="put", make=make_plan, body={"title": "九月工作计划"}, writers=PLAN_WRITERS),
    Write(
        name="plan lines",
        url="plan-lines",
        method="put",
        make=_draft,
        body={"budget": [{"category": "差旅", "amount": "300.00", "note": ""}]},
        writers=PLAN_WRITERS,
    ),
    Write(
        name="plan split suggest",
        url="plan-split-suggest",
        make=_draft_with_target,
        body={"metric": "sales_amount", "months": True},
        writers=PLAN_WRITERS,
    ),
    Write(name="plan submit", url="plan-submit", make=_draft, writers=PLAN_WRITERS),
    # Only the submitter withdraws: in 广州 the district manager (who wrote it), in 杭州 the owner rep.
    Write(name="plan withdraw", url="plan-withdraw", make=make_submitted, writers=frozenset({"dm_guangzhou", "rep_hangzhou"})),
    Write(name="plan revise", url="plan-revise", make=_approved, writers=PLAN_WRITERS),
    Write(
        name="seasonal distribution create",
        url="seasonaldistribution-list",
        make=make_unit,
        detail=False,
        body=lambda district, world, persona: {
            "name": f"新季节{next(_n)}",
            "unit": district.pk,
            "kind": "percentages",
            "values": ["8.00"] * 8 + ["9.00"] * 4,
        },
        writers=TARGET_KEEPERS,
        success=201,
        rep_sees="unit",
        outside=400,
    ),
    # --- pages -----------------------------------------------------------------------------------------------
    Write(
        name="plan create page",
        url="plans:plan_create",
        make=make_unit,
        detail=False,
        body=lambda district, world, persona: {"kind": "work", "unit": district.pk, "period": _period(), "title": "新工作计划"},
        writers=PEOPLE,
        success=302,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="plan edit page",
        url="plans:plan_edit",
        make=_draft,
        body=lambda plan, world, persona: {
            "title": "改过的工作计划",
            "period": str(plan.period),
            "body": "拜访重点客户，回收账款",
            **{f"{group}-{key}": "0" for group in ("targets", "actions", "budget") for key in ("TOTAL_FORMS", "INITIAL_FORMS")},
        },
        writers=PLAN_WRITERS,
        success=302,
    ),
    Write(name="plan submit page", url="plans:plan_submit", make=_draft, writers=PLAN_WRITERS, success=302),
    Write(
        name="plan withdraw page",
        url="plans:plan_withdraw",
        make=make_submitted,
        writers=frozenset({"dm_guangzhou", "rep_hangzhou"}),
        success=302,
    ),
    Write(name="plan revise page", url="plans:plan_revise", make=_approved, writers=PLAN_WRITERS, success=302),
    Write(
        name="seasonal distribution create page",
        url="plans:distribution_create",
        make=make_unit,
        detail=False,
        body=lambda district, world, persona: {
            "name": f"新季节{next(_n)}",
            "unit": district.pk,
            "kind": "percentages",
            **_months("8.00"),
            "m12": "12.00",
        },
        writers=TARGET_KEEPERS,
        success=302,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="seasonal distribution edit page",
        url="plans:distribution_edit",
        make=make_distribution,
        body={"kind": "percentages", **_months("8.00"), "m12": "12.00"},
        writers=TARGET_KEEPERS,
        success=302,
        rep_sees="unit",
    ),
]


def _resubmitted(district, owner):
    """A plan submitted, withdrawn and submitted again: two versions to compare."""
    from plans.services import plan_submit, plan_withdraw

    plan = make_submitted(district, owner)
    author = _author(district, owner).user
    plan_withdraw(plan=plan, by=author)
    plan.refresh_from_db()
    plan_submit(plan=plan, by=author)
    plan.refresh_from_db()
    return plan


# Detail sub-resources read through the same scoped lookup as the plan itself.
ENTRIES += [
    Scoped(name="plan check", make=make_plan, api_detail="plan-check", api_detail_is_object=False),
    Scoped(name="plan versions", make=make_plan, api_detail="plan-versions", api_detail_is_object=False),
    Scoped(name="plan diff", make=_resubmitted, api_detail="plan-diff", api_detail_is_object=False),
]
