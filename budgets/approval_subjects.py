"""An expense beyond budget as an approval subject (approvals.subjects): pending while its request waits;
approved, rejected or returned as decided; cancelled when its request is withdrawn."""

from approvals.choices import ApprovalKind, RequestState
from approvals.subjects import register_subject
from budgets.choices import ExpenseState
from budgets.models import Expense
from budgets.selectors import expense_position


def snapshot(expense):
    """The expense and the budget position it exceeded, as the approver decides on it."""
    position = expense_position(expense)
    return {
        "expense": expense.pk,
        "unit": expense.unit_id,
        "category": expense.category,
        "spent_on": expense.spent_on,
        "amount": expense.amount,
        "description": expense.description,
        "budget": position["budget"].pk if position["budget"] else None,
        "budget_amount": position["budget"].amount if position["budget"] else None,
        "spent": position["spent"],
        "excess": position["excess"],
    }


def review(expense, request):
    return "budgets/_expense_review.html", {"expense": expense, **expense_position(expense)}


register_subject(
    Expense,
    kinds=[ApprovalKind.EXPENSE_OVER_BUDGET],
    waiting=ExpenseState.PENDING,
    states={
        RequestState.APPROVED: ExpenseState.APPROVED,
        RequestState.RETURNED: ExpenseState.RETURNED,
        RequestState.REJECTED: ExpenseState.REJECTED,
        RequestState.WITHDRAWN: ExpenseState.CANCELLED,
    },
    snapshot=snapshot,
    review=review,
)
