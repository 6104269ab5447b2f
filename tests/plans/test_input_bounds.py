"""Odd numbers and keys at the plans API (issue 12, items 9, 11, 12): a share with a huge exponent is a
400 within a second (not a worker busy for 44 s), the same child twice is a 400 naming the child, and a
budget whose lines add up beyond what an amount holds is a 400 naming the field, never a DataError."""

import json
import time
from decimal import Decimal

import pytest
from django.urls import reverse

from core.rights import SYSTEM
from plans import services
from plans.models import PlanSplitLine, PlanTargetLine

D = Decimal


def _url(plan, name):
    return reverse(f"plan-{name}", kwargs={"pk": plan.pk})


def _warm_up(personas, plan):
    """The first request of a test process loads the URLconf and the translations (a second or two);
    time a request after that one, as a running worker would."""
    assert personas["dm_hangzhou"].api().get(_url(plan, "detail")).status_code == 200


@pytest.fixture
def plan(personas, units):
    dm = personas["dm_hangzhou"]
    plan = services.plan_create(kind="marketing", unit=units["330100"], period="2047", title="杭州 2047", by=dm.user)
    services.plan_lines_save(plan=plan, by=dm.user, targets=[{"metric": "sales_amount", "period": "2047", "value": "1200.00"}])
    return plan


@pytest.mark.parametrize("share", ["1e-4000000", "1e4000000", "0.00000000001", "12345678901234567"])
def test_a_share_with_a_huge_exponent_is_refused_at_once(personas, plan, share):
    rep1, rep2 = personas["rep_hangzhou"].staff, personas["rep_hangzhou_2"].staff
    body = {"metric": "sales_amount", "method": "shares", "shares": {str(rep1.pk): share, str(rep2.pk): "1"}}
    _warm_up(personas, plan)
    started = time.monotonic()
    response = personas["dm_hangzhou"].api().post(_url(plan, "split-suggest"), body, format="json")
    elapsed = time.monotonic() - started
    assert response.status_code == 400, response.content
    assert "shares" in response.json()["errors"]
    assert elapsed < 1.0, f"{elapsed:.1f} s"
    assert not PlanSplitLine.objects.filter(line__plan=plan).exists()


def test_the_137_byte_request_answers_400_within_a_second(personas, plan):
    rep1, rep2 = personas["rep_hangzhou"].staff, personas["rep_hangzhou_2"].staff
    raw = json.dumps({"metric": "sales_amount", "method": "shares", "shares": {str(rep1.pk): "1e-4000000", str(rep2.pk): "1"}})
    assert len(raw) < 140
    _warm_up(personas, plan)
    started = time.monotonic()
    response = personas["dm_hangzhou"].api().post(_url(plan, "split-suggest"), raw, content_type="application/json")
    assert response.status_code == 400 and time.monotonic() - started < 1.0


def test_ordinary_shares_still_split(personas, plan):
    rep1, rep2 = personas["rep_hangzhou"].staff, personas["rep_hangzhou_2"].staff
    body = {"metric": "sales_amount", "method": "shares", "shares": {str(rep1.pk): "0.3333333333", str(rep2.pk): 2}}
    response = personas["dm_hangzhou"].api().post(_url(plan, "split-suggest"), body, format="json")
    assert response.status_code == 200, response.content
    children = response.json()["lines"]["targets"][0]["children"]
    assert sum(D(c["value"]) for c in children) == D("1200.00")


def test_the_same_child_twice_in_a_split_is_a_400_naming_it(personas, plan):
    rep1, rep2 = personas["rep_hangzhou"].staff, personas["rep_hangzhou_2"].staff
    client = personas["dm_hangzhou"].api()
    # split-suggest: "85" and "085" are one child
    body = {
        "metric": "sales_amount",
        "method": "shares",
        "shares": {str(rep1.pk): "0.50", f"0{rep1.pk}": "0.50", str(rep2.pk): "1"},
    }
    response = client.post(_url(plan, "split-suggest"), body, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert "shares" in errors and rep1.name in errors["shares"][0] and "两次" in errors["shares"][0]
    # the lines: the children twice would have written two split rows of one person
    lines = {
        "targets": [
            {
                "metric": "sales_amount",
                "period": "2047",
                "value": "1200.00",
                "children": {str(rep1.pk): "600.00", f" 0{rep1.pk}": "600.00"},
            }
        ]
    }
    response = client.put(_url(plan, "lines"), lines, format="json")
    assert response.status_code == 400, response.content
    assert "targets" in response.json()["errors"] and rep1.name in response.json()["detail"]
    # the months twice (the same month spelled two ways)
    lines["targets"][0]["children"] = {}
    lines["targets"][0]["months"] = {"2047-01": "600.00", " 2047-01": "600.00"}
    response = client.put(_url(plan, "lines"), lines, format="json")
    assert response.status_code == 400 and "2047-01" in response.json()["detail"]
    line = PlanTargetLine.objects.get(plan=plan)
    assert not line.splits.exists()


def test_a_month_given_twice_to_split_to_months_is_refused(units):
    from core.errors import InvalidInput

    target = services.target_set(metric="sales_amount", period="2047-Q1", unit=units["330100"], value="300.00", by=SYSTEM)
    with pytest.raises(InvalidInput) as caught:
        services.split_to_months(
            target=target, values={"2047-01": "100.00", " 2047-01 ": "100.00", "2047-02": "200.00"}, by=SYSTEM
        )
    assert caught.value.field == "values" and "2047-01" in caught.value.message


def test_a_budget_above_the_amount_range_is_a_400_not_a_500(personas, plan):
    client = personas["dm_hangzhou"].api()
    huge = "9999999999999999.99"
    response = client.put(
        _url(plan, "lines"),
        {"budget": [{"category": "推广", "amount": huge}, {"category": "差旅", "amount": huge}]},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "budget" in response.json()["errors"]
    # A draft saved before this check existed is refused at submission, naming the field. (6e15: SQLite
    # keeps decimals as doubles, and 6e15 is exact in one.)
    from plans.models import PlanBudgetLine

    large = D("6000000000000000.00")
    PlanBudgetLine.objects.bulk_create(
        [PlanBudgetLine(plan=plan, category="推广", amount=large), PlanBudgetLine(plan=plan, category="差旅", amount=large)]
    )
    response = client.post(_url(plan, "submit"))
    assert response.status_code == 400, response.content
    assert "budget" in response.json()["errors"]


def test_split_values_that_add_up_beyond_the_range_are_refused(personas, plan):
    rep1, rep2 = personas["rep_hangzhou"].staff, personas["rep_hangzhou_2"].staff
    huge = "9999999999999999.99"
    lines = {"targets": [{"metric": "sales_amount", "period": "2047", "value": huge, "children": {rep1.pk: huge, rep2.pk: huge}}]}
    response = personas["dm_hangzhou"].api().put(_url(plan, "lines"), lines, format="json")
    assert response.status_code == 400, response.content
    assert "targets" in response.json()["errors"]
    response = personas["dm_hangzhou"].api().get(_url(plan, "check"))
    assert response.status_code == 200


def test_a_distribution_month_given_twice_is_refused(db):
    from core.errors import InvalidInput

    values = {str(m): "1" for m in range(1, 13)}
    values["01"] = "5"  # January twice: before, one of the two was silently dropped
    with pytest.raises(InvalidInput) as caught:
        services.distribution_save(name="重复", kind="amounts", values=values, by=SYSTEM)
    assert caught.value.field == "values"


def test_a_check_whose_sums_outgrow_an_amount_is_answered(personas, plan):
    """Four quarters of 9 × 10^15 against a year of 9 × 10^15: the check's sum (3.6 × 10^16) is shown."""
    large = "9000000000000000.00"
    targets = [{"metric": "sales_amount", "period": p, "value": large} for p in ("2047", *(f"2047-Q{q}" for q in range(1, 5)))]
    services.plan_lines_save(plan=plan, by=personas["dm_hangzhou"].user, targets=targets)
    response = personas["dm_hangzhou"].api().get(_url(plan, "check"))
    assert response.status_code == 200, response.content
    [conflict] = response.json()["mismatches"]
    assert conflict["actual"] == "36000000000000000.00" and conflict["level"] == "periods"
