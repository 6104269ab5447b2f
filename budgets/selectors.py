"""Reads of budgets and spending: what counts against a budget, budget vs actual, the allocation check.

Spending of a unit includes its whole subtree (a province's spending is its own plus its districts'),
and only counted expenses (within budget, or beyond it and approved) are spent. Every sum is a database
aggregate in Decimal; percentages are rounded half up to one decimal place.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from budgets.choices import COUNTED_STATES, AllocationTarget, ExpenseCategory, ExpenseState
from budgets.models import Budget, Expense
from core.money import ZERO
from core.periods import MONTH, QUARTER, YEAR, Period
from regions.models import OrgUnit

MONEY = DecimalField(max_digits=18, decimal_places=2)
TENTH = Decimal("0.1")
HUNDRED = Decimal(100)


def used_percent(spent, budget):
    """Spent as a percentage of the budget, one decimal; None without a budget or with a zero one."""
    if budget is None or budget == 0:
        return None
    return (Decimal(spent) * HUNDRED / Decimal(budget)).quantize(TENTH, rounding=ROUND_HALF_UP)


def _sum(queryset):
    return queryset.aggregate(total=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY))["total"]


def expenses_against(budget):
    """Every expense that falls under a budget: its unit's subtree, its category, inside its period."""
    return Expense.objects.filter(
        unit__path__startswith=budget.unit.path,
        category=budget.category,
        spent_on__gte=budget.starts_on,
        spent_on__lte=budget.ends_on,
    )


def applicable_budget(*, unit, category, day, lock=False):
    """The budget an expense of `unit` on `day` is checked against: the unit's current budget of the
    category for the shortest period containing the day (its month, else its quarter, else its year)."""
    rows = Budget.objects.filter(unit=unit, category=category, is_current=True)
    if lock:
        rows = rows.select_for_update(of=("self",))
    for kind in (MONTH, QUARTER, YEAR):
        found = rows.filter(period=str(Period.of(day, kind))).first()
        if found is not None:
            return found
    return None


def spent_against(budget, *, exclude=None):
    """What has been spent (counted expenses) against a budget, optionally leaving one expense out."""
    rows = expenses_against(budget).filter(state__in=COUNTED_STATES)
    if exclude is not None and exclude.pk is not None:
        rows = rows.exclude(pk=exclude.pk)
    return _sum(rows)


def expense_position(expense):
    """Where an expense stands against the budget that applies to it now:
    {budget, spent (counted, this one left out), this, total, remaining (before it), excess}."""
    budget = applicable_budget(unit=expense.unit, category=expense.category, day=expense.spent_on)
    spent = spent_against(budget, exclude=expense) if budget is not None else ZERO
    total = spent + expense.amount
    if budget is None:
        remaining, excess = None, expense.amount
    else:
        remaining = budget.amount - spent
        excess = max(total - budget.amount, ZERO)
    return {
        "budget": budget,
        "spent": spent,
        "this": expense.amount,
        "total": total,
        "remaining": remaining,
        "excess": excess,
        "used_percent": used_percent(total, budget.amount) if budget is not None else None,
    }


def _counted_subquery(state_filter):
    rows = (
        Expense.objects.filter(
            unit__path__startswith=OuterRef("unit__path"),
            category=OuterRef("category"),
            spent_on__gte=OuterRef("starts_on"),
            spent_on__lte=OuterRef("ends_on"),
        )
        .filter(state_filter)
        .order_by()
        .values("category")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=MONEY), Value(ZERO), output_field=MONEY)


def with_spending(budgets):
    """Annotate each budget with `spent` (counted) and `pending` (waiting for approval) — one query."""
    return budgets.annotate(
        spent=_counted_subquery(Q(state__in=COUNTED_STATES)),
        pending=_counted_subquery(Q(state=ExpenseState.PENDING)),
    )


def budget_vs_actual(*, unit, period):
    """Per category: the unit's current budget for exactly this period, what its subtree spent in the
    period (counted), what waits for approval, what remains and the share used; and a total row.

    {"unit", "period", "rows": [{category, label, budget (None: not set), budget_id, spent, pending,
    remaining, used_percent}], "total": {...}} — rows in category order; the total's figures are the
    sums of the rows (budgets that are not set count as zero in the total budget)."""
    period = Period.parse(period)
    budgets = {
        row["category"]: row
        for row in Budget.objects.filter(unit=unit, period=str(period), is_current=True).values("id", "category", "amount")
    }
    spending = {
        row["category"]: row
        for row in Expense.objects.filter(unit__path__startswith=unit.path, spent_on__gte=period.start, spent_on__lte=period.end)
        .order_by()
        .values("category")
        .annotate(
            spent=Coalesce(Sum("amount", filter=Q(state__in=COUNTED_STATES)), Value(ZERO), output_field=MONEY),
            pending=Coalesce(Sum("amount", filter=Q(state=ExpenseState.PENDING)), Value(ZERO), output_field=MONEY),
        )
    }
    rows = []
    for category in ExpenseCategory:
        budget = budgets.get(category.value)
        amount = budget["amount"] if budget else None
        spent = spending.get(category.value, {}).get("spent", ZERO)
        pending = spending.get(category.value, {}).get("pending", ZERO)
        rows.append(
            {
                "category": category.value,
                "label": category.label,
                "budget": amount,
                "budget_id": budget["id"] if budget else None,
                "spent": spent,
                "pending": pending,
                "remaining": amount - spent if amount is not None else None,
                "used_percent": used_percent(spent, amount),
            }
        )
    total_budget = sum((row["budget"] or ZERO for row in rows), ZERO)
    total_spent = sum((row["spent"] for row in rows), ZERO)
    total = {
        "budget": total_budget,
        "spent": total_spent,
        "pending": sum((row["pending"] for row in rows), ZERO),
        "remaining": total_budget - total_spent,
        "used_percent": used_percent(total_spent, total_budget),
    }
    return {"unit": unit, "period": period, "rows": rows, "total": total}


def _mismatch(level, expected, rows, *, missing=()):
    actual = sum((row.amount for row in rows), ZERO)
    if actual == expected:
        return None
    return {"level": level, "expected": expected, "actual": actual, "difference": actual - expected, "missing": list(missing)}


def allocation_check(budget):
    """Where the current children of a budget do not add up to it: [{level, expected, actual,
    difference (actual − expected), missing}] — empty when everything adds up.

    Children are the current budgets at the child keys (same category), whichever allocation wrote
    them: the active sub-units for the same period, and the quarters and months of the period for the
    same unit. A level without any child budget is not allocated yet and not reported; `missing` names
    the children of a reported level that have none (a unit opened after the allocation, say)."""
    problems = []
    current = Budget.objects.filter(category=budget.category, is_current=True)
    children = list(OrgUnit.objects.filter(parent_id=budget.unit_id, is_active=True).order_by("code"))
    if children:
        rows = list(current.filter(period=str(budget.period), unit__in=children))
        if rows:
            have = {row.unit_id for row in rows}
            missing = [child.code for child in children if child.pk not in have]
            problems.append(_mismatch(AllocationTarget.UNITS, budget.amount, rows, missing=missing))
    levels = []
    if budget.period.kind == YEAR:
        levels.append((AllocationTarget.QUARTERS, budget.period.children()))
    if budget.period.kind in (YEAR, QUARTER):
        levels.append((AllocationTarget.MONTHS, budget.period.months()))
    for level, periods in levels:
        rows = list(current.filter(period__in=[str(p) for p in periods], unit_id=budget.unit_id))
        if rows:
            have = {str(row.period) for row in rows}
            missing = [str(p) for p in periods if str(p) not in have]
            problems.append(_mismatch(level, budget.amount, rows, missing=missing))
    return [problem for problem in problems if problem is not None]


def allocation_children(budget):
    """The current child budgets of a budget, by level: {"units": [...], "quarters": [...], "months": [...]},
    each annotated with its spending."""
    current = with_spending(Budget.objects.filter(category=budget.category, is_current=True).select_related("unit"))
    result = {
        AllocationTarget.UNITS: list(
            current.filter(period=str(budget.period), unit__parent_id=budget.unit_id).order_by("unit__code")
        ),
        AllocationTarget.QUARTERS: [],
        AllocationTarget.MONTHS: [],
    }
    if budget.period.kind == YEAR:
        result[AllocationTarget.QUARTERS] = sorted(
            current.filter(unit_id=budget.unit_id, period__in=[str(p) for p in budget.period.children()]), key=lambda b: b.period
        )
    if budget.period.kind in (YEAR, QUARTER):
        result[AllocationTarget.MONTHS] = sorted(
            current.filter(unit_id=budget.unit_id, period__in=[str(p) for p in budget.period.months()]), key=lambda b: b.period
        )
    return result
