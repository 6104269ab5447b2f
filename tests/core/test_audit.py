"""The audit trail records who changed what, and through which door."""

from django.urls import reverse

from core.audit import Door, audit_door
from core.rights import SYSTEM
from regions import services


def test_api_change_is_recorded_with_user_and_door(personas, units):
    unit = units["330100"]
    response = (
        personas["director"]
        .api()
        .patch(reverse("orgunit-detail", kwargs={"pk": unit.pk}), {"name_en": "Hangzhou Office"}, format="json")
    )
    assert response.status_code == 200
    record = unit.history.latest("history_date")
    assert record.name_en == "Hangzhou Office"
    assert record.history_door == Door.API
    assert record.history_user_id == personas["director"].user.pk
    delta = record.diff_against(record.prev_record)
    assert [c.field for c in delta.changes] == ["name_en"]


def test_page_change_is_recorded_with_the_web_door(personas, units):
    unit = units["330100"]
    client = personas["director"].web()
    response = client.post(
        reverse("regions:orgunit_detail", kwargs={"pk": unit.pk}), {"code": unit.code, "name": "杭州地办", "name_en": ""}
    )
    assert response.status_code == 302
    record = unit.history.latest("history_date")
    assert record.name == "杭州地办" and record.history_door == Door.WEB
    assert record.history_user_id == personas["director"].user.pk


def test_task_door(units):
    with audit_door(Door.TASK, detail="nightly"):
        services.org_unit_update(by=SYSTEM, unit=units["330100"], name_en="Hangzhou (task)")
    record = units["330100"].history.latest("history_date")
    assert record.history_door == Door.TASK and record.history_detail == "nightly"
