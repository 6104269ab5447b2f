"""Pages and API of promotional materials: they render in scope, write through the services, refuse bad input
on its field with nothing written, and answer 404 outside the scope."""

import pytest
from django.urls import reverse

from channels import services
from channels.models import MaterialDispatch, MaterialMovement, MaterialRequest, MaterialStock
from core.rights import SYSTEM


@pytest.fixture
def item(db):
    return services.material_item_create(by=SYSTEM, code="B-01", name="产品手册", uom="本", unit_cost="3.50")


@pytest.fixture
def east(units, item):
    services.material_receive(by=SYSTEM, unit=units["HD"], item=item, quantity=50)
    return item


def test_pages_render_for_a_manager(personas, east, units):
    client = personas["rm_east"].web()
    for name in (
        "material_stock_list",
        "material_movement_list",
        "material_dispatch_list",
        "material_request_list",
        "material_item_list",
        "material_stock_change",
        "material_dispatch_create",
        "material_request_create",
    ):
        response = client.get(reverse(f"channels:{name}"))
        assert response.status_code == 200, name
    assert "产品手册" in client.get(reverse("channels:material_stock_list")).content.decode()
    # South sees no East stock
    assert "产品手册" not in personas["rm_south"].web().get(reverse("channels:material_stock_list")).content.decode()


def test_dispatch_page_refuses_more_than_held_on_quantity(personas, east, units):
    client = personas["rm_east"].web()
    data = {"from_unit": units["HD"].pk, "to_unit": units["330100"].pk, "item": east.pk, "quantity": 51}
    response = client.post(reverse("channels:material_dispatch_create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["quantity"]
    assert not MaterialDispatch.objects.exists() and MaterialMovement.objects.count() == 1
    response = client.post(reverse("channels:material_dispatch_create"), {**data, "quantity": 20})
    assert response.status_code == 302
    dispatch = MaterialDispatch.objects.get()
    assert personas["dm_guangzhou"].web().get(dispatch.get_absolute_url()).status_code == 404
    response = personas["dm_hangzhou"].web().post(dispatch.get_absolute_url(), {"action": "receive"})
    assert response.status_code == 302
    assert MaterialStock.objects.get(unit=units["330100"], item=east).quantity == 20


def test_plan_page_flow(personas, item, units):
    client = personas["dm_hangzhou"].web()
    data = {
        "unit": units["330100"].pk,
        "period": "2026-Q4",
        "title": "四季度",
        "item_0": item.pk,
        "quantity_0": 10,
        "purpose_0": "说明会",
    }
    response = client.post(reverse("channels:material_request_create"), {**data, "quantity_0": 0})
    assert response.status_code == 400 and not MaterialRequest.objects.exists()
    response = client.post(reverse("channels:material_request_create"), data)
    assert response.status_code == 302
    plan = MaterialRequest.objects.get()
    assert client.get(plan.get_absolute_url()).status_code == 200
    assert client.post(plan.get_absolute_url(), {"action": "submit"}).status_code == 302
    plan.refresh_from_db()
    assert plan.state == "submitted"
    assert personas["dm_guangzhou"].web().get(plan.get_absolute_url()).status_code == 404


def test_api_plan_and_stock(personas, east, units):
    api = personas["dm_hangzhou"].api()
    url = reverse("channels-material-request-list")
    body = {"unit": units["330100"].pk, "period": "2026-Q4", "title": "四季度", "lines": [{"item": east.pk, "quantity": 5}]}
    response = api.post(url, {**body, "period": "2026-13"}, format="json")
    assert response.status_code == 400 and "period" in response.json()["errors"]
    response = api.post(url, {**body, "unit": units["440100"].pk}, format="json")
    assert response.status_code == 400 and "unit" in response.json()["errors"]
    assert not MaterialRequest.objects.exists()
    response = api.post(url, body, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert api.post(reverse("channels-material-request-submit", args=[pk]), {}, format="json").status_code == 200
    assert personas["dm_guangzhou"].api().get(reverse("channels-material-request-detail", args=[pk])).status_code == 404
    stock = personas["rm_east"].api().get(reverse("channels-material-stock-list")).json()
    assert [(row["item_code"], row["quantity"], row["value"]) for row in stock["results"]] == [("B-01", 50, "175.00")]
    response = (
        personas["rm_east"]
        .api()
        .post(
            reverse("channels-material-dispatch-list"),
            {"from_unit": units["HD"].pk, "to_unit": units["330100"].pk, "item": east.pk, "quantity": 51},
            format="json",
        )
    )
    assert response.status_code == 400 and "quantity" in response.json()["errors"]
    assert personas["rm_east"].api().get(reverse("channels-material-movement-list")).status_code == 200


def test_catalogue_and_adjustment_pages(personas, east, units):
    center = personas["center"].web()
    response = center.post(
        reverse("channels:material_item_create"), {"code": "B-01", "name": "重复", "uom": "本", "unit_cost": "1"}
    )
    assert response.status_code == 400 and response.context["form"].errors["code"]
    assert (
        personas["rm_east"]
        .web()
        .post(reverse("channels:material_item_create"), {"code": "G", "name": "g", "uom": "个", "unit_cost": "1"})
        .status_code
        == 403
    )
    client = personas["rm_east"].web()
    data = {"kind": "adjustment", "unit": units["HD"].pk, "item": east.pk, "quantity": -60, "note": "盘亏"}
    response = client.post(reverse("channels:material_stock_change"), data)
    assert response.status_code == 400 and response.context["form"].errors["quantity"]
    assert MaterialStock.objects.get(unit=units["HD"], item=east).quantity == 50
    assert client.post(reverse("channels:material_stock_change"), {**data, "quantity": -5}).status_code == 302
    assert MaterialStock.objects.get(unit=units["HD"], item=east).quantity == 45
