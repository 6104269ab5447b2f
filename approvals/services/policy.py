"""What each kind of request asks of the company: one row per kind in one table (POLICY).

A row says how the chain is derived (`route`), how many Chinese working days the decision may take
(`sla_days`) and above which amount the director decides last (`director_above`, a threshold of the
company's authority table). A new kind of request is one new ApprovalKind and one new row here; the
system check `approvals.E001` refuses to start while a kind has no row.
"""

from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.calendar import add_working_days
from approvals.choices import ApprovalKind
from core.errors import InvalidInput


class Route(StrEnum):
    # The manager one level above the submitting unit (a work plan: district → province → region → center).
    NEXT_MANAGER = "next_manager"
    # "报发展中心审核审批": the regional manager first when submitted below region level, then the center.
    CENTER = "center"
    # Up the tree one manager at a time — the province's, the region's, the center's pool, the director — as
    # many levels as the submitter's service asks (request_submit's `levels`; all of them when it does not say).
    LADDER = "ladder"


@dataclass(frozen=True)
class KindPolicy:
    """The rules of one kind of request."""

    route: Route
    # A decision is due at the end of this many Chinese working days after submission (the SLA).
    sla_days: int
    # Above this amount the director decides last; None: the amount does not change the chain.
    director_above: Decimal | None = None


BIG_AMOUNT = Decimal("1000000.00")

# Every kind of request, in one place.
POLICY = {
    ApprovalKind.PLAN_MARKETING: KindPolicy(Route.CENTER, sla_days=5),
    ApprovalKind.PLAN_WORK: KindPolicy(Route.NEXT_MANAGER, sla_days=3),
    ApprovalKind.PLAN_STRATEGY: KindPolicy(Route.CENTER, sla_days=10),
    ApprovalKind.PLAN_CHANNEL_EXPANSION: KindPolicy(Route.CENTER, sla_days=5),
    ApprovalKind.PLAN_PROMOTION: KindPolicy(Route.CENTER, sla_days=3),
    ApprovalKind.PLAN_PRODUCT_EXPANSION: KindPolicy(Route.CENTER, sla_days=5),
    ApprovalKind.PLAN_CUSTOMER_EXPANSION: KindPolicy(Route.CENTER, sla_days=5),
    ApprovalKind.PLAN_EXPENSE_PROFIT: KindPolicy(Route.CENTER, sla_days=5),
    ApprovalKind.PLAN_STAFF_DEVELOPMENT: KindPolicy(Route.CENTER, sla_days=5),
    ApprovalKind.BUDGET: KindPolicy(Route.CENTER, sla_days=5, director_above=BIG_AMOUNT),
    # Spending beyond budget: the manager above decides; large sums end with the director.
    ApprovalKind.EXPENSE_OVER_BUDGET: KindPolicy(Route.NEXT_MANAGER, sla_days=3, director_above=BIG_AMOUNT),
    # A write-off of bad debt (坏账核销, issue 16): the ladder from the customer's district — province, region, the
    # center's pool, and the director above the threshold of risk.services.write_offs.chain_levels (and always
    # above a million).
    ApprovalKind.BAD_DEBT: KindPolicy(Route.LADDER, sla_days=5, director_above=BIG_AMOUNT),
    # A credit-limit exception (信用额度例外, issue 16): the ladder, as high as its amount and the customer's grade
    # say (risk.services.credit_exceptions.chain_levels); above a million always ending with the director.
    ApprovalKind.CREDIT_LIMIT_EXCEPTION: KindPolicy(Route.LADDER, sla_days=2, director_above=BIG_AMOUNT),
    ApprovalKind.APPRAISAL_SCHEME: KindPolicy(Route.CENTER, sla_days=10),
    ApprovalKind.RATING_SCHEME: KindPolicy(Route.CENTER, sla_days=10),
    # A grade set by hand: the Development Center decides, within two working days.
    ApprovalKind.GRADE_OVERRIDE: KindPolicy(Route.CENTER, sla_days=2),
    ApprovalKind.REWARD_PROPOSAL: KindPolicy(Route.CENTER, sla_days=5, director_above=BIG_AMOUNT),
    ApprovalKind.CONTRACT_FILING: KindPolicy(Route.CENTER, sla_days=3),
    ApprovalKind.REPORT: KindPolicy(Route.CENTER, sla_days=3),
    # An under-performing unit's improvement plan (整改方案): the Development Center approves it.
    ApprovalKind.IMPROVEMENT_PLAN: KindPolicy(Route.CENTER, sla_days=5),
    # A change of the early-warning rules: company policy like a rating scheme, decided by the center's pool.
    ApprovalKind.WARNING_RULE: KindPolicy(Route.CENTER, sla_days=10),
    # The provision rates per ageing bucket (坏账准备计提比例): company policy, decided by the center's pool.
    ApprovalKind.PROVISION_POLICY: KindPolicy(Route.CENTER, sla_days=10),
    # Releasing a credit hold (解除暂停赊销, issue 16): the ladder, up to the region for an overdue invoice, up to
    # the center's pool for a grade D customer (risk.services.credit_holds).
    ApprovalKind.CREDIT_HOLD_RELEASE: KindPolicy(Route.LADDER, sla_days=2),
    # The credit policy (limits per grade, caps, hold rules): company policy like a rating scheme, the center's pool.
    ApprovalKind.CREDIT_POLICY: KindPolicy(Route.CENTER, sla_days=10),
    # A credit limit above what the policy suggests (issue 16): the ladder up to the center's pool; the director above
    # a million.
    ApprovalKind.CREDIT_LIMIT_CHANGE: KindPolicy(Route.LADDER, sla_days=3, director_above=BIG_AMOUNT),
    # Reversing a write-off (the debt is open again): the regional manager, then the center's pool.
    ApprovalKind.WRITE_OFF_REVERSAL: KindPolicy(Route.CENTER, sla_days=5),
    # A unit's requirement plan for promotional materials (推广用品需求计划, issue 17): the center's pool decides.
    ApprovalKind.MATERIAL_REQUEST: KindPolicy(Route.CENTER, sla_days=3),
    # A headcount request (编制申请, issue 19): the regional manager over the unit, then the center's pool (the
    # Development Center approves headcount).
    ApprovalKind.HEADCOUNT_REQUEST: KindPolicy(Route.CENTER, sla_days=5),
    # A new version of a role's capability model (能力模型, issue 19): company policy, the center's pool decides.
    ApprovalKind.CAPABILITY_MODEL: KindPolicy(Route.CENTER, sla_days=10),
    # A promotion recommendation (晋升建议, issue 19): the ladder above the person's unit up to the center's pool
    # (team.services.promo.promotion_submit asks for those levels; the director is not on it).
    ApprovalKind.PROMOTION: KindPolicy(Route.LADDER, sla_days=5),
}


def policy_of(kind):
    """The row of `kind`; an unknown kind is refused on the field `kind`."""
    try:
        return POLICY[kind]
    except KeyError:
        raise InvalidInput(_("Unknown approval kind."), field="kind") from None


def due_at_for(*, kind, submitted_at):
    """End of the `sla_days`-th Chinese working day after submission (company time zone)."""
    tz = timezone.get_default_timezone()
    day = add_working_days(timezone.localtime(submitted_at, tz).date(), policy_of(kind).sla_days)
    return datetime.combine(day, time(23, 59, 59), tzinfo=tz)
