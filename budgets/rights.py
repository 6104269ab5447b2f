"""Who may change what in budgets (core/rights.py): setting and allocating budgets, recording expenses
and handling them afterwards (cancel, resubmit).

The services ask these rules (`ensure(by, "budget.set", unit)`) before they write; pages and the API ask
them (`may(...)`) only to show or hide a form. The state an object must be in (a current budget, a
returned expense) is the service's 409, asked after the right.
"""

from django.utils.translation import gettext as _

from core.rights import Refusal, rule
from core.roles import can
from core.scoping import scope_of


def _outside(unit):
    return Refusal(_("%(unit)s is outside your part of the organisation.") % {"unit": unit}, field="unit")


@rule("budget.set")
def may_set_budget(user, unit):
    """Set the budget of `unit`: a manager sets the budgets of the units below their own; their own
    unit's budget is set (or allocated) by the level above — the Development Center sets any."""
    if not can(user, "budget.change"):
        return Refusal(_("You may not set budgets."))
    scope = scope_of(user)
    if not scope.covers_path(unit.path):
        return _outside(unit)
    if not scope.everything and scope.path == unit.path:
        return Refusal(_("The budget of your own unit is set by the level above; you allocate it further down."), field="unit")
    return True


@rule("budget.allocate")
def may_allocate_budget(user, budget):
    """Allocate `budget` to its sub-units, quarters or months: any budget of a unit in one's scope."""
    if not can(user, "budget.change"):
        return Refusal(_("You may not allocate budgets."))
    return scope_of(user).covers_path(budget.unit.path) or _outside(budget.unit)


@rule("expense.record")
def may_record_expense(user, unit=None):
    """Record an expense of `unit` (without one: may this person record expenses at all?)."""
    staff = getattr(user, "staff_profile", None)
    if staff is None or not staff.is_active:
        return Refusal(_("Expenses are recorded by a member of staff."))
    if not can(user, "expense.change"):
        return Refusal(_("You may not record expenses."))
    if unit is not None and not scope_of(user).covers_path(unit.path):
        return _outside(unit)
    return True


@rule("expense.handle")
def may_handle_expense(user, expense):
    """Cancel or resubmit an expense: its recorder, or anyone with the right whose scope covers the
    expense's unit (a manager above them)."""
    if not can(user, "expense.change"):
        return Refusal(_("You may not change expenses."))
    scope = scope_of(user)
    staff = getattr(user, "staff_profile", None)
    own = staff is not None and staff.pk == expense.recorded_by_id
    if not own and (scope.own_only or not scope.covers_path(expense.unit.path)):
        return Refusal(_("Only the recorder or a manager above them can change this expense."))
    return True
