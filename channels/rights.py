"""Who may change the channel archive (core/rights.py: the one rule for writes).

The archive is kept by those who keep the customers' archive: the role table's `customer.change` (held by the
center, every manager, sales staff and branch systems' keys) is asked here too, so a new app needs no new
right in the role table. Inside it, a channel is handled by

- its responsible salesperson;
- a manager whose subtree holds the channel's district office (the district's own manager included);
- the Development Center, anywhere;
- a branch system's key whose part of the organisation holds the channel (it feeds the archive in bulk).

Reading is the scope rule alone (`Channel.objects.for_user`): a salesperson reads their own channels, a manager
their subtree's. Pages and the API find a channel through the scope first, so outside it is a 404 before any
right is asked; the services ask these rules with `ensure(by, ...)` before they write.

- `channel.create` (the new Channel, unsaved; None: may this person open channels at all?);
- `channel.update`, `channel.transition`, `channel.log` (a Channel: its archive, its state, its contacts,
  relationship log and agreements).
"""

from django.utils.translation import gettext as _

from core.rights import Refusal, rule
from core.roles import Role, can, role_of, staff_of
from core.scoping import scope_of

# The right of the role table that keeps the archive (see the docstring).
ARCHIVE_RIGHT = "customer.change"


def new_channel_salesperson(user):
    """The salesperson a channel opened by `user` must have, or None when any may be chosen: a salesperson's
    new channel is their own (they read only their own)."""
    if role_of(user) == Role.SALES_REP:
        return staff_of(user, active=True)
    return None


def handles_channel(user, channel):
    """True if `user` handles `channel`: its salesperson, a manager (or branch key) whose part holds its
    district office, or the center."""
    if not can(user, ARCHIVE_RIGHT):
        return False
    scope = scope_of(user)
    if scope.everything:
        return True
    staff = staff_of(user, active=True)
    if staff is not None and channel.salesperson_id is not None and staff.pk == channel.salesperson_id:
        return True
    if scope.own_only:
        return False
    return scope.covers_path(channel.unit.path)


def _handler(user, channel):
    return handles_channel(user, channel) or Refusal(
        _("Only the channel's salesperson, a manager above its district office or the Development Center may do this.")
    )


@rule("channel.create")
def may_create_channel(user, channel=None):
    """Open `channel` (unsaved) — a salesperson only their own, others in their part of the organisation."""
    if not can(user, ARCHIVE_RIGHT):
        return Refusal(_("You have no right to keep the channel archive."))
    if channel is None:
        return True
    scope = scope_of(user)
    if scope.own_only:
        staff = staff_of(user, active=True)
        return (staff is not None and channel.salesperson_id == staff.pk) or Refusal(
            _("A salesperson opens channels of their own."), field="salesperson"
        )
    return scope.covers_path(channel.unit.path) or Refusal(
        _("%(unit)s is outside your part of the organisation.") % {"unit": channel.unit}, field="unit"
    )


@rule("channel.update")
def may_update_channel(user, channel):
    """Change the channel's archive (name, identity, unit, salesperson, tier, contacts)."""
    return _handler(user, channel)


@rule("channel.transition")
def may_move_channel(user, channel):
    """Move the channel's state (prospect → negotiating → contracted …)."""
    return _handler(user, channel)


@rule("channel.log")
def may_log_channel(user, channel):
    """Add to the channel's relationship log, contacts and agreements."""
    return _handler(user, channel)


# Who may change what in the channels app (core/rights.py). Services ask these rules with `ensure(by, ...)`;
# pages and the API ask them with `may(...)` only to show or hide a form.
def _manages(user, staff, unit):
    """A manager (or the center) whose part of the tree holds `unit`."""
    if staff.role == Role.SALES_REP:
        return False
    scope = scope_of(user)
    return not scope.own_only and scope.covers_path(unit.path)


def _writes_contract_of(user, *, unit, owner_id):
    staff = staff_of(user, active=True)
    if staff is None:
        return False
    if staff.role == Role.SALES_REP:
        return owner_id == staff.pk and scope_of(user).covers_path(unit.path)
    return _manages(user, staff, unit)


# --- contracts (合同, issue 17) ------------------------------------------------------------------------------------
@rule("contract.create")
def may_create_contract(user, party=None):
    """Draft a contract with `party` (a customer or a channel; without one: may this person draft contracts?): its
    salesperson, or a manager above its district office."""
    if staff_of(user, active=True) is None:
        return Refusal(_("Contracts are drafted by a member of staff."))
    if party is None:
        return True
    unit = getattr(party, "district", None) or party.unit
    if _writes_contract_of(user, unit=unit, owner_id=party.salesperson_id):
        return True
    return Refusal(_("Only the party's salesperson or a manager above its office drafts its contracts."), field="party")


@rule("contract.write")
def may_write_contract(user, contract):
    """Change a contract, record its meetings, move its state or submit it for filing: its owner, or a manager
    above its unit (the Development Center files it, through the approval)."""
    if _writes_contract_of(user, unit=contract.unit, owner_id=contract.owner_id):
        return True
    return Refusal(_("Only the contract's owner or a manager above its unit changes it."))


@rule("contract.remind")
def may_remind_contracts(user, subject=None):
    """The expiry reminders and state moves are the nightly job's (it acts as SYSTEM)."""
    return Refusal(_("Contract reminders are sent by the system."))


# Who may change what in channels (core/rights.py). The services ask these rules (`ensure(by, …)`) before they
# write; pages and the API only ask `may(...)` to show or hide a form.
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
