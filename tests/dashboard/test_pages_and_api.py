"""The dashboard page and API: scope persona by persona (inside → 200, outside → 404), bad input (400/404
with a clear message, never 500), drill-down links, what each level shows."""

from decimal import Decimal

import pytest
from django.urls import reverse

HANGZHOU, GUANGZHOU = "330100", "440100"
# Which of the two test districts each persona's scope covers (the scoping contract's table).
COVERS = {
    "director": {HANGZHOU, GUANGZHOU},
    "center": {HANGZHOU, GUANGZHOU},
    "rm_east": {HANGZHOU},
    "rm_south": {GUANGZHOU},
    "pm_zhejiang": {HANGZHOU},
    "pm_guangdong": {GUANGZHOU},
    "dm_hangzhou": {HANGZHOU},
    "dm_guangzhou": {GUANGZHOU},
    "rep_hangzhou": {HANGZHOU},
    "key_hangzhou": {HANGZHOU},
    "key_guangdong": {GUANGZHOU},
}
WEB = [name for name in COVERS if not name.startswith("key_")]
MANAGERS = ["director", "center", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong", "dm_hangzhou", "dm_guangzhou"]
PAGE = reverse("dashboard:dashboard")
API = reverse("dashboard-api")


@pytest.mark.parametrize("persona", WEB)
def test_own_dashboard_opens_for_everyone(persona, personas):
    response = personas[persona].web().get(PAGE)
    assert response.status_code == 200
    assert b'data-testid="dashboard-heading"' in response.content
    assert b'id="dashboard-charts"' in response.content


@pytest.mark.parametrize("persona", list(COVERS))
def test_own_dashboard_api(persona, personas):
    response = personas[persona].api().get(API)
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("persona", WEB)
@pytest.mark.parametrize("district", [HANGZHOU, GUANGZHOU])
def test_page_unit_in_scope_200_outside_404(persona, district, personas, units):
    response = personas[persona].web().get(PAGE, {"unit": units[district].pk})
    assert response.status_code == (200 if district in COVERS[persona] else 404)


@pytest.mark.parametrize("persona", list(COVERS))
@pytest.mark.parametrize("district", [HANGZHOU, GUANGZHOU])
def test_api_unit_in_scope_200_outside_404(persona, district, personas, units):
    response = personas[persona].api().get(API, {"unit": units[district].pk})
    assert response.status_code == (200 if district in COVERS[persona] else 404), response.content
    if response.status_code == 200:
        assert response.json()["unit"] == units[district].pk


@pytest.mark.parametrize("persona", list(COVERS))
@pytest.mark.parametrize("whose", ["rep_hangzhou", "rep_hangzhou_2", "dm_guangzhou"])
def test_staff_in_scope_200_outside_404(persona, whose, personas):
    staff = personas[whose].staff
    district = GUANGZHOU if whose == "dm_guangzhou" else HANGZHOU
    if persona == "rep_hangzhou":
        expected = 200 if whose == "rep_hangzhou" else 404
    else:
        expected = 200 if district in COVERS[persona] else 404
    assert personas[persona].api().get(API, {"staff": staff.pk}).status_code == expected
    if not persona.startswith("key_"):
        assert personas[persona].web().get(PAGE, {"staff": staff.pk}).status_code == expected


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ({"unit": "abc"}, 400, "unit"),
        ({"unit": "0"}, 400, "unit"),
        ({"unit": "-3"}, 400, "unit"),
        ({"unit": "1" * 30}, 400, "unit"),
        ({"unit": "\x00"}, 400, "unit"),
        ({"staff": "x"}, 400, "staff"),
        ({"unit": "999999"}, 404, None),
        ({"staff": "999999"}, 404, None),
    ],
)
def test_bad_input_is_a_clear_4xx(query, status, field, personas):
    response = personas["rm_east"].api().get(API, query)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["detail"]
    if field:
        assert field in body.get("errors", {})
    page = personas["rm_east"].web().get(PAGE, query)
    assert page.status_code == status
    if status == 400:
        assert b'id="dashboard-error"' in page.content


def test_staff_of_another_unit_is_refused(personas, units):
    response = personas["director"].api().get(API, {"unit": units[GUANGZHOU].pk, "staff": personas["rep_hangzhou"].staff.pk})
    assert response.status_code == 400
    assert "staff" in response.json()["errors"]


def test_drill_down_links_region_to_customer(facts, personas, units):
    client = personas["rm_east"].web()
    page = client.get(PAGE).content.decode()
    assert 'data-testid="drill-330000"' in page  # 浙江 below 华东
    page = client.get(PAGE, {"unit": units["330000"].pk}).content.decode()
    assert f'href="/dashboard/?unit={units[HANGZHOU].pk}" data-testid="drill-{HANGZHOU}"' in page
    page = client.get(PAGE, {"unit": units[HANGZHOU].pk}).content.decode()
    rep = personas["rep_hangzhou"].staff
    assert f'href="/dashboard/?staff={rep.pk}" data-testid="drill-{rep.employee_no}"' in page
    response = client.get(PAGE, {"staff": rep.pk})
    assert response.status_code == 200
    customer = next(c for c in facts["customers"] if c.salesperson_id == rep.pk)
    assert reverse("customers:customer_detail", kwargs={"pk": customer.pk}) in response.content.decode()


def test_levels_and_child_kinds(facts, personas, units):
    api = personas["director"].api()
    assert api.get(API).json()["level"] == "center"
    body = api.get(API, {"unit": units["HD"].pk}).json()
    assert body["level"] == "region" and body["child_kind"] == "unit"
    body = api.get(API, {"unit": units[HANGZHOU].pk}).json()
    assert body["child_kind"] == "staff"
    body = api.get(API, {"staff": personas["rep_hangzhou"].staff.pk}).json()
    assert body["level"] == "staff" and body["child_kind"] == "customer" and body["children"]
    assert body["head"]["month"]["new_channels"]["recorded"] is True
    assert Decimal(body["head"]["month"]["new_channels"]["actual"]) == 0
    # A salesperson's own dashboard is theirs, whatever unit they name.
    body = personas["rep_hangzhou"].api().get(API, {"unit": units[HANGZHOU].pk}).json()
    assert body["level"] == "staff" and body["staff"] == personas["rep_hangzhou"].staff.pk


def test_the_home_entry_is_the_dashboard_for_managers(personas):
    for name in MANAGERS:
        response = personas[name].web().get("/")
        assert response.templates[0].name == "dashboard/dashboard.html"
        first = response.context["nav_menu"][0]
        assert (str(first["label"]), first["url"], first["active"]) == ("驾驶舱", "/", True)
        # A drilled-down dashboard keeps the home entry lit.
        drilled = personas[name].web().get(PAGE)
        assert drilled.context["nav_menu"][0]["active"] is True
    rep = personas["rep_hangzhou"].web().get("/")
    assert rep.templates[0].name != "dashboard/dashboard.html"
    assert str(rep.context["nav_menu"][0]["label"]) == "首页"
