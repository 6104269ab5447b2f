"""Scoping-contract entries of this app (joined into tests.scoping_registry.REGISTRY)."""

from datetime import date

from core.rights import SYSTEM
from tests.scoping_registry import Scoped, Write, make_unit

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
        from tests.scoping_registry import make_staff

        recorder = make_staff(district, owner)
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


# --- writes ----------------------------------------------------------------------------------------------------
#
# Rules (budgets/services.py; core/roles.py "budget.change", "expense.change"): budgets are kept by the managers
# and the center in their scope — but the budget of one's own unit is set by the level above (a district
# manager does not set 杭州's budget; he allocates it further down, to its quarters or months). Everyone who
# works records expenses of units in their scope (a sales rep: of his own district); an expense is cancelled
# or submitted again by its recorder or a manager above. Branch keys do none of this.

BUDGET_SETTERS = BUDGET_WRITERS - {"dm_hangzhou", "dm_guangzhou"}
EXPENSE_HANDLERS = BUDGET_WRITERS | {"rep_hangzhou"}  # the rep only for his own (the ownership variant)


def _year_budget(district, owner):
    from budgets.services import budget_set

    n = next(_counter)
    return budget_set(unit=district, period=f"{2040 + n % 50}", category="travel", amount="1200.00", by=SYSTEM)


def _recorder(district, owner):
    from regions.models import StaffProfile

    if owner is not None:
        return owner.staff
    return StaffProfile.objects.get(unit=district, role="district_manager", user__isnull=False)


def _returned_expense(district, owner):
    """An expense beyond any budget (so it went for approval), returned for revision by the director."""
    from django.contrib.auth import get_user_model

    from approvals.services import request_return
    from budgets.services import budget_set, expense_record

    n = next(_counter)
    expense = expense_record(
        unit=district,
        category="entertainment",
        spent_on=date(2025, 2, 1 + n % 27),
        amount="99999.00",
        by=_recorder(district, owner).user,
    )
    request_return(request=expense.approval_request, by=get_user_model().objects.get(username="director"), comment="请补充票据")
    # Submitted again for less, it fits the budget set since and is recorded (see _budgeted_district).
    budget_set(unit=district, period="2025", category="entertainment", amount="1000.00", by=SYSTEM)
    expense.refresh_from_db()
    return expense


def _budgeted_district(district, owner):
    """The district with an office budget for 2025, so an expense of it is recorded, not sent for approval (an
    approval needs someone above the recorder, which a provincial manager recording for 杭州 does not have)."""
    from budgets.services import budget_set

    budget_set(unit=district, period="2025", category="office", amount="100000.00", by=SYSTEM)
    return district


def _budget_body(district, world, persona):
    return {"unit": district.pk, "period": "2098", "category": "travel", "amount": "500.00"}


def _expense_body(district, world, persona):
    return {"unit": district.pk, "category": "office", "spent_on": "2025-06-01", "amount": "10.00", "description": "文具"}


WRITES = [
    # --- API -------------------------------------------------------------------------------------------------
    Write(
        name="budget set",
        url="budget-list",
        make=make_unit,
        detail=False,
        body=_budget_body,
        writers=BUDGET_SETTERS,
        may_call=BUDGET_WRITERS,
        success=201,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="budget allocate",
        url="budget-allocate",
        make=_year_budget,
        body={"to": "months", "method": "equal"},
        writers=BUDGET_WRITERS,
        success=201,
        rep_sees="unit",
    ),
    Write(
        name="expense record",
        url="expense-list",
        make=_budgeted_district,
        detail=False,
        body=_expense_body,
        writers=EXPENSE_WRITERS,
        success=201,
        rep_sees="unit",
        outside=400,
    ),
    Write(name="expense cancel", url="expense-cancel", make=_expense, writers=EXPENSE_HANDLERS),
    # --- pages -----------------------------------------------------------------------------------------------
    Write(
        name="budget set page",
        url="budgets:budget_create",
        make=make_unit,
        detail=False,
        body=_budget_body,
        writers=BUDGET_SETTERS,
        may_call=BUDGET_WRITERS,
        success=302,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="budget amount page",
        url="budgets:budget_detail",
        make=_budget,
        body={"amount": "1500.00"},
        writers=BUDGET_SETTERS,
        success=302,
        rep_sees="unit",
    ),
    Write(
        name="budget allocate page",
        url="budgets:budget_allocate",
        make=_year_budget,
        query={"to": "months"},
        body={"method": "equal"},
        writers=BUDGET_WRITERS,
        success=302,
        rep_sees="unit",
    ),
    Write(
        name="expense record page",
        url="budgets:expense_create",
        make=_budgeted_district,
        detail=False,
        body=_expense_body,
        writers=EXPENSE_WRITERS,
        success=302,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="expense cancel page",
        url="budgets:expense_detail",
        make=_expense,
        body={"action": "cancel"},
        writers=EXPENSE_HANDLERS,
        success=302,
    ),
    Write(
        name="expense resubmit page",
        url="budgets:expense_detail",
        make=_returned_expense,
        body={"action": "resubmit", "amount": "50.00", "description": "已补充票据"},
        writers=EXPENSE_HANDLERS,
        success=302,
    ),
]
