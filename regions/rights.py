"""Who may change the organisation and the staff archive (core/rights.py: the one rule for writes).

The services ask these rules (`ensure(by, "staff.move", staff)`) before they write; pages and the API ask
them (`may(...)`) only to show or hide a button or a form. Each needs the role's right in the role table
(core/roles.py) and the unit concerned inside the person's part of the organisation (core/scoping.py):

- `orgunit.create` (the parent unit, None for the Development Center itself), `orgunit.update`,
  `orgunit.move`, `orgunit.merge`, `orgunit.close` (a unit): `orgunit.change` — the Development Center's;
  a move or a merge also changes the unit it goes to (`orgunit.update` of the new parent or the target);
- `staff.hire` (the unit the person joins): `staff.change` — the center and the regional and
  provincial managers, for their own subtree; a move into a unit is a hire there too;
- `staff.update`, `staff.move`, `staff.leave` (a StaffProfile): `staff.change`, the person's unit in
  the subtree.
"""

from core.rights import rule
from core.roles import can
from core.scoping import scope_of


def covers(user, unit):
    """True if `unit` lies in `user`'s part of the organisation (None, the root's parent: the whole company)."""
    scope = scope_of(user)
    return scope.everything if unit is None else scope.covers_path(unit.path)


# ------------------------------------------------------------------------------------------ org units


@rule("orgunit.create")
def may_create_unit(user, parent=None):
    return can(user, "orgunit.change") and covers(user, parent)


@rule("orgunit.update")
def may_update_unit(user, unit):
    return can(user, "orgunit.change") and covers(user, unit)


@rule("orgunit.move")
def may_move_unit(user, unit):
    return can(user, "orgunit.change") and covers(user, unit)


@rule("orgunit.merge")
def may_merge_unit(user, unit):
    return can(user, "orgunit.change") and covers(user, unit)


@rule("orgunit.close")
def may_close_unit(user, unit):
    return can(user, "orgunit.change") and covers(user, unit)


# ------------------------------------------------------------------------------------------ staff


@rule("staff.hire")
def may_hire(user, unit):
    return can(user, "staff.change") and (unit is None or covers(user, unit))


@rule("staff.update")
def may_update_staff(user, staff):
    return can(user, "staff.change") and covers(user, staff.unit)


@rule("staff.move")
def may_move_staff(user, staff):
    return can(user, "staff.change") and covers(user, staff.unit)


@rule("staff.leave")
def may_leave(user, staff):
    return can(user, "staff.change") and covers(user, staff.unit)
