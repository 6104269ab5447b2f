"""The attainment and ranking API and the attainment page: scope (outside → 404), bad input (400 with the
field), what each persona sees."""

import pytest
from django.urls import reverse

from core.rights import SYSTEM
from performance.selectors import attainment_table

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
API = reverse("report-attainment")
RANKINGS = reverse("report-rankings")
PAGE = reverse("performance:attainment")


@pytest.mark.parametrize("persona", list(COVERS))
@pytest.mark.parametrize("district", [HANGZHOU, GUANGZHOU])
def test_api_reads_a_unit_in_scope_and_404_outside(persona, district, personas, units):
    client = personas[persona].api()
    unit = units[district]
    expected = 200 if district in COVERS[persona] else 404
    response = client.get(API, {"unit": unit.pk, "period": "2026-Q1"})
    assert response.status_code == expected, response.content
    if expected == 200:
        body = response.json()
        assert body["unit"] == unit.pk and body["period"] == "2026-Q1"
    response = client.get(RANKINGS, {"unit": unit.pk, "period": "2026-Q1", "metric": "sales_amount"})
    assert response.status_code == expected, response.content


@pytest.mark.parametrize("persona", WEB)
@pytest.mark.parametrize("district", [HANGZHOU, GUANGZHOU])
def test_page_reads_a_unit_in_scope_and_404_outside(persona, district, personas, units):
    response = personas[persona].web().get(PAGE, {"unit": units[district].pk, "period": "2026-Q1"})
    assert response.status_code == (200 if district in COVERS[persona] else 404)


@pytest.mark.parametrize(
    ("persona", "region", "allowed"),
    [
        ("rm_east", "HD", True),
        ("rm_east", "HN", False),
        ("rm_south", "HN", True),
        ("rm_south", "HD", False),
        ("pm_zhejiang", "HD", False),
    ],
)
def test_regions_and_the_company(persona, region, allowed, personas, units):
    client = personas[persona].api()
    assert client.get(API, {"unit": units[region].pk, "period": "2026"}).status_code == (200 if allowed else 404)
    assert client.get(API, {"unit": units["HQ"].pk, "period": "2026"}).status_code == 404
    assert personas["center"].api().get(API, {"unit": units["HQ"].pk, "period": "2026"}).status_code == 200


def test_default_unit_is_the_callers_own(personas, units):
    body = personas["rm_east"].api().get(API, {"period": "2026-07"}).json()
    assert body["unit"] == units["HD"].pk
    assert body["child_kind"] == "unit"
    assert {child["code"] for child in body["children"]} >= {"330000", "320000"}
    body = personas["director"].api().get(API).json()
    assert body["unit"] == units["HQ"].pk
    body = personas["dm_hangzhou"].api().get(API, {"period": "2026"}).json()
    assert body["child_kind"] == "staff"
    assert {child["id"] for child in body["children"]} == {
        personas["rep_hangzhou"].staff.pk,
        personas["rep_hangzhou_2"].staff.pk,
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"period": "2026-13"}, "period"),
        ({"period": "Q3"}, "period"),
        ({"period": "2999"}, "period"),
        ({"period": "2026", "metric": "key_customer_contracts"}, "metric"),
        ({"period": "2026", "unit": "abc"}, "unit"),
        ({"period": "2026", "unit": "0"}, "unit"),
        ({"period": "\x00"}, "period"),
    ],
)
def test_bad_query_is_400_with_the_field(query, field, personas):
    response = personas["rm_east"].api().get(API, query)
    assert response.status_code == 400, response.content
    assert field in str(response.json())


def test_rankings_need_a_metric_and_list_children_in_rank_order(facts, personas, units):
    from plans.services import target_set

    client = personas["rm_east"].api()
    assert client.get(RANKINGS, {"period": "2026"}).status_code == 400
    for code, value in [("330000", "1.00"), ("320000", "100000000.00")]:
        target_set(metric="sales_amount", period="2026-Q1", unit=units[code], value=value, by=SYSTEM)
    rows = client.get(RANKINGS, {"unit": units["HD"].pk, "period": "2026-Q1", "metric": "sales_amount"}).json()["rows"]
    assert [row["code"] for row in rows[:2]] == ["330000", "320000"]
    assert [row["rank"] for row in rows[:2]] == [1, 2]
    assert all(row["rank"] is None for row in rows[2:])


def test_a_rep_sees_only_their_own_figures(facts, personas, units):
    rep = personas["rep_hangzhou"]
    body = rep.api().get(API, {"unit": units[HANGZHOU].pk, "period": "2026"}).json()
    assert body["children"] == [] and body["head"] == {**body["head"], "kind": "staff", "id": rep.staff.pk}
    table = attainment_table(user=personas["director"].user, unit=units[HANGZHOU], period="2026")
    own = next(child for child in table["children"] if child["id"] == rep.staff.pk)
    assert body["head"]["figures"]["sales_amount"]["actual"] == f"{own['figures']['sales_amount']['actual']:.2f}"
    response = rep.web().get(PAGE, {"period": "2026"})
    assert response.status_code == 200
    assert personas["rep_hangzhou_2"].staff.name not in response.content.decode()


def test_page_shows_bars_ranks_and_drill_down_links(facts, personas, units):
    from plans.services import target_set

    target_set(metric="sales_amount", period="2026-Q1", unit=units["330000"], value="1000.00", by=SYSTEM)
    response = personas["rm_east"].web().get(PAGE, {"period": "2026-Q1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="?unit={units["330000"].pk}&amp;period=2026-Q1"' in html
    assert 'class="progress"' in html
    response = personas["rm_east"].web().get(PAGE, {"unit": units["330000"].pk, "period": "2026-Q1"})
    html = response.content.decode()
    assert f'href="?unit={units["HD"].pk}&amp;period=2026-Q1"' in html  # the trail back up
    assert f'href="?unit={units[HANGZHOU].pk}&amp;period=2026-Q1"' in html
    response = personas["rm_east"].web().get(PAGE, {"unit": units[HANGZHOU].pk, "period": "2026-Q1"})
    assert personas["rep_hangzhou"].staff.name in response.content.decode()


@pytest.mark.parametrize("period", ["2026-13", "2999-01", "x"])
def test_page_bad_period_is_400_with_a_message(period, personas):
    response = personas["rm_east"].web().get(PAGE, {"period": period})
    assert response.status_code == 400
    assert "is-invalid" in response.content.decode()


def test_page_bad_unit_is_404_and_anonymous_goes_to_login(personas):
    from django.test import Client

    assert personas["rm_east"].web().get(PAGE, {"unit": "x"}).status_code == 404
    assert personas["rm_east"].web().get(PAGE, {"unit": "999999999"}).status_code == 404
    response = Client().get(PAGE)
    assert response.status_code == 302 and "/login/" in response["Location"]
