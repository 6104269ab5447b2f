"""Demo data of appraisal: an approved monthly scheme for sales staff and one for district managers, their
runs for the last three finished months, an incentive scheme with three scale classes, and a few reward
proposals (one waiting in the center's queue). Call it after the performance demo (the runs read the
monthly summaries)."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from appraisal import services
from appraisal.models import AppraisalScheme, IncentiveScheme, RewardProposal
from approvals.services import request_approve
from core.money import money
from core.periods import MONTH, Period
from core.roles import Role
from performance.models import MonthlyFact
from plans.choices import Metric
from plans.models import Target
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile

REP_SCHEME = "业务员月度绩效考核办法"
DM_SCHEME = "区县经理月度绩效考核办法"
INCENTIVE = "地办分级激励办法（按经营规模）"


def _user(username):
    return StaffProfile.objects.select_related("user").get(user__username=username).user


def _approved(*, name, role, items, center, director):
    scheme = services.scheme_create(
        name=name,
        role=role,
        period_kind="month",
        valid_from=date(2020, 1, 1),
        items=items,
        by=center,
        description="经发展中心审核批准后执行；权重合计 100 分。",
    )
    request_approve(request=services.scheme_submit(scheme=scheme, by=center), by=director)
    scheme.refresh_from_db()
    return scheme


def _demo_targets(months):
    """Monthly targets for the sales staff and district offices that have none in the appraised months
    (the plans demo covers every unit and salesperson for its year — and last year's early in the year — so this fills only what it left out): last year's same month × 1.1, so attainment
    spreads around 100 %. Written in bulk as version 1 (only where no target exists), which is what
    plans.services.target_set would write for a first target, without ~2,500 separate calls."""
    metrics = {Metric.SALES_AMOUNT: "invoiced", Metric.COLLECTIONS: "collected", Metric.NEW_CUSTOMERS: "new_customers"}
    reps = list(StaffProfile.objects.filter(role=Role.SALES_REP, is_active=True).select_related("unit"))
    districts = list(OrgUnit.objects.filter(kind=UnitKind.DISTRICT, is_active=True))
    rows = []
    for month in months:
        before = month.same_period_last_year().start
        facts = MonthlyFact.objects.unscoped().filter(month=before)
        sums = {column: Sum(column) for column in metrics.values()}
        by_rep = {
            r.pop("salesperson_id"): r
            for r in facts.filter(salesperson__isnull=False).values("salesperson_id").annotate(**sums).order_by()
        }
        by_district = {r.pop("district_id"): r for r in facts.values("district_id").annotate(**sums).order_by()}
        existing = defaultdict(set)
        for metric, staff_id, unit_id in Target.objects.filter(period=str(month), is_current=True).values_list(
            "metric", "staff_id", "unit_id"
        ):
            existing[metric].add(("staff", staff_id) if staff_id else ("unit", unit_id))

        def value(metric, figures):
            base = Decimal(figures.get(metrics[metric]) or 0) * Decimal("1.1")
            if metric == Metric.NEW_CUSTOMERS:
                return Decimal(max(1, int(base)))
            return max(money(base.quantize(Decimal("100"))), Decimal("10000.00"))

        for metric in metrics:
            for rep in reps:
                if ("staff", rep.pk) not in existing[metric]:
                    rows.append(
                        Target(
                            metric=metric,
                            period=str(month),
                            staff=rep,
                            owner_unit_id=rep.unit_id,
                            value=value(metric, by_rep.get(rep.pk, {})),
                        )
                    )
            for district in districts:
                if ("unit", district.pk) not in existing[metric]:
                    rows.append(
                        Target(
                            metric=metric,
                            period=str(month),
                            unit=district,
                            owner_unit_id=district.pk,
                            value=value(metric, by_district.get(district.pk, {})),
                        )
                    )
    Target.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _best_collector(district, month):
    """The district's salesperson with the most collections in the month, and a reason that says so with the
    figure (the demo's reasons state what the data shows, not a canned claim)."""
    reps = list(StaffProfile.objects.filter(unit=district, role=Role.SALES_REP, is_active=True).order_by("employee_no"))
    sums = dict(
        MonthlyFact.objects.unscoped()
        .filter(month=month.start, salesperson__in=reps)
        .values_list("salesperson_id")
        .annotate(c=Sum("collected"))
        .order_by()
    )
    best = max(reps, key=lambda person: (sums.get(person.pk) or 0, -reps.index(person)))
    amount = money(sums.get(best.pk) or 0)
    return best, f"{month}回款 {amount / 10000:,.2f} 万元，{district.name}业务员第一。"


def _region_reason(region, month):
    """The region's sales of the month against its month target, as the data has them."""
    sales = money(
        MonthlyFact.objects.unscoped()
        .filter(month=month.start, district__path__startswith=region.path)
        .aggregate(s=Sum("invoiced"))["s"]
        or 0
    )
    target = Target.objects.filter(unit=region, metric=Metric.SALES_AMOUNT, period=str(month), is_current=True).first()
    text = f"{month}{region.name}销售额 {sales / 10000:,.2f} 万元"
    if target is not None and target.value:
        text += f"，完成月度目标的 {sales / target.value * 100:.1f}%"
    return text + "，申请团队奖励。"


@transaction.atomic
def load_demo_appraisal(*, today=None) -> dict:
    """Load the demo once (does nothing when the demo schemes exist); returns how many rows it made."""
    if AppraisalScheme.objects.filter(name=REP_SCHEME).exists():
        return {"schemes": 0, "runs": 0, "incentive_schemes": 0, "rewards": 0}
    today = today or timezone.localdate()
    center, director = _user("center"), _user("director")
    rep_scheme = _approved(
        name=REP_SCHEME,
        role=Role.SALES_REP,
        items=[
            {"kind": "sales_attainment", "weight": "40", "cap": "120"},
            {
                "kind": "collections_attainment",
                "weight": "25",
                "rule": "tiers",
                "tiers": [{"from": "60", "score": "60"}, {"from": "80", "score": "80"}, {"from": "100", "score": "100"}],
            },
            {"kind": "new_customers", "weight": "10"},
            {"kind": "overdue_share", "weight": "10"},
            {"kind": "task_completion", "weight": "5"},
            {"kind": "manual", "label": "工作态度与协作", "weight": "10"},
        ],
        center=center,
        director=director,
    )
    dm_scheme = _approved(
        name=DM_SCHEME,
        role=Role.DISTRICT_MANAGER,
        items=[
            {"kind": "sales_attainment", "weight": "40", "cap": "120"},
            {"kind": "collections_attainment", "weight": "30", "cap": "110"},
            {"kind": "overdue_share", "weight": "10"},
            {"kind": "task_completion", "weight": "10"},
            {"kind": "manual", "label": "团队建设", "weight": "10"},
        ],
        center=center,
        director=director,
    )
    runs = 0
    months = [Period.of(today, MONTH).previous()]
    months += [months[-1].previous(), months[-1].previous().previous()]
    targets = _demo_targets(months)
    for month in months:
        for scheme in (rep_scheme, dm_scheme):
            services.run_compute(scheme=scheme, period=str(month), by=center)
            runs += 1

    services.incentive_scheme_create(
        name=INCENTIVE,
        subject="district",
        valid_from=date(today.year, 1, 1),
        classes=[
            {
                "name": "小型地办",
                "min_sales": "0",
                "tiers": [
                    {"min_attainment": "90", "bonus_rate": "0.5"},
                    {"min_attainment": "100", "bonus_rate": "1", "fixed_amount": "2000"},
                ],
            },
            {
                "name": "中型地办",
                "min_sales": "5000000",
                "tiers": [
                    {"min_attainment": "90", "bonus_rate": "0.4"},
                    {"min_attainment": "100", "bonus_rate": "0.8", "fixed_amount": "5000"},
                    {"min_attainment": "120", "bonus_rate": "1.2", "fixed_amount": "8000"},
                ],
            },
            {
                "name": "大型地办",
                "min_sales": "20000000",
                "tiers": [
                    {"min_attainment": "95", "bonus_rate": "0.3"},
                    {"min_attainment": "100", "bonus_rate": "0.6", "fixed_amount": "10000"},
                ],
            },
        ],
        by=center,
    )

    hangzhou = OrgUnit.objects.get(code="330100")
    dm = _user("dm_hangzhou")
    region = OrgUnit.objects.get(code="HD")
    rm = StaffProfile.objects.filter(unit=region, role=Role.REGIONAL_MANAGER, is_active=True, user__isnull=False).first().user
    last_month = Period.of(today, MONTH).previous()
    last = str(last_month)
    rep, rep_reason = _best_collector(hangzhou, last_month)
    made = [
        services.reward_propose(kind="reward", unit=hangzhou, staff=rep, period=last, amount="3000.00", reason=rep_reason, by=dm),
        services.reward_propose(
            kind="special_award",
            unit=hangzhou,
            period=last,
            amount="20000.00",
            reason="攻下重点客户年度框架合同（专项奖励）。",
            by=dm,
        ),
        services.reward_propose(
            kind="reward", unit=region, period=last, amount="8000.00", reason=_region_reason(region, last_month), by=rm
        ),
    ]
    # The first waits for the regional manager; the region's own proposal goes straight to the center's queue.
    services.reward_submit(proposal=made[0], by=dm)
    services.reward_submit(proposal=made[2], by=rm)
    return {
        "schemes": AppraisalScheme.objects.count(),
        "runs": runs,
        "targets": targets,
        "incentive_schemes": IncentiveScheme.objects.count(),
        "rewards": RewardProposal.objects.count(),
    }
