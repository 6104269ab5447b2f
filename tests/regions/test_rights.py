"""The organisation's write rules (regions/rights.py) and the services that ask them."""

from datetime import date

import pytest

from core.rights import NotAllowed, may, rules
from core.roles import Role
from regions import services
from regions.models import OrgUnit, StaffProfile

ACTIONS = {
    "orgunit.create",
    "orgunit.update",
    "orgunit.move",
    "orgunit.merge",
    "orgunit.close",
    "staff.hire",
    "staff.update",
    "staff.move",
    "staff.leave",
}


def test_every_organisation_action_has_its_rule():
    assert ACTIONS <= set(rules())


def test_only_the_center_shapes_the_tree(personas, units):
    for name in ("director", "center"):
        assert may(personas[name].user, "orgunit.create", units["330000"])
        assert may(personas[name].user, "orgunit.close", units["330100"])
    for name in ("rm_east", "pm_zhejiang", "dm_hangzhou", "rep_hangzhou"):
        assert not may(personas[name].user, "orgunit.update", units["330100"])
    with pytest.raises(NotAllowed):
        services.org_unit_create(
            by=personas["pm_zhejiang"].user, kind="district", code="NOPE1", name="不许", parent=units["330000"]
        )
    assert not OrgUnit.objects.filter(code="NOPE1").exists()


def test_staff_are_kept_in_one_s_own_subtree(personas, units):
    pm = personas["pm_zhejiang"].user
    assert may(pm, "staff.hire", units["330100"]) and not may(pm, "staff.hire", units["440100"])
    assert not may(personas["dm_hangzhou"].user, "staff.hire", units["330100"])
    with pytest.raises(NotAllowed):
        services.staff_hire(
            by=pm, employee_no="X0001", name="越界", unit=units["440100"], role=Role.SALES_REP, hire_date=date(2024, 1, 1)
        )
    assert not StaffProfile.objects.filter(employee_no="X0001").exists()
    rep = personas["rep_hangzhou"].staff
    with pytest.raises(NotAllowed):  # a move into a unit outside the subtree is a hire there
        services.staff_move(by=pm, staff=rep, unit=units["440100"], role=Role.SALES_REP)
    assert StaffProfile.objects.get(pk=rep.pk).unit == units["330100"]
    services.staff_update(by=pm, staff=rep, title="高级客户经理")
    assert StaffProfile.objects.get(pk=rep.pk).title == "高级客户经理"
    with pytest.raises(NotAllowed):
        services.staff_update(by=personas["pm_guangdong"].user, staff=rep, title="不许")
