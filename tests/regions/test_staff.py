from datetime import date

import pytest

from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM
from regions import services
from regions.models import Position


def test_moving_keeps_the_position_history(units):
    staff = services.staff_hire(
        by=SYSTEM, employee_no="S1", name="王伟", unit=units["330100"], role="sales_rep", hire_date=date(2020, 1, 1)
    )
    services.staff_move(
        by=SYSTEM, staff=staff, unit=units["330000"], role="provincial_manager", title="省级经理", on=date(2024, 7, 1)
    )
    staff.refresh_from_db()
    assert staff.unit.code == "330000" and staff.role == "provincial_manager"
    spells = list(Position.objects.filter(staff=staff).order_by("started_on").values_list("unit__code", "started_on", "ended_on"))
    assert spells == [("330100", date(2020, 1, 1), date(2024, 7, 1)), ("330000", date(2024, 7, 1), None)]


def test_role_must_fit_the_unit_kind(units):
    with pytest.raises(InvalidInput) as info:
        services.staff_hire(
            by=SYSTEM, employee_no="S2", name="李娜", unit=units["HD"], role="district_manager", hire_date=date(2020, 1, 1)
        )
    assert info.value.field == "unit"


def test_duplicate_employee_number_is_refused(units):
    services.staff_hire(
        by=SYSTEM, employee_no="S3", name="张强", unit=units["330100"], role="sales_rep", hire_date=date(2020, 1, 1)
    )
    with pytest.raises(Conflict):
        services.staff_hire(
            by=SYSTEM, employee_no="S3", name="张强", unit=units["330100"], role="sales_rep", hire_date=date(2020, 1, 1)
        )


def test_a_move_cannot_predate_the_current_position(units):
    staff = services.staff_hire(
        by=SYSTEM, employee_no="S4", name="刘洋", unit=units["330100"], role="sales_rep", hire_date=date(2022, 1, 1)
    )
    with pytest.raises(InvalidInput):
        services.staff_move(by=SYSTEM, staff=staff, unit=units["440100"], role="sales_rep", on=date(2021, 1, 1))


def test_leaving_ends_the_position_and_the_login(personas):
    staff = personas["rep_hangzhou"].staff
    services.staff_leave(by=SYSTEM, staff=staff, on=date(2026, 1, 31))
    staff.refresh_from_db()
    staff.user.refresh_from_db()
    assert not staff.is_active and not staff.user.is_active
    assert not staff.positions.filter(ended_on__isnull=True).exists()


def test_merging_a_district_moves_its_staff(personas, units):
    services.org_unit_merge(by=SYSTEM, source=units["330100"], target=units["330200"])
    rep = personas["rep_hangzhou"].staff
    rep.refresh_from_db()
    assert rep.unit.code == "330200"
    assert rep.positions.count() == 2


def test_admin_merge_action(personas, units):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
    from django.urls import reverse

    from regions.models import OrgUnit

    client = personas["director"].web()
    personas["director"].user.is_staff = personas["director"].user.is_superuser = True
    personas["director"].user.save()
    url = reverse("admin:regions_orgunit_changelist")
    source = OrgUnit.objects.get(code="330200")
    response = client.post(url, {"action": "merge_units", ACTION_CHECKBOX_NAME: [source.pk]})
    assert response.status_code == 200 and "330200" in response.content.decode()
    response = client.post(
        url, {"action": "merge_units", ACTION_CHECKBOX_NAME: [source.pk], "apply": "1", "target": units["330300"].pk}
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert not source.is_active and source.merged_into_id == units["330300"].pk
