"""Who may change what in risk control (core/rights.py): reporting a special event and handling it.

Anyone with a staff profile reports an event of a unit inside their scope (a salesperson: his own
district). The event is handled — an owner assigned, steps added, notes, closure — by its owner, by the
managers whose part of the tree holds the unit, and by the Development Center; a step is marked done also
by the person it was given to. The state an event must be in (open) is the service's 409, asked after the
right.
"""

from django.utils.translation import gettext as _

from core.rights import Refusal, rule
from core.roles import Role, can, staff_of
from core.scoping import scope_of


def _staff(user):
    return staff_of(user, active=True)


@rule("event.report")
def may_report_event(user, unit=None):
    """Report a special event of `unit` (without one: may this person report events at all?)."""
    if _staff(user) is None or not can(user, "event.report"):
        return Refusal(_("Special events are reported by a member of staff."))
    if unit is not None and not scope_of(user).covers_path(unit.path):
        return Refusal(_("%(unit)s is outside your part of the organisation.") % {"unit": unit}, field="unit")
    return True


def handles_event(user, event):
    """True if `user` handles `event`: its owner, a manager whose subtree holds its unit, or the center."""
    staff = _staff(user)
    if staff is None:
        return False
    if staff.pk == event.owner_id:
        return True
    scope = scope_of(user)
    return staff.role != Role.SALES_REP and not scope.own_only and scope.covers_path(event.unit.path)


def _handler(user, event):
    return handles_event(user, event) or Refusal(
        _("Only the event's owner, a manager above its unit or the Development Center may do this.")
    )


@rule("event.assign")
def may_assign_owner(user, event):
    """Give the event another owner."""
    return _handler(user, event)


@rule("event.add_step")
def may_add_step(user, event):
    """Add a step (with its deadline) to the event's procedure."""
    return _handler(user, event)


@rule("event.note")
def may_add_note(user, event):
    """Write a note into the event's timeline."""
    return _handler(user, event)


@rule("event.close")
def may_close(user, event):
    """Close the event with its summary."""
    return _handler(user, event)


@rule("event.complete_step")
def may_complete_step(user, step):
    """Mark a step done: the person it was given to, or whoever handles the event."""
    staff = _staff(user)
    if staff is not None and staff.pk == step.owner_id:
        return True
    return _handler(user, step.event)
