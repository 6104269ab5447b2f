"""The demo budgets load through the services, add up, leave a few expenses waiting, and load once."""

from datetime import date

from budgets import selectors
from budgets.choices import ExpenseState
from budgets.demo import load_demo_budgets
from budgets.models import Budget, Expense
from regions.demo import load_demo_company


def test_demo_loads_once_and_adds_up(db):
    load_demo_company(reps_per_district=1)
    today = date(2025, 8, 15)
    counts = load_demo_budgets(today=today)
    assert counts["loaded"] and counts["expenses"] > 100 and counts["pending"] >= 3
    for region in Budget.objects.filter(unit__kind="region", period="2025", is_current=True):
        assert selectors.allocation_check(region) == []
    assert Expense.objects.filter(state=ExpenseState.APPROVED).count() == 1
    assert Expense.objects.filter(spent_on__gt=today).count() == 0
    assert load_demo_budgets(today=today)["loaded"] is False
