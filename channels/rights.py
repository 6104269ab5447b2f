"""Who may change what in the channels app (core/rights.py). Services ask these rules with `ensure(by, ...)`;
pages and the API ask them with `may(...)` only to show or hide a form."""

from django.utils.translation import gettext as _

from core.rights import Refusal, rule
from core.roles import Role, staff_of
from core.scoping import scope_of


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
