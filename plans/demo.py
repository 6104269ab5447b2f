"""Demo plans for the current year, written through the services and decided through approvals:

- every region's annual marketing plan, approved by the Development Center: sales and collection targets
  split to the provinces (by last year's actuals) and to months (by the company's seasonal distribution),
  so the Targets exist as approved versions;
- plans waiting in the queue: Zhejiang's and Guangdong's marketing plans at their regional managers
  (Zhejiang's submitted more than its SLA ago — see below), two regions' plans at the center (East China's
  overdue), a district's work plan waiting for the provincial manager;
- a plan returned for revision with the reviewer's comment (广州's marketing plan);
- approved work plans of a district and of a salesperson (their actions became tasks).

Backdating: approvals.services.request_submit stamps `now` itself (it takes no clock), so the demo submits
normally and then moves that request's submitted_at / due_at (and its submit event's time, and the plan's
submitted_at) back by whole days — only the demo does this, to show overdue items in the queue.
Idempotent: nothing happens when the first region's plan of the year exists.
"""

from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from approvals import services as approvals
from approvals.models import ApprovalEvent, ApprovalRequest
from core.errors import Unprocessable
from core.rights import SYSTEM
from core.roles import Role
from plans import selectors, services
from plans.models import Plan, SeasonalDistribution
from plans.selectors import actual
from regions.models import OrgUnit, StaffProfile

SEASONAL_NAME = "标准季节分布（营销）"
SEASONAL = ["6.00", "6.00", "8.00", "8.00", "8.00", "9.00", "8.00", "8.00", "9.00", "9.00", "10.00", "11.00"]
DEFAULT_TARGETS = {"sales_amount": Decimal("30000000.00"), "collections": Decimal("25000000.00")}
GROWTH = Decimal("1.12")
STEP = Decimal("10000")


def _users():
    User = get_user_model()
    return {u.username: u for u in User.objects.select_related("staff_profile__unit").filter(staff_profile__isnull=False)}


def _regional_manager(region):
    return (
        StaffProfile.objects.filter(unit=region, role=Role.REGIONAL_MANAGER, is_active=True, user__isnull=False)
        .select_related("user")
        .order_by("pk")
        .first()
    )


def _rounded_target(metric, unit, year):
    try:
        last = actual(metric=metric, period=str(year - 1), unit=unit)
    except Unprocessable:
        last = Decimal(0)
    if not last:
        return DEFAULT_TARGETS[metric]
    return ((last * GROWTH) / STEP).to_integral_value(rounding=ROUND_CEILING) * STEP


def _backdate(request, plan, *, days):
    """Move a just-submitted request `days` back in time (see the module docstring)."""
    submitted_at = request.submitted_at - timedelta(days=days)
    due_at = approvals.due_at_for(kind=request.kind, submitted_at=submitted_at)
    ApprovalRequest.objects.filter(pk=request.pk).update(submitted_at=submitted_at, due_at=due_at)
    ApprovalEvent.objects.filter(request=request, action="submit").update(at=submitted_at)
    Plan.objects.filter(pk=plan.pk).update(submitted_at=submitted_at)


def _marketing_plan(*, unit, by, year, title, body, budget, action_owner=None, due_on=None):
    plan = services.plan_create(kind="marketing", unit=unit, period=str(year), title=title, by=by, body=body)
    targets = [{"metric": metric, "value": str(_rounded_target(metric, unit, year))} for metric in DEFAULT_TARGETS]
    actions = []
    if action_owner is not None:
        actions.append({"what": f"组织{unit.name}季度经营分析会", "owner": action_owner.pk, "due_on": due_on.isoformat()})
    services.plan_lines_save(plan=plan, by=by, targets=targets, actions=actions, budget=budget)
    distribution = SeasonalDistribution.objects.get(name=SEASONAL_NAME, unit__isnull=True)
    _kind, children = selectors.child_split_columns(plan)
    for row in targets:
        services.plan_split_suggest(
            plan=plan,
            by=by,
            metric=row["metric"],
            method="last_year" if children else None,
            distribution=distribution,
        )
    return plan


def _work_plan(*, unit, by, period, title, body, actions):
    plan = services.plan_create(kind="work", unit=unit, period=period, title=title, by=by, body=body)
    services.plan_lines_save(plan=plan, by=by, actions=actions)
    return plan


@transaction.atomic
def load_demo_plans(*, today=None):
    """Load the demo plans of `today`'s year (default: today); returns counts. Idempotent."""
    today = today or timezone.localdate()
    year = today.year
    counts = {"approved": 0, "waiting": 0, "overdue": 0, "returned": 0, "work_plans": 0, "created": 0}
    regions = list(OrgUnit.objects.filter(kind="region", is_active=True).order_by("code"))
    if not regions or Plan.objects.filter(unit=regions[0], kind="marketing", period=str(year)).exists():
        return counts
    users = _users()
    center = users.get("center")
    if center is None:
        return counts
    if not SeasonalDistribution.objects.filter(name=SEASONAL_NAME, unit__isnull=True).exists():
        services.distribution_save(name=SEASONAL_NAME, kind="percentages", values=SEASONAL, by=SYSTEM)
    quarter_end = date(year, min(12, ((today.month - 1) // 3 + 1) * 3), 28)

    # 1. Every region's annual marketing plan, approved by the center.
    for region in regions:
        manager = _regional_manager(region)
        if manager is None:
            continue
        plan = _marketing_plan(
            unit=region,
            by=manager.user,
            year=year,
            title=f"{year}年{region.name}营销计划",
            body=f"{region.name}{year}年营销计划：巩固重点客户，拓展新渠道，回款与销售同步增长。",
            budget=[{"category": "市场推广", "amount": "200000.00"}, {"category": "客户活动", "amount": "80000.00"}],
            action_owner=manager,
            due_on=quarter_end,
        )
        request = services.plan_submit(plan=plan, by=manager.user)
        approvals.request_approve(request=request, by=center, comment="同意，按计划执行。")
        counts["approved"] += 1
        counts["created"] += 1

    # 2. Waiting in the queue: provinces' marketing plans (Zhejiang's past its SLA) → the regional manager.
    for username, code, days in (("pm_zhejiang", "330000", 12), ("pm_guangdong", "440000", 0)):
        user = users.get(username)
        if user is None:
            continue
        unit = OrgUnit.objects.get(code=code)
        plan = _marketing_plan(
            unit=unit,
            by=user,
            year=year,
            title=f"{year}年{unit.name}营销计划",
            body=f"{unit.name}按大区目标分解到各地办，重点抓回款。",
            budget=[{"category": "市场推广", "amount": "60000.00"}],
        )
        request = services.plan_submit(plan=plan, by=user)
        if days:
            _backdate(request, plan, days=days)
            counts["overdue"] += 1
        counts["waiting"] += 1
        counts["created"] += 1

    # Waiting for the center: regions' channel-expansion and promotion plans (the first past its SLA).
    for username, kind, title, days in (
        ("rm_east", "channel_expansion", "渠道拓展计划", 9),
        ("rm_south", "promotion", "年末促销计划", 0),
    ):
        user = users.get(username)
        if user is None:
            continue
        unit = user.staff_profile.unit
        plan = services.plan_create(
            kind=kind,
            unit=unit,
            period=f"{year}-Q{(today.month - 1) // 3 + 1}",
            title=f"{unit.name}{title}",
            by=user,
            body=f"{unit.name}{title}：新增合作渠道，配套市场活动。",
        )
        services.plan_lines_save(plan=plan, by=user, budget=[{"category": "渠道活动", "amount": "120000.00"}])
        request = services.plan_submit(plan=plan, by=user)
        if days:
            _backdate(request, plan, days=days)
            counts["overdue"] += 1
        counts["waiting"] += 1
        counts["created"] += 1

    # 3. Returned for revision: 广州's marketing plan, returned by the regional manager with a comment.
    dm_guangzhou, rm_south = users.get("dm_guangzhou"), users.get("rm_south")
    if dm_guangzhou is not None and rm_south is not None:
        unit = dm_guangzhou.staff_profile.unit
        plan = _marketing_plan(
            unit=unit,
            by=dm_guangzhou,
            year=year,
            title=f"{year}年{unit.name}营销计划",
            body="广州地办全年营销计划。",
            budget=[{"category": "市场推广", "amount": "30000.00"}],
        )
        request = services.plan_submit(plan=plan, by=dm_guangzhou)
        _backdate(request, plan, days=3)
        approvals.request_return(request=request, by=rm_south, comment="回款目标偏低，请按去年同期增长 15% 重新分解。")
        counts["returned"] += 1
        counts["created"] += 1

    # 4. Work plans: a salesperson's (approved by the district manager), a district's (waiting).
    month = f"{year}-{today.month:02d}"
    rep, dm = users.get("rep_hangzhou"), users.get("dm_hangzhou")
    if rep is not None and dm is not None:
        plan = _work_plan(
            unit=rep.staff_profile.unit,
            by=rep,
            period=month,
            title=f"{month} 个人工作计划",
            body="本月拜访客户 20 家，完成回款计划。",
            actions=[
                {"what": "拜访重点客户 10 家", "owner": rep.staff_profile.pk, "due_on": (today + timedelta(days=10)).isoformat()},
                {"what": "跟进逾期账款催收", "owner": rep.staff_profile.pk, "due_on": (today + timedelta(days=5)).isoformat()},
            ],
        )
        request = services.plan_submit(plan=plan, by=rep)
        approvals.request_approve(request=request, by=dm, comment="同意")
        counts["work_plans"] += 1
        plan = _work_plan(
            unit=dm.staff_profile.unit,
            by=dm,
            period=month,
            title=f"{month} 杭州地办工作计划",
            body="组织业务员培训；完成季度回款目标。",
            actions=[
                {"what": "组织业务员产品培训", "owner": dm.staff_profile.pk, "due_on": (today + timedelta(days=14)).isoformat()}
            ],
        )
        request = services.plan_submit(plan=plan, by=dm)
        _backdate(request, plan, days=1)
        counts["work_plans"] += 1
        counts["waiting"] += 1
        counts["created"] += 2
    return counts
