"""The plans API: plans (create, lines, check, submit, withdraw, revise, versions, diff), targets with
attainment, seasonal distributions — and every refusal a JSON 4xx naming the field, never a 500."""

from decimal import Decimal

import pytest
from django.urls import reverse

from approvals import services as approvals
from core.rights import SYSTEM
from plans import services
from plans.models import Plan, SeasonalDistribution

D = Decimal


def _plan_url(plan, name="detail"):
    return reverse(f"plan-{name}", kwargs={"pk": plan.pk if hasattr(plan, "pk") else plan})


def _create(client, units, **extra):
    body = {"kind": "marketing", "unit": units["330100"].pk, "period": "2026", "title": "杭州营销计划", "body": "正文"}
    body.update(extra)
    return client.post(reverse("plan-list"), body, format="json")


def test_plan_lifecycle_over_the_api(personas, units):
    dm = personas["dm_hangzhou"].api()
    rep1, rep2 = personas["rep_hangzhou"].staff, personas["rep_hangzhou_2"].staff
    response = _create(dm, units)
    assert response.status_code == 201, response.content
    plan = response.json()
    assert plan["state"] == "draft" and plan["lines"] == {"targets": [], "actions": [], "budget": []}

    lines = {
        "targets": [{"metric": "sales_amount", "value": "1000.00", "children": {str(rep1.pk): "600.00", str(rep2.pk): "399.99"}}],
        "budget": [{"category": "推广", "amount": "10.00"}],
    }
    response = dm.put(_plan_url(plan["id"], "lines"), lines, format="json")
    assert response.status_code == 200, response.content
    check = dm.get(_plan_url(plan["id"], "check")).json()
    assert check["ok"] is False and check["mismatches"][0]["difference"] == "-0.01"

    response = dm.post(_plan_url(plan["id"], "submit"))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "does_not_add_up" and "targets" in body["errors"] and body["mismatches"][0]["level"] == "staff"

    lines["targets"][0]["children"][str(rep2.pk)] = "400.00"
    assert dm.put(_plan_url(plan["id"], "lines"), lines, format="json").status_code == 200
    response = dm.post(_plan_url(plan["id"], "split-suggest"), {"metric": "sales_amount"}, format="json")
    assert response.status_code == 200
    assert len(response.json()["lines"]["targets"][0]["months"]) == 12
    response = dm.post(_plan_url(plan["id"], "submit"))
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "submitted" and response.json()["request"]["version"] == 1

    # Frozen while submitted: 409 naming the state.
    response = dm.patch(_plan_url(plan["id"]), {"title": "改"}, format="json")
    assert response.status_code == 409 and "state" in response.json()["errors"]

    # Withdrawn by the submitter, edited, resubmitted; the diff shows the title change.
    assert personas["rm_east"].api().post(_plan_url(plan["id"], "withdraw")).status_code == 403
    assert dm.post(_plan_url(plan["id"], "withdraw")).json()["state"] == "withdrawn"
    assert dm.patch(_plan_url(plan["id"]), {"title": "杭州营销计划（修订）"}, format="json").status_code == 200
    assert dm.post(_plan_url(plan["id"], "submit")).status_code == 200
    versions = dm.get(_plan_url(plan["id"], "versions")).json()
    assert [v["number"] for v in versions] == [1, 2] and versions[0]["request_state"] == "withdrawn"
    diff = dm.get(_plan_url(plan["id"], "diff")).json()
    assert diff["title"] == {"old": "杭州营销计划", "new": "杭州营销计划（修订）"}
    assert dm.get(_plan_url(plan["id"], "diff"), {"old": 7}).status_code == 400

    # Approved through the chain → revise reopens it.
    request = Plan.objects.get(pk=plan["id"]).versions.get(number=2).request
    approvals.request_approve(request=request, by=personas["rm_east"].user)
    approvals.request_approve(request=request, by=personas["center"].user)
    detail = dm.get(_plan_url(plan["id"])).json()
    assert detail["state"] == "approved"
    response = dm.post(_plan_url(plan["id"], "revise"))
    assert response.status_code == 200 and response.json()["state"] == "draft"

    # Targets read API with attainment.
    targets = dm.get(reverse("target-list"), {"unit": units["330100"].pk, "current": "true", "period": "2026"}).json()["results"]
    unit_target = next(t for t in targets if t["unit"] == units["330100"].pk)
    detail = dm.get(reverse("target-detail", kwargs={"pk": unit_target["id"]})).json()
    assert detail["value"] == "1000.00" and detail["attainment"]["actual"] == "0.00" and detail["attainment"]["rate"] == "0.0000"


def test_refusals_are_json_with_the_field(personas, units):
    rep = personas["rep_hangzhou"].api()
    response = _create(rep, units)
    assert response.status_code == 403 and response.json()["errors"] == {"kind": [response.json()["detail"]]}
    response = _create(personas["dm_hangzhou"].api(), units, unit=units["440100"].pk)
    assert response.status_code == 400 and "unit" in response.json()["errors"]
    response = _create(personas["dm_hangzhou"].api(), units, period="2026-13")
    assert response.status_code == 400 and "period" in response.json()["errors"]
    response = _create(personas["dm_hangzhou"].api(), units, colour="red")
    assert response.status_code == 400 and "colour" in response.json()["errors"]
    assert personas["key_hangzhou"].api().post(reverse("plan-list"), {}, format="json").status_code == 403

    dm = personas["dm_hangzhou"].api()
    plan = _create(dm, units).json()
    weird = [
        {"targets": [{"metric": ["x"], "value": {"a": 1}}]},
        {"targets": [{"metric": "sales_amount", "value": "1e400"}]},
        {"targets": [{"metric": "sales_amount", "value": "1", "children": {"99999999999999999999999": "1"}}]},
        {"targets": [{"metric": "sales_amount", "value": "1", "months": {"2026-13": "1"}}]},
        {"targets": [{"metric": "sales_amount", "value": "1", "period": ["2026"]}]},
        {"targets": [{"metric": "sales_amount", "value": "1", "distribution": "x"}]},
        {"targets": [{"metric": "sales_amount", "value": "NaN"}]},
        {"actions": [{"what": "", "owner": 1, "due_on": "2026-01-01"}]},
        {"actions": [{"what": "x", "owner": "abc", "due_on": "2026-01-01"}]},
        {"actions": [{"what": "x", "owner": personas["rep_hangzhou"].staff.pk, "due_on": "someday"}]},
        {"actions": [{"what": "x" * 201, "owner": personas["rep_hangzhou"].staff.pk, "due_on": "2026-01-01"}]},
        {"budget": [{"category": "a", "amount": "1.001"}]},
        {"budget": [{"category": {"x": 1}, "amount": "1"}]},
        {"budget": "x"},
        {"other": []},
    ]
    for body in weird:
        response = dm.put(_plan_url(plan["id"], "lines"), body, format="json")
        assert response.status_code == 400, (body, response.content)
        assert response.json()["errors"], body
    response = dm.post(_plan_url(plan["id"], "split-suggest"), {"metric": "sales_amount"}, format="json")
    assert response.status_code == 400 and "metric" in response.json()["errors"]
    response = dm.post(_plan_url(plan["id"], "revise"))
    assert response.status_code == 409
    response = dm.post(_plan_url(plan["id"], "withdraw"))
    assert response.status_code == 409
    response = dm.post(_plan_url(plan["id"], "submit"))
    assert response.status_code == 200  # the text alone is a plan
    # Someone else's plan: the province manager may read, not submit; outside the scope: 404.
    assert personas["pm_zhejiang"].api().get(_plan_url(plan["id"])).status_code == 200
    assert personas["dm_guangzhou"].api().get(_plan_url(plan["id"])).status_code == 404
    assert personas["dm_guangzhou"].api().post(_plan_url(plan["id"], "submit")).status_code == 404


def test_seasonal_distributions_scope_and_writers(personas, units):
    company = services.distribution_save(name="全公司", kind="percentages", values=["8.00"] * 8 + ["9.00"] * 4, by=SYSTEM)
    province = services.distribution_save(name="浙江", kind="amounts", values=["1"] * 12, unit=units["330000"], by=SYSTEM)
    guangdong = services.distribution_save(name="广东", kind="amounts", values=["1"] * 12, unit=units["440000"], by=SYSTEM)
    seen = {row["id"] for row in personas["rep_hangzhou"].api().get(reverse("seasonaldistribution-list")).json()["results"]}
    assert company.pk in seen and province.pk in seen and guangdong.pk not in seen
    values = ["10.00"] * 10 + ["0.00"] * 2
    dm = personas["dm_hangzhou"].api()
    response = dm.post(
        reverse("seasonaldistribution-list"), {"name": "x", "kind": "percentages", "values": values}, format="json"
    )
    assert response.status_code == 403 and "unit" in response.json()["errors"]
    body = {"name": "杭州", "kind": "percentages", "values": values, "unit": units["330100"].pk}
    response = dm.post(reverse("seasonaldistribution-list"), body, format="json")
    assert response.status_code == 201 and response.json()["values"][0] == "10.00"
    response = dm.post(reverse("seasonaldistribution-list"), {**body, "values": ["10.00"] * 12}, format="json")
    assert response.status_code == 400 and "values" in response.json()["errors"]
    response = personas["rep_hangzhou"].api().post(reverse("seasonaldistribution-list"), body, format="json")
    assert response.status_code == 403
    response = (
        personas["center"]
        .api()
        .post(reverse("seasonaldistribution-list"), {"name": "公司二", "kind": "percentages", "values": values}, format="json")
    )
    assert response.status_code == 201 and response.json()["unit"] is None
    assert SeasonalDistribution.objects.filter(unit__isnull=True).count() == 2


@pytest.mark.parametrize("query", [{"unit": "abc"}, {"unit": str(2**70)}, {"metric": "x"}])
def test_target_filters_refuse_bad_values(personas, query):
    response = personas["center"].api().get(reverse("target-list"), query)
    assert response.status_code == 400
