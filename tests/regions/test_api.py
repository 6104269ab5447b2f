"""The org and staff API: bad input answered clearly in the caller's language, keys bound to units."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AccessDenial, ApiKey
from regions.models import OrgUnit


def test_district_under_a_region_is_refused_with_the_field_named(personas, units):
    client = personas["director"].api()
    body = {"kind": "district", "code": "339999", "name": "新地办", "parent": units["HD"].pk}
    response = client.post(reverse("orgunit-list"), body, format="json")
    assert response.status_code == 400
    data = response.json()
    assert "parent" in data["errors"]
    assert "地办" in data["detail"]  # in Chinese by default
    assert not OrgUnit.objects.filter(code="339999").exists()

    response = personas["director"].api(language="en").post(reverse("orgunit-list"), body, format="json")
    assert response.status_code == 400
    assert "District office" in response.json()["detail"]


def test_duplicate_code_is_a_conflict(personas, units):
    body = {"kind": "district", "code": "330100", "name": "重复", "parent": units["330000"].pk}
    response = personas["director"].api().post(reverse("orgunit-list"), body, format="json")
    assert response.status_code == 409
    assert response.json()["errors"]["code"]


def test_create_move_and_tree(personas, units):
    client = personas["director"].api()
    response = client.post(
        reverse("orgunit-list"),
        {"kind": "district", "code": "330199", "name": "杭州二部", "parent": units["330000"].pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    new_id = response.json()["id"]
    response = client.post(reverse("orgunit-move", kwargs={"pk": new_id}), {"parent": units["440000"].pk}, format="json")
    assert response.status_code == 200
    assert OrgUnit.objects.get(pk=new_id).path.startswith(units["440000"].path)

    tree = personas["rm_east"].api().get(reverse("orgunit-tree")).json()
    assert [node["code"] for node in tree] == ["HD"]
    assert {p["code"] for p in tree[0]["children"]} >= {"330000", "320000"}
    subtree = client.get(reverse("orgunit-subtree", kwargs={"pk": units["330000"].pk})).json()
    assert subtree[0]["code"] == "330000" and len(subtree[0]["children"]) == 11


def test_a_manager_cannot_reference_a_unit_outside_the_scope(personas, units):
    body = {"employee_no": "N1", "name": "赵敏", "unit": units["440100"].pk, "role": "sales_rep", "hire_date": "2024-01-01"}
    response = personas["rm_east"].api().post(reverse("staff-list"), body, format="json")
    assert response.status_code == 400
    assert "unit" in response.json()["errors"]
    body["unit"] = units["330100"].pk
    assert personas["rm_east"].api().post(reverse("staff-list"), body, format="json").status_code == 201


def test_filters_on_the_unit_list(personas, units):
    client = personas["director"].api()
    rows = client.get(reverse("orgunit-list"), {"kind": "district", "subtree_of": units["330000"].pk, "page_size": 100}).json()[
        "results"
    ]
    assert len(rows) == 11 and all(r["kind"] == "district" for r in rows)
    rows = client.get(reverse("orgunit-list"), {"q": "杭州"}).json()["results"]
    assert [r["code"] for r in rows] == ["330100"]
    response = client.get(reverse("orgunit-list"), {"kind": "planet"})
    assert response.status_code == 400 and "kind" in response.json()["errors"]


def test_list_queries_do_not_grow_with_rows(personas):
    client = personas["director"].api()
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("orgunit-list"), {"page_size": 5})
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("orgunit-list"), {"page_size": 400})
    assert len(small) == len(large)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("staff-list"), {"page_size": 2})
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("staff-list"), {"page_size": 200})
    assert len(small) == len(large)


def test_api_key_is_shown_once_stored_hashed_and_revocable(personas, units):
    client = personas["director"].api()
    response = client.post(reverse("apikey-list"), {"name": "宁波分支系统", "unit": units["330200"].pk}, format="json")
    assert response.status_code == 201
    raw = response.json()["key"]
    key = ApiKey.objects.get(pk=response.json()["id"])
    assert raw not in key.hashed_secret and key.hashed_secret != raw
    assert "key" not in client.get(reverse("apikey-detail", kwargs={"pk": key.pk})).json()

    from rest_framework.test import APIClient

    branch = APIClient(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    rows = branch.get(reverse("orgunit-list")).json()["results"]
    assert [r["code"] for r in rows] == ["330200"]
    key.refresh_from_db()
    assert key.last_used_at is not None

    assert client.post(reverse("apikey-revoke", kwargs={"pk": key.pk})).status_code == 200
    assert branch.get(reverse("orgunit-list")).status_code == 401
    assert client.post(reverse("apikey-revoke", kwargs={"pk": key.pk})).status_code == 409


def test_denied_attempts_are_logged(personas, units):
    before = AccessDenial.objects.count()
    personas["dm_hangzhou"].api().get(reverse("orgunit-detail", kwargs={"pk": units["440100"].pk}))
    personas["dm_hangzhou"].api().patch(
        reverse("orgunit-detail", kwargs={"pk": units["330100"].pk}), {"name": "x"}, format="json"
    )
    denials = list(AccessDenial.objects.order_by("-id")[:2])
    assert AccessDenial.objects.count() == before + 2
    assert {d.status for d in denials} == {403, 404}
    assert all(d.user_id == personas["dm_hangzhou"].user.pk for d in denials)


def test_huge_or_fractional_ids_in_filters_are_bad_input_not_errors(personas):
    """Found by schemathesis: on SQLite a number beyond 64 bits reached the database and failed there."""
    client = personas["director"].api()
    for url, field in [
        ("/api/v1/org-units/", "parent"),
        ("/api/v1/staff/", "unit"),
        ("/api/v1/payments/", "salesperson"),
        ("/api/v1/invoices/", "customer"),
        ("/api/v1/collection-plans/", "owner"),
    ]:
        for value in ("-4.5262450267797967e+269", "99999999999999999999", "0.5"):
            response = client.get(url, {field: value})
            assert response.status_code == 400, (url, field, value, response.content)
            assert field in response.json()["errors"]
