"""Who may build, annotate and submit business reports (core.rights: the one rule for writes).

The manager of the report's unit and the Development Center (director, center staff): the regional
manager for their own region's report, the center for any region's and for the company's. Everyone whose
scope covers the unit reads it (the read scope, not a right).

- `report.build` (a unit): request a build or a rebuild of its report;
- `report.edit` (a report): write its analysis;
- `report.submit` (a report): submit it to the Development Center.
"""

from core.rights import rule
from core.roles import Role, role_of
from core.scoping import scope_of
from regions.choices import UnitKind

CENTER_ROLES = (Role.DIRECTOR, Role.CENTER_STAFF)


@rule("report.build")
def may_build(user, unit):
    """The Development Center for every report; a regional manager for their own region's."""
    role = role_of(user)
    if role in CENTER_ROLES:
        return True
    return role == Role.REGIONAL_MANAGER and unit.kind == UnitKind.REGION and scope_of(user).covers_path(unit.path)


@rule("report.edit")
def may_edit(user, report):
    return may_build(user, report.unit)


@rule("report.submit")
def may_submit(user, report):
    return may_build(user, report.unit)
