"""Scoping-contract entries of this app (joined into tests.scoping_registry.REGISTRY): the targets,
plans and seasonal distributions of the API."""

from core.rights import SYSTEM
from tests.scoping_registry import Scoped, _staff


def _target(district, owner):
    from plans.services import target_set

    if owner is not None:
        # In 杭州 a salesperson's own target (the rep sees only their own).
        return target_set(metric="sales_amount", period="2026", staff=owner.staff, value="1000.00", by=SYSTEM)
    return target_set(metric="sales_amount", period="2026", unit=district, value="5000.00", by=SYSTEM)


def _plan(district, owner):
    from plans.models import Plan

    # A work plan written by a salesperson: rep_hangzhou_2's own in 杭州, a fresh rep's in 广州.
    author = owner.staff if owner is not None else _staff(district, owner)
    return Plan.objects.create(kind="work", unit=district, period="2026-07", title="七月工作计划", author=author)


def _distribution(district, owner):
    from plans.services import distribution_save

    return distribution_save(
        name=f"{district.code} 季节", kind="percentages", values=["8.00"] * 8 + ["9.00"] * 4, unit=district, by=SYSTEM
    )


ENTRIES = [
    Scoped(
        name="target API",
        make=_target,
        api_list="target-list",
        api_detail="target-detail",
        find=lambda obj: {"staff": obj.staff_id} if obj.staff_id else {"unit": obj.unit_id, "current": "true"},
    ),
    Scoped(
        name="plan API",
        make=_plan,
        api_list="plan-list",
        api_detail="plan-detail",
        # Drafts are edited by their author or the manager of the plan's unit (here the district manager).
        api_patch={"title": "八月工作计划"},
        writers=frozenset({"dm_hangzhou", "dm_guangzhou"}),
        find=lambda obj: {"unit": obj.unit_id, "author": obj.author_id},
    ),
    Scoped(
        name="seasonal distribution API",
        make=_distribution,
        api_list="seasonaldistribution-list",
        api_detail="seasonaldistribution-detail",
        rep_sees="unit",
        find=lambda obj: {"unit": obj.unit_id},
    ),
]
