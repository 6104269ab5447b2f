"""Scoping-contract entries of this app (joined into tests.scoping_registry.REGISTRY)."""

from datetime import date

from core.rights import SYSTEM
from tests.scoping_registry import Scoped

# Everyone whose role may set budgets / record expenses, among the personas.
BUDGET_WRITERS = frozenset(
    {"director", "center", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong", "dm_hangzhou", "dm_guangzhou"}
)
EXPENSE_WRITERS = BUDGET_WRITERS | {"rep_hangzhou"}

_counter = iter(range(1, 10**6))


def _budget(district, owner):
    from budgets.services import budget_set

    # A distinct period per object, so budgets made in one test never supersede each other.
    n = next(_counter)
    return budget_set(unit=district, period=f"{2000 + n % 900}-{n % 12 + 1:02d}", category="travel", amount="1000.00", by=SYSTEM)


def _expense(district, owner):
    from budgets.choices import ExpenseState
    from budgets.models import Expense
    from regions.models import StaffProfile

    n = next(_counter)
    recorder = owner.staff if owner is not None else StaffProfile.objects.filter(unit=district).first()
    if recorder is None:
        from tests.scoping_registry import _staff

        recorder = _staff(district, owner)
    return Expense.objects.create(
        unit=district,
        category="office",
        spent_on=date(2025, 1, 1 + n % 28),
        amount="10.00",
        description=f"registry {n}",
        recorded_by=recorder,
        state=ExpenseState.RECORDED,
    )


ENTRIES = [
    Scoped(
        name="expense budget",
        make=_budget,
        api_list="budget-list",
        api_detail="budget-detail",
        web_list="budgets:budget_list",
        web_detail="budgets:budget_detail",
        writers=BUDGET_WRITERS,
        rep_sees="unit",
        find=lambda obj: {"exact_unit": obj.unit_id, "period": str(obj.period), "category": obj.category},
    ),
    Scoped(
        name="expense budget allocation page",
        make=_budget,
        web_detail="budgets:budget_allocate",
        rep_sees="unit",
        readers=BUDGET_WRITERS,
    ),
    Scoped(
        name="expense",
        make=_expense,
        api_list="expense-list",
        api_detail="expense-detail",
        web_list="budgets:expense_list",
        web_detail="budgets:expense_detail",
        writers=EXPENSE_WRITERS,
        find=lambda obj: {
            "unit": obj.unit_id,
            "spent_on_after": obj.spent_on.isoformat(),
            "spent_on_before": obj.spent_on.isoformat(),
        },
    ),
]
