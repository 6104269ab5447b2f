"""Expense budgets and spending: set a budget, allocate it down the tree and across shorter periods,
record expenses against it, cancel them.

Rules written once here: a budget is never edited in place (a new version supersedes the current one);
an allocation's children add up exactly to the parent (`core.money.allocate`: round down to the cent,
the remaining cents to the largest fractions, ties to the earlier child); an expense beyond its budget
waits for an approval and counts only once approved. Recording locks the budget row, so two expenses
recorded at once cannot both slip under the same budget.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.choices import ApprovalKind
from approvals.services import request_submit, request_withdraw
from budgets.choices import AllocationMethod, AllocationTarget, ExpenseCategory, ExpenseState
from budgets.models import Budget, Expense
from budgets.selectors import applicable_budget, spent_against
from core import versions
from core.errors import Conflict, InvalidInput, Unprocessable
from core.formats import money
from core.money import allocate, parse_money, parse_weight
from core.periods import QUARTER, YEAR, Period
from core.periods import parse_input as parse_period
from core.rights import SYSTEM, ensure
from core.splits import keyed_once, parse_id
from regions.models import OrgUnit

CENT = Decimal("0.01")


# --- input checks ---------------------------------------------------------------------------------
def _category(category):
    if category not in ExpenseCategory.values:
        raise InvalidInput(
            _("Unknown category %(category)s: use one of %(choices)s.")
            % {"category": category, "choices": ", ".join(ExpenseCategory.values)},
            field="category",
        )
    return ExpenseCategory(category)


def _amount(value, *, field="amount", label=None, positive=False):
    """An amount of money: a Decimal to the cent, ≥ 0 (> 0 when `positive`), below 10^16."""
    return parse_money(value, field=field, label=label, positive=positive)


def _unit(unit):
    if not isinstance(unit, OrgUnit):
        try:
            unit = OrgUnit.objects.filter(pk=int(unit)).first()
        except (TypeError, ValueError):
            unit = None
        if unit is None:
            raise InvalidInput(_("No such org unit."), field="unit")
    if not unit.is_active:
        raise InvalidInput(_("%(unit)s is closed.") % {"unit": unit}, field="unit")
    return unit


def _unit_label(unit):
    return f"{unit.name} ({unit.code})"


# --- versions -------------------------------------------------------------------------------------
def _supersede(*, unit, period, category, amount, parent=None, method=AllocationMethod.SET, by):
    """Write a new current version of the budget at this key (the previous one stays, not current)."""
    # The current version is locked first, so a concurrent recording against it waits for the new one.
    return versions.supersede(
        Budget,
        key={"unit": unit, "period": str(period), "category": category},
        lock_current=True,
        amount=amount,
        starts_on=period.start,
        ends_on=period.end,
        parent=parent,
        method=method,
        created_by=None if by is SYSTEM else by,
    )


def _lock_current(budget):
    return versions.lock_current(
        Budget,
        budget.pk,
        stale_message=_("This budget has been superseded by a newer version; allocate the current one."),
        field="budget",
    )


@transaction.atomic
def budget_set(*, unit, period, category, amount, by):
    """Set the budget of a unit for a category and period: version 1 the first time, a new version after
    that (never an edit in place). Setting the amount it already has changes nothing.

    `by` needs `budget.set` on the unit (budgets/rights.py): a manager sets the budgets of the units
    below their own; their own unit's budget is set (or allocated) by the level above."""
    unit = _unit(unit)
    period = parse_period(period)
    category = _category(category)
    amount = _amount(amount)
    ensure(by, "budget.set", unit)
    current = Budget.objects.select_for_update().filter(unit=unit, period=str(period), category=category, is_current=True).first()
    if current is not None and current.amount == amount:
        return current
    return _supersede(unit=unit, period=period, category=category, amount=amount, by=by)


# --- allocation -----------------------------------------------------------------------------------
@dataclass
class AllocationResult:
    """What an allocation wrote: the new child budgets, in order, and the weights used."""

    parent: Budget
    to: str
    method: str
    budgets: list = field(default_factory=list)
    weights: dict = field(default_factory=dict)


def allocation_slots(budget, to):
    """[(key, label, unit, period)] the budget is allocated to (`to`: units, quarters or months), in a
    stable order; refused (InvalidInput, Unprocessable) when the budget cannot be allocated there."""
    if to == AllocationTarget.UNITS:
        units = list(OrgUnit.objects.filter(parent_id=budget.unit_id, is_active=True).order_by("code"))
        if not units:
            raise Unprocessable(
                _("%(unit)s has no active sub-units to allocate to.") % {"unit": budget.unit}, field="to", code="no_children"
            )
        return [(unit.pk, _unit_label(unit), unit, budget.period) for unit in units]
    if to == AllocationTarget.QUARTERS:
        if budget.period.kind != YEAR:
            raise InvalidInput(_("Only a year's budget is allocated to quarters."), field="to")
        periods = budget.period.children()
    elif to == AllocationTarget.MONTHS:
        if budget.period.kind not in (YEAR, QUARTER):
            raise InvalidInput(_("Only a year's or a quarter's budget is allocated to months."), field="to")
        periods = budget.period.months()
    else:
        raise InvalidInput(
            _("Allocate to %(choices)s, not %(to)s.") % {"choices": ", ".join(AllocationTarget.values), "to": to}, field="to"
        )
    return [(str(p), str(p), budget.unit, p) for p in periods]


def _normalise_keys(given, children, *, field, to):
    """{key: value} with the keys of `children`: unit ids for units, period texts (or month/quarter
    numbers) for periods. Unknown and missing keys are refused, naming them."""
    if not isinstance(given, dict):
        raise InvalidInput(_("Give one value per child, keyed by its id or period."), field=field)
    labels = {child[0]: child[1] for child in children}

    def normalise(raw_key):
        key = str(raw_key).strip()
        if to == AllocationTarget.UNITS:
            return parse_id(key) or key
        number = parse_id(key)
        if number is not None and children:
            # "3" or 3 for March (a month's number) or the third quarter.
            match = [c[0] for c in children if c[3].index == number]
            return match[0] if match else key
        try:
            return str(Period.parse(key))  # "2026-03" however it was spaced
        except ValueError:
            return key

    by_key = keyed_once(given, field=field, normalise=normalise, label_of=lambda key: labels.get(key, key))
    known = {child[0] for child in children}
    unknown = [str(key) for key in by_key if key not in known]
    if unknown:
        raise InvalidInput(_("These are not children of the budget: %(keys)s.") % {"keys": ", ".join(unknown)}, field=field)
    missing = [child[1] for child in children if child[0] not in by_key]
    if missing:
        raise InvalidInput(_("Give a value for every child; missing: %(names)s.") % {"names": ", ".join(missing)}, field=field)
    return by_key


def _share_weights(shares, children, *, to):
    given = _normalise_keys(shares, children, field="shares", to=to)
    weights = []
    for key, label, _child_unit, _child_period in children:
        raw = given[key]
        weight = parse_weight(raw, field="shares", label=_("The share of %(child)s") % {"child": label})
        if weight < 0:
            raise InvalidInput(
                _("The share of %(child)s cannot be negative (%(value)s).") % {"child": label, "value": raw}, field="shares"
            )
        weights.append(weight)
    if not any(weights):
        raise InvalidInput(_("At least one share must be positive."), field="shares")
    return weights


def _manual_parts(values, children, *, budget, to):
    given = _normalise_keys(values, children, field="values", to=to)
    parts = [
        _amount(given[key], field="values", label=_("The amount of %(child)s") % {"child": label})
        for key, label, _child_unit, _child_period in children
    ]
    total = sum(parts, Decimal("0.00"))
    if total != budget.amount:
        difference = total - budget.amount
        raise InvalidInput(
            _(
                "The amounts given add up to %(total)s, but the budget is %(budget)s: %(difference)s %(direction)s. "
                "Given: %(given)s."
            )
            % {
                "total": total,
                "budget": budget.amount,
                "difference": abs(difference),
                "direction": _("too much") if difference > 0 else _("too little"),
                "given": "; ".join(f"{child[1]} {part}" for child, part in zip(children, parts, strict=True)),
            },
            field="values",
        )
    return parts


@transaction.atomic
def budget_allocate(*, budget, to=AllocationTarget.UNITS, method=AllocationMethod.SHARES, shares=None, values=None, by):
    """Allocate a current budget to its active child units (same period and category), or to the
    quarters or months of its period (same unit): by shares (non-negative weights, normalised), in equal
    parts, or by hand (amounts that add up exactly — otherwise refused, saying by how much and where).
    Each child gets a new current version pointing at this budget as its parent."""
    budget = _lock_current(budget)
    ensure(by, "budget.allocate", budget)
    if method not in (AllocationMethod.SHARES, AllocationMethod.MANUAL, AllocationMethod.EQUAL):
        raise InvalidInput(
            _("Allocate by shares, in equal parts or by hand, not %(method)s.") % {"method": method}, field="method"
        )
    children = allocation_slots(budget, to)
    result = AllocationResult(parent=budget, to=AllocationTarget(to), method=AllocationMethod(method))
    if method == AllocationMethod.MANUAL:
        parts = _manual_parts(values, children, budget=budget, to=to)
        weights = parts
    else:
        weights = _share_weights(shares, children, to=to) if method == AllocationMethod.SHARES else [Decimal(1)] * len(children)
        parts = allocate(budget.amount, weights)
    result.weights = {child[0]: weight for child, weight in zip(children, weights, strict=True)}
    for (_key, _label, unit, period), part in zip(children, parts, strict=True):
        result.budgets.append(
            _supersede(unit=unit, period=period, category=budget.category, amount=part, parent=budget, method=method, by=by)
        )
    return result


# --- spending -------------------------------------------------------------------------------------
# The budget that applies and what was spent against it are reads (budgets.selectors, imported above).
def _title(expense):
    return _("Spending beyond budget: %(unit)s, %(category)s %(amount)s on %(day)s") % {
        "unit": expense.unit.name,
        "category": expense.get_category_display(),
        "amount": money(expense.amount),
        "day": expense.spent_on.isoformat(),
    }


def _check_and_route(expense, *, by):
    """Lock the applicable budget, then record the expense within it or send it for approval."""
    budget = applicable_budget(unit=expense.unit, category=expense.category, day=expense.spent_on, lock=True)
    expense.budget = budget
    within = budget is not None and spent_against(budget, exclude=expense) + expense.amount <= budget.amount
    if within:
        expense.state = ExpenseState.RECORDED
        expense.save(update_fields=["budget", "state", "updated_at"])
        return expense
    expense.save(update_fields=["budget", "updated_at"])
    request = request_submit(
        subject=expense,
        kind=ApprovalKind.EXPENSE_OVER_BUDGET,
        unit=expense.unit,
        title=_title(expense),
        by=by,
        amount=expense.amount,
    )
    expense.state = ExpenseState.PENDING
    expense.approval_request = request
    expense.save(update_fields=["state", "approval_request", "updated_at"])
    return expense


@transaction.atomic
def expense_record(*, unit=None, category, spent_on, amount, description="", by):
    """Record an expense of a unit (by default the recorder's own unit). Within the budget that applies
    it is recorded; beyond it, or with no budget, it is pending and an approval request is submitted
    (ApprovalKind.EXPENSE_OVER_BUDGET: the manager one level up decides, the director above 1,000,000).
    `by` needs `expense.record` for the unit (budgets/rights.py): a member of staff, inside their scope."""
    ensure(by, "expense.record")
    staff = by.staff_profile
    unit = _unit(unit if unit is not None else staff.unit)
    ensure(by, "expense.record", unit)
    category = _category(category)
    amount = _amount(amount, positive=True)
    if spent_on is None or not hasattr(spent_on, "isoformat"):
        raise InvalidInput(_("Give the day the money was spent."), field="spent_on")
    if spent_on > timezone.localdate():
        raise InvalidInput(_("An expense cannot be dated in the future (%(day)s).") % {"day": spent_on}, field="spent_on")
    description = (description or "").strip()
    if len(description) > 500:
        raise InvalidInput(_("The description is at most 500 characters long."), field="description")
    if "\x00" in description:
        raise InvalidInput(_("Null characters are not allowed."), field="description")
    expense = Expense.objects.create(
        unit=unit,
        category=category,
        spent_on=spent_on,
        amount=amount,
        description=description,
        recorded_by=staff,
        state=ExpenseState.RECORDED,
    )
    return _check_and_route(expense, by=by)


def _lock_expense(expense):
    return Expense.objects.select_for_update(of=("self",)).select_related("unit").get(pk=expense.pk)


@transaction.atomic
def expense_cancel(*, expense, by, reason=""):
    """Cancel an expense recorded by mistake: it stops counting. A pending one is withdrawn from its
    approval (only its submitter can, while no reviewer has decided a step). Rejected and cancelled
    expenses stay as they are."""
    expense = _lock_expense(expense)
    ensure(by, "expense.handle", expense)
    if expense.state in (ExpenseState.REJECTED, ExpenseState.CANCELLED):
        raise Conflict(
            _("A %(state)s expense cannot be cancelled.") % {"state": expense.get_state_display()}, field="state", code="state"
        )
    if expense.state == ExpenseState.PENDING:
        request_withdraw(request=expense.approval_request, by=by)  # approvals marks it cancelled (approval_subjects)
        expense.refresh_from_db()
        return expense
    expense.state = ExpenseState.CANCELLED
    expense.save(update_fields=["state", "updated_at"])
    return expense


@transaction.atomic
def expense_resubmit(*, expense, by, amount=None, description=None):
    """Submit a returned expense again (optionally with a corrected amount or description): checked
    against the budget afresh — recorded if it now fits, otherwise a new version of the request."""
    expense = _lock_expense(expense)
    ensure(by, "expense.handle", expense)
    if expense.state != ExpenseState.RETURNED:
        raise Conflict(_("Only a returned expense is submitted again."), field="state", code="state")
    if amount is not None:
        expense.amount = _amount(amount, positive=True)
    if description is not None:
        expense.description = (description or "").strip()[:500]
    expense.save(update_fields=["amount", "description", "updated_at"])
    return _check_and_route(expense, by=by)
