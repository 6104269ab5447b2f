"""Demo special events: four events in the demo personas' districts, one in each state of their life — one
closed with its summary (广州, last month), one in progress with a procedure half done (杭州, a key customer),
one just reported (杭州, a competitor's price cut, critical) and one owned higher up (浙江, a regulator's visit). And one improvement plan in progress (杭州), after the flags.

Everything goes through the services, so owners, timelines and notifications are what the app makes.
Idempotent: does nothing when any event exists.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from approvals.calendar import add_working_days
from approvals.demo import approve_through
from core.rights import SYSTEM
from core.roles import Role
from customers.models import Customer, Product
from regions.models import OrgUnit, StaffProfile
from risk import services
from risk.models import ImprovementPlan, SpecialEvent


def _person(code, role):
    return (
        StaffProfile.objects.filter(unit__code=code, role=role, is_active=True, user__isnull=False)
        .select_related("user")
        .order_by("pk")
        .first()
    )


def _by(person):
    return person.user if person is not None else SYSTEM


@transaction.atomic
def load_demo_events(*, today=None):
    """Load the demo special events; returns counts."""
    if SpecialEvent.objects.exists():
        return {"events": 0, "loaded": False}
    today = min(today or timezone.localdate(), timezone.localdate())
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=["330000", "330100", "440100"], is_active=True)}
    if len(units) < 3:
        return {"events": 0, "loaded": False}
    dm_hz, rep_hz = _person("330100", Role.DISTRICT_MANAGER), _person("330100", Role.SALES_REP)
    pm_zj, dm_gz = _person("330000", Role.PROVINCIAL_MANAGER), _person("440100", Role.DISTRICT_MANAGER)
    product = Product.objects.filter(is_active=True).order_by("code").first()
    products = [product] if product is not None else []
    events = 0

    # Closed, with its summary: last month in 广州.
    last_month = today.replace(day=1) - timedelta(days=1)
    closed = services.event_report(
        by=_by(dm_gz),
        unit=units["440100"],
        kind="regulatory",
        severity="medium",
        title="监管部门现场检查营业网点",
        description="地方金融监管局对天河区两处网点开展现场检查，要求补交近三个月的客户适当性材料。",
        occurred_on=last_month.replace(day=min(12, last_month.day)),
    )
    for text in ("整理客户适当性材料并报送", "组织网点人员合规培训"):
        step = services.event_add_step(by=_by(dm_gz), event=closed, description=text, working_days=2)
        services.event_complete_step(by=_by(dm_gz), step=step, note="已完成")
    services.event_close(
        by=_by(dm_gz), event=closed, summary="材料已按期报送，检查未发现重大问题；网点已完成合规培训，下季度复查。"
    )
    events += 1

    # In progress: a key customer of 杭州 in trouble, reported by its salesperson, a step done and one open.
    customer = Customer.objects.filter(salesperson=rep_hz).order_by("pk").first() if rep_hz else None
    in_progress = services.event_report(
        by=_by(rep_hz or dm_hz),
        unit=units["330100"],
        kind="customer",
        severity="high",
        title="重点客户资金链紧张",
        description="客户财务负责人反映近期回款困难，可能延迟支付本月到期款项。",
        occurred_on=today - timedelta(days=6),
        customers=[customer] if customer is not None else [],
        products=products,
    )
    first = services.event_add_step(by=_by(dm_hz), event=in_progress, description="上门走访，了解客户经营状况", working_days=1)
    services.event_complete_step(by=_by(dm_hz), step=first, note="已走访，客户承诺月底前回款一半")
    services.event_add_step(
        by=_by(dm_hz),
        event=in_progress,
        description="制定分期回款计划并报省级经理",
        due_on=add_working_days(today, 5),
    )
    services.event_add_note(by=_by(dm_hz), event=in_progress, text="已暂停对该客户的新增授信。")
    events += 1

    # Just reported: a competitor's price cut in 杭州, critical.
    services.event_report(
        by=_by(dm_hz),
        unit=units["330100"],
        kind="market_emergency",
        severity="critical",
        title="竞品大幅降价抢占市场",
        description="竞争对手同类理财产品费率下调三成，已有两家渠道询问我方是否跟进。",
        occurred_on=today,
        products=products,
    )
    events += 1

    # Reported by the provincial manager for the province, owned by the regional manager he handed it to.
    regional = StaffProfile.objects.filter(unit=units["330000"].parent, role=Role.REGIONAL_MANAGER, is_active=True).first()
    upward = services.event_report(
        by=_by(pm_zj),
        unit=units["330000"],
        kind="incident",
        severity="low",
        title="宣传物料印刷错误",
        description="一批产品宣传折页的收益率示例印错，已发放约两百份。",
        occurred_on=today - timedelta(days=2),
    )
    if regional is not None and regional.pk != upward.owner_id:
        services.event_assign_owner(by=_by(pm_zj), event=upward, owner=regional)
    events += 1
    return {"events": events, "loaded": True}


# --- improvement plans (整改) -------------------------------------------------------------------------------------


@transaction.atomic
def load_demo_improvement(*, today=None):
    """The flags of the demo company as of today, and one improvement plan in progress (杭州: collections and
    the overdue share) drafted by its district manager and approved by the Development Center — its measures
    are tasks. Idempotent: does nothing when a plan exists. Runs after the summaries (it reads them)."""
    if ImprovementPlan.objects.exists():
        return {"plans": 0, "flags": 0}
    today = min(today or timezone.localdate(), timezone.localdate())
    flags = services.flags_refresh(as_of=today, by=SYSTEM)
    unit = OrgUnit.objects.filter(code="330100", is_active=True).first()
    dm_hz, rep_hz = _person("330100", Role.DISTRICT_MANAGER), _person("330100", Role.SALES_REP)
    if unit is None or dm_hz is None or rep_hz is None:
        return {"plans": 0, "flags": flags["open"]}
    this_month = today.replace(day=1)
    months = [(this_month - timedelta(days=1)).replace(day=1), this_month]
    months.append((months[-1] + timedelta(days=32)).replace(day=1))
    months.append((months[-1] + timedelta(days=32)).replace(day=1))
    targets = []
    for n, month in enumerate(months):
        targets.append({"month": month.isoformat(), "metric": "overdue_share", "expected": str(30 - 3 * n)})
        targets.append({"month": month.isoformat(), "metric": "attainment", "expected": str(85 + 3 * n)})
    plan = services.improvement_create(
        by=_by(dm_hz),
        unit=unit,
        title="杭州地办回款与销售整改方案",
        diagnosis="近三个月销售完成率偏低，逾期应收占比偏高：部分重点客户资金紧张，回款跟进不及时，新客户开发不足。",
        measures=[
            {"description": "逐户走访逾期客户，签订分期回款计划", "owner": rep_hz.pk, "due_on": today + timedelta(days=20)},
            {"description": "每周召开回款例会，通报逾期清单", "owner": dm_hz.pk, "due_on": today + timedelta(days=45)},
            {"description": "开发三家新渠道客户，补足销售缺口", "owner": rep_hz.pk, "due_on": today + timedelta(days=60)},
        ],
        targets=targets,
    )
    approve_through(services.improvement_submit(by=_by(dm_hz), plan=plan), comment="同意，按月跟踪")
    services.improvements_start(as_of=today, by=SYSTEM)
    return {"plans": 1, "flags": flags["open"]}
