"""Scoping-contract write entries of the organisation: units, staff and branch API keys (the read entries are in
tests/scoping_registry.py, which came first).

Rules (core/roles.py): only the Development Center ("orgunit.change", "apikey.manage") shapes the tree and issues
or revokes branch keys; the center and the regional and provincial managers keep the staff archive
("staff.change") of their subtree; district managers and sales staff change none of these, branch keys neither.
"""

from itertools import count

from core.rights import SYSTEM
from core.roles import Role
from tests.scoping_registry import Scoped, Write, make_api_key, make_staff, make_unit

_n = count(1)

CENTER = frozenset({"director", "center"})
STAFF_KEEPERS = CENTER | {"rm_east", "rm_south", "pm_zhejiang", "pm_guangdong"}


def _other_province(district):
    from regions.models import OrgUnit

    return OrgUnit.objects.filter(kind="province", is_active=True).exclude(pk=district.parent_id).order_by("code").first()


def _sibling(district):
    """Another active district of the same province."""
    from regions.models import OrgUnit

    return (
        OrgUnit.objects.filter(parent=district.parent_id, kind="district", is_active=True)
        .exclude(pk=district.pk)
        .order_by("code")
        .first()
    )


def _empty_district(district, owner):
    """A new district beside the test district, in its province, with nobody in it (so it may be closed)."""
    from regions.services import org_unit_create

    return org_unit_create(
        by=SYSTEM, kind="district", code=f"EMPTY{next(_n)}", name=f"空办事处{district.code}", parent=district.parent
    )


def _unit_body(district, world, persona):
    n = next(_n)
    return {"kind": "district", "code": f"NEW{n}", "name": f"新办事处{n}", "parent": district.parent_id}


def _staff_body(district, world, persona):
    n = next(_n)
    return {
        "employee_no": f"W{n:05d}",
        "name": f"新员工{n}",
        "unit": district.pk,
        "role": Role.SALES_REP,
        "hire_date": "2024-03-01",
    }


WRITES = [
    # --- API -------------------------------------------------------------------------------------------------
    Write(
        name="org unit create",
        url="orgunit-list",
        make=make_unit,
        detail=False,
        body=_unit_body,
        writers=CENTER,
        success=201,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="org unit move",
        url="orgunit-move",
        make=make_unit,
        body=lambda unit, world, persona: {"parent": _other_province(unit).pk},
        writers=CENTER,
        rep_sees="unit",
    ),
    Write(
        name="org unit merge",
        url="orgunit-merge",
        make=make_unit,
        body=lambda unit, world, persona: {"target": _sibling(unit).pk},
        writers=CENTER,
        rep_sees="unit",
    ),
    Write(name="org unit close", url="orgunit-close", make=_empty_district, writers=CENTER, place="province"),
    Write(
        name="staff hire",
        url="staff-list",
        make=make_unit,
        detail=False,
        body=_staff_body,
        writers=STAFF_KEEPERS,
        success=201,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="staff move",
        url="staff-move",
        make=make_staff,
        body=lambda staff, world, persona: {"unit": _sibling(staff.unit).pk, "role": Role.SALES_REP, "on": "2030-01-01"},
        writers=STAFF_KEEPERS,
    ),
    Write(
        name="API key issue",
        url="apikey-list",
        make=make_unit,
        detail=False,
        body=lambda unit, world, persona: {"name": f"分支系统{next(_n)}", "unit": unit.pk},
        writers=CENTER,
        success=201,
        rep_sees="unit",
        outside=400,
    ),
    Write(name="API key revoke", url="apikey-revoke", make=make_api_key, writers=CENTER, rep_sees="unit"),
    # --- pages -----------------------------------------------------------------------------------------------
    Write(
        name="org unit create page",
        url="regions:orgunit_create",
        make=make_unit,
        detail=False,
        body=_unit_body,
        writers=CENTER,
        success=302,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="org unit edit page",
        url="regions:orgunit_detail",
        make=make_unit,
        body=lambda unit, world, persona: {"code": unit.code, "name": f"{unit.name}（改）", "name_en": "Renamed"},
        writers=CENTER,
        success=302,
        rep_sees="unit",
    ),
    Write(
        name="staff hire page",
        url="regions:staff_create",
        make=make_unit,
        detail=False,
        body=_staff_body,
        writers=STAFF_KEEPERS,
        success=302,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="API key issue page",
        url="regions:apikey_list",
        make=make_unit,
        detail=False,
        body=lambda unit, world, persona: {"name": f"分支系统{next(_n)}", "unit": unit.pk},
        writers=CENTER,
        success=200,  # the page shows the new key once
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="API key revoke page",
        url="regions:apikey_list",
        make=make_api_key,
        detail=False,
        body=lambda key, world, persona: {"revoke": key.pk},
        writers=CENTER,
        success=302,
        rep_sees="unit",
        outside=404,
    ),
]

# A detail sub-resource read through the same scoped lookup as the unit itself.
ENTRIES = [
    Scoped(name="org unit subtree", make=make_unit, api_detail="orgunit-subtree", api_detail_is_object=False, rep_sees="unit"),
]
