"""Scoping-contract entries of the plan and target pages (joined into tests.scoping_registry.REGISTRY).

The objects are made exactly as for the API entries of plans (tests/registry_plans.py): in 杭州 a work
plan and a target owned by the owner salesperson (rep_hangzhou_2), in 广州 a fresh rep's plan and the
district's own target; a seasonal distribution of the district (which a salesperson of that district
may read and use, hence rep_sees="unit")."""

from tests.registry_plans import make_distribution, make_plan, make_target
from tests.scoping_registry import Scoped

ENTRIES = [
    Scoped(
        name="plan page",
        make=make_plan,
        web_list="plans:plan_list",
        web_detail="plans:plan_detail",
        find=lambda obj: {"unit": obj.unit_id, "author": obj.author_id},
    ),
    Scoped(
        name="target page",
        make=make_target,
        web_list="plans:target_list",
        web_detail="plans:target_detail",
        find=lambda obj: {"staff": obj.staff_id} if obj.staff_id else {"unit": obj.unit_id, "current": "true"},
    ),
    Scoped(
        name="seasonal distribution page",
        make=make_distribution,
        web_list="plans:distribution_list",
        rep_sees="unit",
        find=lambda obj: {"unit": obj.unit_id},
    ),
]
