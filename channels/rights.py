"""Who may change what in channels (core/rights.py). The services ask these rules (`ensure(by, …)`) before they
write; pages and the API only ask `may(...)` to show or hide a form."""

from django.utils.translation import gettext as _

from core.rights import Refusal, rule
from core.roles import can
from core.scoping import scope_of


def _outside(unit, field="unit"):
    return Refusal(_("%(unit)s is outside your part of the organisation.") % {"unit": unit}, field=field)


# --- promotional materials (推广用品), issue 17 -------------------------------------------------------------
# The catalogue is the Development Center's (like products); a unit's stock, dispatches and requirement plans
# are kept by its managers (the budget-keeping right); materials are used at events by anyone who works there.
@rule("material.catalogue")
def may_keep_catalogue(user, item=None):
    return can(user, "product.change") or Refusal(_("The catalogue of promotional materials is kept by the Development Center."))


@rule("material.stock")
def may_keep_stock(user, unit):
    """Record a receipt from a supplier or a stock-take adjustment of `unit`'s stock."""
    if not can(user, "budget.change"):
        return Refusal(_("You may not change stocks of promotional materials."))
    return scope_of(user).covers_path(unit.path) or _outside(unit)


@rule("material.dispatch")
def may_dispatch(user, unit):
    """Send materials out of `unit`'s stock to a unit below it."""
    if not can(user, "budget.change"):
        return Refusal(_("You may not dispatch promotional materials."))
    return scope_of(user).covers_path(unit.path) or _outside(unit, "from_unit")


@rule("material.receive")
def may_receive(user, dispatch):
    """Confirm the receipt of a dispatch: a manager whose scope covers the receiving unit."""
    if not can(user, "budget.change"):
        return Refusal(_("You may not receive promotional materials."))
    return scope_of(user).covers_path(dispatch.to_unit.path) or _outside(dispatch.to_unit)


@rule("material.consume")
def may_consume(user, event):
    """Record materials used at `event` (out of its unit's stock): anyone who works and reads the event's unit."""
    if not can(user, "expense.change"):
        return Refusal(_("You may not record the use of promotional materials."))
    return scope_of(user).covers_path(event.unit.path) or _outside(event.unit, "event")


@rule("material.request")
def may_request(user, unit):
    """Draft, edit, submit or withdraw a requirement plan of `unit`."""
    if not can(user, "budget.change"):
        return Refusal(_("You may not draft requirement plans for promotional materials."))
    return scope_of(user).covers_path(unit.path) or _outside(unit)


# --- promotion events (推广活动), issue 17 -------------------------------------------------------------------
@rule("promotion.event")
def may_change_event(user, event):
    """Hold or change a promotion event (its guests, leads, results and expenses): anyone who works, for an
    event of their part of the tree; a salesperson only their own events."""
    if not can(user, "expense.change"):
        return Refusal(_("You may not change promotion events."))
    scope = scope_of(user)
    if not scope.covers_path(event.unit.path):
        return _outside(event.unit)
    if scope.own_only and event.owner_id != scope.staff_id:
        return Refusal(_("A salesperson changes only their own promotion events."), field="owner")
    return True
