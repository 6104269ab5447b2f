"""Demo expense budgets: this year's budgets of every region by category, allocated to its provinces
(by deterministic shares) and, in the staffed provinces, across the months; expenses recorded through the
months up to today, mostly within budget, one beyond it and approved, and a few beyond it waiting for a
decision (浙江 and 广东 for their regional managers, 杭州 without a budget for its district manager).

Everything goes through the services, so versions, allocations and approvals are what the app makes.
Deterministic (fixed seed) for a given "today"; idempotent: does nothing if this year's are loaded.
"""

import random
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from approvals.services import request_approve
from budgets import selectors, services
from budgets.choices import ExpenseCategory, ExpenseState
from budgets.models import Budget, Expense
from core.money import money
from core.roles import Role
from regions.choices import UnitKind
from regions.demo import STAFFED_PROVINCES
from regions.models import OrgUnit, StaffProfile

SEED = 20260501
# A region's yearly budget per category, before the region's own factor.
BASE = {
    ExpenseCategory.TRAVEL: Decimal("1200000"),
    ExpenseCategory.ENTERTAINMENT: Decimal("600000"),
    ExpenseCategory.MARKETING: Decimal("2400000"),
    ExpenseCategory.MEETINGS: Decimal("800000"),
    ExpenseCategory.OFFICE: Decimal("300000"),
    ExpenseCategory.OTHER: Decimal("200000"),
}
# Categories the demo spends on every month.
SPENT_ON = [ExpenseCategory.TRAVEL, ExpenseCategory.ENTERTAINMENT, ExpenseCategory.MARKETING, ExpenseCategory.OFFICE]
DESCRIPTIONS = {
    ExpenseCategory.TRAVEL: ["客户拜访差旅", "高铁及住宿", "大区会议差旅"],
    ExpenseCategory.ENTERTAINMENT: ["重点客户接待", "渠道伙伴商务宴请"],
    ExpenseCategory.MARKETING: ["产品推介会", "线上推广投放", "宣传物料印制"],
    ExpenseCategory.OFFICE: ["办公用品", "打印耗材"],
}


def _user(unit, role):
    staff = StaffProfile.objects.filter(unit=unit, role=role, is_active=True, user__isnull=False).order_by("pk").first()
    return staff.user if staff is not None else None


def _director():
    staff = StaffProfile.objects.filter(role=Role.DIRECTOR, is_active=True, user__isnull=False).order_by("pk").first()
    return staff.user if staff is not None else None


@transaction.atomic
def load_demo_budgets(*, today=None):
    """Load this year's demo budgets and expenses; returns counts."""
    today = min(today or timezone.localdate(), timezone.localdate())
    year = today.year
    if Budget.objects.filter(unit__kind=UnitKind.REGION, period=str(year)).exists():
        return {"budgets": 0, "expenses": 0, "pending": 0, "loaded": False}
    rng = random.Random(SEED)
    director = _director()
    regions = list(OrgUnit.objects.filter(kind=UnitKind.REGION, is_active=True).order_by("code"))
    for region in regions:
        factor = Decimal(rng.randint(10, 16)) / 10
        manager = _user(region, Role.REGIONAL_MANAGER) or director
        provinces = list(region.children.filter(is_active=True).order_by("code"))
        weights = {province.pk: rng.randint(2, 6) for province in provinces}
        for category, base in BASE.items():
            budget = services.budget_set(
                unit=region, period=str(year), category=category, amount=money(base * factor), by=director
            )
            if provinces:
                services.budget_allocate(budget=budget, to="units", method="shares", shares=weights, by=manager)

    months_elapsed = today.month
    expenses = 0
    for code in STAFFED_PROVINCES:
        province = OrgUnit.objects.filter(code=code, is_active=True).first()
        if province is None:
            continue
        regional_manager = _user(province.parent, Role.REGIONAL_MANAGER)
        for category in BASE:
            yearly = Budget.objects.get(unit=province, period=str(year), category=category, is_current=True)
            services.budget_allocate(budget=yearly, to="months", method="equal", by=regional_manager)
        # The provincial manager records; where that post has no login, the regional manager does for them
        # (always within budget, so no approval is needed from the regional manager themselves).
        recorder = _user(province, Role.PROVINCIAL_MANAGER) or regional_manager
        if recorder is None:
            continue
        for month in range(1, months_elapsed + 1):
            last_day = today.day if month == today.month else 28
            for category in SPENT_ON:
                monthly = Budget.objects.get(unit=province, period=f"{year}-{month:02d}", category=category, is_current=True)
                share = Decimal(rng.randint(30, 55) if month == today.month else rng.randint(55, 92)) / 100
                parts = rng.randint(1, 2)
                for _part in range(parts):
                    amount = money(monthly.amount * share / parts)
                    if amount <= 0:
                        continue
                    services.expense_record(
                        category=category,
                        spent_on=date(year, month, min(last_day, rng.randint(1, 28))),
                        amount=amount,
                        description=rng.choice(DESCRIPTIONS[category]),
                        by=recorder,
                    )
                    expenses += 1
    expenses += _beyond_budget(today)
    return {
        "budgets": Budget.objects.filter(period__startswith=str(year)).count(),
        "expenses": expenses,
        "pending": Expense.objects.filter(state=ExpenseState.PENDING).count(),
        "loaded": True,
    }


def _beyond_budget(today):
    """A few expenses beyond budget: one approved, the others waiting for their manager."""
    made = 0
    zhejiang, guangdong, hangzhou = (OrgUnit.objects.filter(code=c).first() for c in ("330000", "440000", "330100"))
    pm_zhejiang = _user(zhejiang, Role.PROVINCIAL_MANAGER) if zhejiang else None
    pm_guangdong = _user(guangdong, Role.PROVINCIAL_MANAGER) if guangdong else None
    rep = _user(hangzhou, Role.SALES_REP) if hangzhou else None
    rm_east = _user(zhejiang.parent, Role.REGIONAL_MANAGER) if zhejiang else None

    def over(unit, category, by, extra, description, day=today):
        budget = services.applicable_budget(unit=unit, category=category, day=day)
        room = Decimal(0)
        if budget is not None:
            room = max(budget.amount - selectors.spent_against(budget), Decimal(0))
        return services.expense_record(
            category=category, spent_on=day, amount=money(room + extra), description=description, by=by
        )

    if pm_zhejiang is not None:
        earlier = date(today.year, today.month - 1, 20) if today.month > 1 else today
        approved = over(zhejiang, ExpenseCategory.OFFICE, pm_zhejiang, Decimal("2000"), "年中办公设备更换", day=earlier)
        if approved.state == ExpenseState.PENDING and rm_east is not None:
            request_approve(request=approved.approval_request, by=rm_east, comment="同意，下月压缩办公费。")
        over(zhejiang, ExpenseCategory.TRAVEL, pm_zhejiang, Decimal("8600"), "重点客户集中拜访（超预算）")
        made += 2
    if pm_guangdong is not None:
        over(guangdong, ExpenseCategory.MARKETING, pm_guangdong, Decimal("35000"), "秋季产品推介会（超预算）")
        made += 1
    if rep is not None:
        services.expense_record(
            category=ExpenseCategory.ENTERTAINMENT,
            spent_on=today,
            amount=Decimal("1880.00"),
            description="客户接待（地办无招待费预算）",
            by=rep,
        )
        made += 1
    return made
