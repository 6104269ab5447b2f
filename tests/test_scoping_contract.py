"""The scoping contract: every registered page and endpoint, every persona, inside and outside.

Expectations come from the table below, written by hand from the business rule — not from the code
under test: the center sees everything, a manager their unit's subtree, a sales rep their own rows,
a branch API key its own unit. Outside the scope → 404; inside without the right → 403.
"""

import pytest
from django.urls import reverse

from tests.scoping_registry import REGISTRY

HANGZHOU, GUANGZHOU = "330100", "440100"
# Which of the two test districts each persona's scope covers.
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
REPS = {"rep_hangzhou"}
KEYS = {"key_hangzhou", "key_guangdong"}
# Objects are owned (where ownership applies) by this rep, so the rep sees them as their own.
OWNER = "rep_hangzhou_2"


def in_scope(persona, entry, district_code, owner_name):
    if entry.company_wide:
        return True
    if district_code not in COVERS[persona]:
        return False
    if persona in REPS:
        return entry.rep_sees == "unit" or (entry.rep_sees == "own" and owner_name == persona)
    return True


def expected_read(persona, entry, district_code, owner_name):
    if not in_scope(persona, entry, district_code, owner_name):
        return 404
    if entry.readers is not None and persona not in entry.readers:
        return 403
    return 200


def cases(applies, personas=COVERS):
    return [
        pytest.param(entry, persona, district, id=f"{entry.name}-{persona}-{district}")
        for entry in REGISTRY
        if applies(entry)
        for persona in personas
        for district in (HANGZHOU, GUANGZHOU)
    ]


def _make(entry, personas, units, district):
    owner = personas[OWNER] if district == HANGZHOU else None
    if entry.name == "own staff profile":
        # An owned row: in 杭州 it belongs to rep_hangzhou_2 (so rep_hangzhou must not see it) or, in a
        # second case below, to rep_hangzhou himself. In 广州 it belongs to the 广州 district manager.
        obj = entry.make(units[district], owner or personas["dm_guangzhou"])
        return obj, (OWNER if district == HANGZHOU else "dm_guangzhou")
    return entry.make(units[district], owner), OWNER


@pytest.mark.parametrize(("entry", "persona", "district"), cases(lambda e: e.api_detail))
def test_api_detail_and_list(entry, persona, district, personas, units):
    obj, owner_name = _make(entry, personas, units, district)
    client = personas[persona].api()
    expected = expected_read(persona, entry, district, owner_name)

    response = client.get(reverse(entry.api_detail, kwargs={"pk": obj.pk}))
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["id"] == obj.pk

    if entry.api_list:
        response = client.get(reverse(entry.api_list), {**entry.find(obj), "page_size": 1000})
        if entry.readers is not None and persona not in entry.readers:
            assert response.status_code == 403
        else:
            assert response.status_code == 200
            ids = {row["id"] for row in response.json()["results"]}
            assert (obj.pk in ids) == (expected == 200)


@pytest.mark.parametrize(("entry", "persona", "district"), cases(lambda e: e.api_patch))
def test_api_write(entry, persona, district, personas, units):
    obj, owner_name = _make(entry, personas, units, district)
    response = personas[persona].api().patch(reverse(entry.api_detail, kwargs={"pk": obj.pk}), entry.api_patch, format="json")
    if not in_scope(persona, entry, district, owner_name):
        assert response.status_code == 404
    elif persona in entry.writers:
        assert response.status_code == 200, response.content
    else:
        assert response.status_code == 403


# API keys do not open pages: they are not among the web personas.
@pytest.mark.parametrize(
    ("entry", "persona", "district"), cases(lambda e: e.web_detail or e.web_list, [p for p in COVERS if p not in KEYS])
)
def test_web_detail_and_list(entry, persona, district, personas, units):
    obj, owner_name = _make(entry, personas, units, district)
    client = personas[persona].web()
    expected = expected_read(persona, entry, district, owner_name)
    if entry.web_detail:
        response = client.get(reverse(entry.web_detail, kwargs={"pk": obj.pk}))
        assert response.status_code == expected
    if entry.web_list:
        response = client.get(reverse(entry.web_list), entry.find(obj))
        if entry.readers is not None and persona not in entry.readers:
            assert response.status_code == 403
        else:
            assert response.status_code == 200
            visible = response.context["paginator"].object_list.filter(pk=obj.pk).exists()
            assert visible == (expected == 200)


def test_rep_sees_own_profile(personas):
    """The owned case the table above cannot make: a rep opening their own profile."""
    rep = personas["rep_hangzhou"]
    url = reverse("staff-detail", kwargs={"pk": rep.staff.pk})
    assert rep.api().get(url).status_code == 200
    assert rep.web().get(reverse("regions:staff_detail", kwargs={"pk": rep.staff.pk})).status_code == 200
    assert personas["rep_hangzhou_2"].api().get(url).status_code == 404


def test_anonymous_gets_401_from_api_and_login_page_from_web(personas, units):
    from rest_framework.test import APIClient

    assert APIClient().get(reverse("orgunit-list")).status_code == 401
    response = APIClient().get(reverse("orgunit-list"), HTTP_AUTHORIZATION="Api-Key rsk_nope_nope")
    assert response.status_code == 401
    from django.test import Client

    response = Client().get(reverse("regions:orgunit_detail", kwargs={"pk": units[HANGZHOU].pk}))
    assert response.status_code == 302 and "/login/" in response["Location"]
