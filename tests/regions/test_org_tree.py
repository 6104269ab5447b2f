"""The organisation tree: the default map of China, and every change keeping paths consistent."""

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM
from regions import services
from regions.models import OrgUnit


def assert_tree_consistent():
    """Every unit's path is its parent's path plus its own id; depth follows the path."""
    units = {u.pk: u for u in OrgUnit.objects.all()}
    for unit in units.values():
        if unit.parent_id is None:
            assert unit.path == f"/{unit.pk}/"
        else:
            assert unit.path == f"{units[unit.parent_id].path}{unit.pk}/"
        assert unit.path.count("/") - 2 == unit.depth


def test_default_organisation_is_the_map_of_china(db):
    counts = {kind: OrgUnit.objects.filter(kind=kind).count() for kind in ("center", "region", "province", "district")}
    assert counts == {"center": 1, "region": 7, "province": 31, "district": 342}
    east = OrgUnit.objects.get(code="HD")
    assert sorted(east.children.values_list("name", flat=True)) == sorted(
        ["上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省"]
    )
    hangzhou = OrgUnit.objects.get(code="330100")
    assert hangzhou.name == "杭州市" and hangzhou.parent.code == "330000" and hangzhou.parent.parent.code == "HD"
    assert_tree_consistent()


def test_loading_again_changes_nothing(db):
    before = OrgUnit.objects.count()
    assert services.load_default_organisation(by=SYSTEM) == 0
    assert OrgUnit.objects.count() == before


@pytest.mark.parametrize(
    ("kind", "parent_code", "message_part"),
    [
        ("district", "HD", "district office"),  # a district directly under a region
        ("province", "330000", "region"),  # a province under a province
        ("region", None, "parent"),  # a region without a parent
    ],
)
def test_wrong_parent_kind_is_refused(units, kind, parent_code, message_part):
    parent = units[parent_code] if parent_code else None
    before = OrgUnit.objects.count()
    with translation.override("en"), pytest.raises(InvalidInput) as info:
        services.org_unit_create(by=SYSTEM, kind=kind, code="X1", name="新单位", parent=parent)
    assert info.value.field == "parent"
    assert message_part in str(info.value).lower()
    assert OrgUnit.objects.count() == before


def test_duplicate_code_is_refused(units):
    with pytest.raises(Conflict) as info:
        services.org_unit_create(by=SYSTEM, kind="district", code="330100", name="杭州二部", parent=units["330000"])
    assert info.value.field == "code"


def test_moving_a_province_moves_its_districts(units):
    zhejiang, south = units["330000"], units["HN"]
    services.org_unit_move(by=SYSTEM, unit=zhejiang, new_parent=south)
    hangzhou = OrgUnit.objects.get(code="330100")
    assert hangzhou.path.startswith(south.path)
    assert OrgUnit.objects.for_unit(south).filter(code="330100").exists()
    assert not OrgUnit.objects.for_unit(units["HD"]).filter(code="330100").exists()
    assert_tree_consistent()


def test_a_cycle_is_refused(units):
    with pytest.raises(InvalidInput):
        services.org_unit_move(by=SYSTEM, unit=units["HD"], new_parent=units["HD"])
    with pytest.raises(InvalidInput):
        services.org_unit_move(by=SYSTEM, unit=units["330000"], new_parent=units["330100"])


def test_merge_moves_children_and_closes_the_source_keeping_history(units):
    services.org_unit_update(by=SYSTEM, unit=units["XB"], name="西北大区（旧）")
    target = services.org_unit_merge(by=SYSTEM, source=units["XB"], target=units["XN"])
    source = OrgUnit.objects.get(code="XB")
    assert not source.is_active and source.merged_into_id == units["XN"].pk and source.closed_on
    assert source.children.count() == 0
    assert OrgUnit.objects.get(code="610000").parent_id == units["XN"].pk
    assert source.history.count() >= 3  # created, renamed, merged/closed — kept after the close
    assert target.pk == source.pk
    assert_tree_consistent()


def test_closing_needs_children_closed_first(units):
    with pytest.raises(Conflict):
        services.org_unit_close(by=SYSTEM, unit=units["330000"])
    closed = services.org_unit_close(by=SYSTEM, unit=units["330100"])
    assert not closed.is_active
    with pytest.raises(InvalidInput):
        services.org_unit_create(
            by=SYSTEM, kind="district", code="330199", name="新地办", parent=closed
        ) if False else services.org_unit_create(
            by=SYSTEM, kind="district", code="330199", name="新地办", parent=units["330000"]
        ) and services.staff_hire(by=SYSTEM, employee_no="Z1", name="某人", unit=closed, role="sales_rep", hire_date="2024-01-01")


PROVINCES = ["330000", "440000", "320000", "420000", "510000", "110000"]
REGIONS = ["HB", "DB", "HD", "HZ", "HN", "XN", "XB"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=st.lists(st.tuples(st.sampled_from(PROVINCES), st.sampled_from(REGIONS)), min_size=1, max_size=6))
def test_any_sequence_of_moves_keeps_the_tree_consistent(units, moves):
    for province_code, region_code in moves:
        services.org_unit_move(
            by=SYSTEM, unit=OrgUnit.objects.get(code=province_code), new_parent=OrgUnit.objects.get(code=region_code)
        )
    assert_tree_consistent()
    # Every district still has exactly one region above it, and the subtree predicate agrees with it.
    for region in OrgUnit.objects.filter(kind="region"):
        by_path = set(OrgUnit.objects.for_unit(region).filter(kind="district").values_list("pk", flat=True))
        by_fk = set(OrgUnit.objects.filter(kind="district", parent__parent=region).values_list("pk", flat=True))
        assert by_path == by_fk
