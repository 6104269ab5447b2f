"""Writes of the plans app, by subject: targets and their decomposition, seasonal distributions, then plans
(drafts, lines, checks, submission, approval hooks). Import from here: `from plans.services import target_set`.

Rules written once here: a target is never edited in place (a new version supersedes the current one);
a split's children sum exactly to the parent (`core.money.allocate`: round down, then the remainder
one unit at a time to the largest fractions, ties by code); values are Decimal to the cent, counts whole.
"""

from plans.services.decomposition import SplitResult, check_decomposition, split_to_months, split_to_staff, split_to_units
from plans.services.distributions import distribution_save, distribution_values
from plans.services.drafts import plan_create, plan_update
from plans.services.plan_approval import plan_on_approved
from plans.services.plan_checks import PlanDoesNotAddUp, plan_check, plan_period_conflicts
from plans.services.plan_flow import plan_revise, plan_snapshot, plan_submit, plan_withdraw
from plans.services.plan_lines import plan_lines_save, plan_split_suggest
from plans.services.targets import target_set

__all__ = [
    # targets and their decomposition
    "target_set",
    "SplitResult",
    "split_to_units",
    "split_to_staff",
    "split_to_months",
    "check_decomposition",
    # seasonal distributions
    "distribution_save",
    "distribution_values",
    # plans
    "plan_create",
    "plan_update",
    "plan_lines_save",
    "plan_split_suggest",
    "PlanDoesNotAddUp",
    "plan_check",
    "plan_period_conflicts",
    "plan_snapshot",
    "plan_submit",
    "plan_withdraw",
    "plan_revise",
    # approval hooks (called by approvals.services inside the transition)
    "plan_on_approved",
]
