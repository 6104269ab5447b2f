"""The budgets API: set, allocate, budget vs actual; record and cancel expenses; errors as JSON naming the
field (400/403/404/409), never a 500; lists cost a constant number of queries."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals import services as approvals
from budgets import services
from budgets.choices import ExpenseState
from budgets.models import Budget, Expense
from core.rights import SYSTEM

EAST_PROVINCES = ["310000", "320000", "330000", "340000", "350000", "360000", "370000"]


def _budget(units, code="330000", period="2025-03", amount="1000.00", category="travel"):
    return services.budget_set(unit=units[code], period=period, category=category, amount=amount, by=SYSTEM)


def test_set_a_budget_and_read_it_back(personas, units):
    client = personas["rm_east"].api()
    body = {"unit": units["330000"].pk, "period": "2025", "category": "travel", "amount": "1200.00"}
    response = client.post(reverse("budget-list"), body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["period"], data["amount"], data["version"], data["spent"], data["remaining"], data["used_percent"]) == (
        "2025",
        "1200.00",
        1,
        "0.00",
        "1200.00",
        "0.0",
    )
    response = client.post(reverse("budget-list"), {**body, "amount": "1500.00"}, format="json")
    assert response.json()["version"] == 2
    detail = client.get(reverse("budget-detail", kwargs={"pk": data["id"]})).json()
    assert detail["is_current"] is False and detail["allocation_check"] == []
    listed = client.get(reverse("budget-list"), {"exact_unit": units["330000"].pk}).json()["results"]
    assert [row["version"] for row in listed] == [2]  # current versions by default
    listed = client.get(reverse("budget-list"), {"exact_unit": units["330000"].pk, "current": "false"}).json()["results"]
    assert [row["version"] for row in listed] == [1]


@pytest.mark.parametrize(
    ("persona", "body", "status", "field"),
    [
        ("rm_east", {"period": "2025-13"}, 400, "period"),
        ("rm_east", {"category": "yachts"}, 400, "category"),
        ("rm_east", {"amount": "-1"}, 400, "amount"),
        ("rm_east", {"amount": "1.001"}, 400, "amount"),
        ("rm_east", {"amount": "1e30"}, 400, "amount"),
        ("rm_east", {"colour": "red"}, 400, "colour"),
        ("rm_east", {"period": "20\x0025"}, 400, "period"),
        ("rm_east", {"unit": "HN"}, 400, "unit"),
        ("rm_south", {}, 400, "unit"),  # 浙江 is outside 华南: it "does not exist"
        ("pm_zhejiang", {}, 403, "unit"),  # own unit: set by the level above
        ("rep_hangzhou", {}, 403, None),
        ("key_hangzhou", {}, 403, None),
    ],
)
def test_budget_set_errors(personas, units, persona, body, status, field):
    data = {"unit": units["330000"].pk, "period": "2025", "category": "travel", "amount": "10", **body}
    response = personas[persona].api().post(reverse("budget-list"), data, format="json")
    assert response.status_code == status, response.content
    if field and status == 400:
        assert field in response.json()["errors"]
    assert not Budget.objects.exists()


def test_allocate_by_shares_and_by_hand(personas, units):
    region = _budget(units, "HD", "2025", "1000.00")
    client = personas["rm_east"].api()
    url = reverse("budget-allocate", kwargs={"pk": region.pk})
    shares = {str(units[code].pk): "1" for code in EAST_PROVINCES}
    response = client.post(url, {"to": "units", "method": "shares", "shares": shares}, format="json")
    assert response.status_code == 201, response.content
    amounts = [D(row["amount"]) for row in response.json()["budgets"]]
    assert sum(amounts) == D("1000.00") and len(amounts) == 7

    values = {str(units[code].pk): "100.00" for code in EAST_PROVINCES}
    response = client.post(url, {"method": "manual", "values": values}, format="json")
    assert response.status_code == 400 and "values" in response.json()["errors"]
    assert "300.00" in response.json()["detail"]

    response = client.post(url, {"to": "months", "method": "equal"}, format="json")
    assert response.status_code == 201 and len(response.json()["budgets"]) == 12

    month = Budget.objects.get(unit=units["HD"], period="2025-01", is_current=True)
    response = client.post(reverse("budget-allocate", kwargs={"pk": month.pk}), {"to": "months"}, format="json")
    assert response.status_code == 400 and "to" in response.json()["errors"]
    district = _budget(units, "330100", "2025")
    response = client.post(reverse("budget-allocate", kwargs={"pk": district.pk}), {"method": "equal"}, format="json")
    assert response.status_code == 422
    # A superseded budget: 409.
    _budget(units, "HD", "2025", "2000.00")
    response = client.post(url, {"to": "months", "method": "equal"}, format="json")
    assert response.status_code == 409
    # Outside the scope: 404; no right: 403.
    assert personas["rm_south"].api().post(url, {"method": "equal"}, format="json").status_code == 404
    assert (
        personas["rep_hangzhou"]
        .api()
        .post(reverse("budget-allocate", kwargs={"pk": district.pk}), {"method": "equal"}, format="json")
        .status_code
        == 403
    )
    response = client.post(url, {"method": "equal", "shares": {"x": {"y": 1}}}, format="json")
    assert response.status_code == 400


def test_budget_vs_actual_report(personas, units):
    _budget(units, "330000", "2025-Q1", "1000.00")
    services.expense_record(category="travel", spent_on=date(2025, 2, 1), amount="250.00", by=personas["pm_zhejiang"].user)
    client = personas["pm_zhejiang"].api()
    url = reverse("budget-budget-vs-actual")
    body = client.get(url, {"period": "2025-Q1"}).json()
    travel = next(row for row in body["rows"] if row["category"] == "travel")
    assert (travel["budget"], travel["spent"], travel["remaining"], travel["used_percent"]) == (
        "1000.00",
        "250.00",
        "750.00",
        "25.0",
    )
    assert body["total"]["spent"] == "250.00" and body["unit"] == units["330000"].pk
    assert client.get(url, {"period": "2025-Q5"}).status_code == 400
    assert client.get(url).status_code == 400
    assert client.get(url, {"period": "2025", "unit": units["440000"].pk}).status_code == 404
    assert client.get(url, {"period": "2025", "unit": "abc"}).status_code == 400
    assert client.get(url, {"period": "2025", "unit": 10**30}).status_code == 400
    assert personas["key_hangzhou"].api().get(url, {"period": "2025"}).status_code == 200


def test_record_an_expense_over_budget_then_approve(personas, units):
    _budget(units, "330000", "2025-03", "100.00")
    client = personas["pm_zhejiang"].api()
    body = {"category": "travel", "spent_on": "2025-03-02", "amount": "80.00", "description": "高铁"}
    response = client.post(reverse("expense-list"), body, format="json")
    assert response.status_code == 201 and response.json()["state"] == "recorded"
    response = client.post(reverse("expense-list"), {**body, "amount": "30.00"}, format="json")
    data = response.json()
    assert data["state"] == "pending" and data["approval_request"] and data["unit"] == units["330000"].pk
    expense = Expense.objects.get(pk=data["id"])
    approvals.request_approve(request=expense.approval_request, by=personas["rm_east"].user)
    detail = client.get(reverse("expense-detail", kwargs={"pk": expense.pk})).json()
    assert detail["state"] == ExpenseState.APPROVED


@pytest.mark.parametrize(
    ("persona", "body", "status", "field"),
    [
        ("pm_zhejiang", {"amount": "0"}, 400, "amount"),
        ("pm_zhejiang", {"amount": "abc"}, 400, "amount"),
        ("pm_zhejiang", {"spent_on": "2999-01-01"}, 400, "spent_on"),
        ("pm_zhejiang", {"spent_on": "yesterday"}, 400, "spent_on"),
        ("pm_zhejiang", {"category": "yachts"}, 400, "category"),
        ("pm_zhejiang", {"description": "x" * 501}, 400, "description"),
        ("pm_zhejiang", {"unit": 10**30}, 400, "unit"),
        ("pm_zhejiang", {"extra": 1}, 400, "extra"),
        ("rep_hangzhou", {"unit": "330000"}, 400, "unit"),
        ("key_hangzhou", {}, 403, None),
    ],
)
def test_expense_record_errors(personas, units, persona, body, status, field):
    data = {"category": "travel", "spent_on": "2025-03-02", "amount": "1.00", **body}
    if data.get("unit") == "330000":
        data["unit"] = units["330000"].pk
    response = personas[persona].api().post(reverse("expense-list"), data, format="json")
    assert response.status_code == status, response.content
    if field:
        assert field in response.json()["errors"]
    assert not Expense.objects.exists()


def test_cancel_an_expense(personas, units):
    _budget(units, "330100", "2025-03", "100.00")
    expense = services.expense_record(
        category="travel", spent_on=date(2025, 3, 1), amount="10.00", by=personas["rep_hangzhou"].user
    )
    url = reverse("expense-cancel", kwargs={"pk": expense.pk})
    assert personas["rep_hangzhou_2"].api().post(url, {}, format="json").status_code == 404  # not their own
    assert personas["dm_guangzhou"].api().post(url, {}, format="json").status_code == 404
    assert personas["key_hangzhou"].api().post(url, {}, format="json").status_code == 403
    assert personas["rep_hangzhou"].api().post(url, {"why": "x"}, format="json").status_code == 400
    response = personas["rep_hangzhou"].api().post(url, {}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    response = personas["rep_hangzhou"].api().post(url, {}, format="json")
    assert response.status_code == 409
    assert personas["rep_hangzhou"].api().get(reverse("expense-detail", kwargs={"pk": 10**30})).status_code == 404


def test_filters_and_bad_filters(personas, units):
    _budget(units, "330000", "2025-03")
    _budget(units, "330100", "2025-03")
    _budget(units, "440000", "2025-03")
    client = personas["center"].api()
    rows = client.get(reverse("budget-list"), {"unit": units["330000"].pk}).json()["results"]
    assert {row["unit"] for row in rows} == {units["330000"].pk, units["330100"].pk}
    assert len(client.get(reverse("budget-list"), {"period": "2025-03", "category": "travel"}).json()["results"]) == 3
    assert client.get(reverse("budget-list"), {"year": 2025}).status_code == 200
    for bad in ({"period": "2025-3"}, {"unit": "x"}, {"category": "yachts"}, {"year": "0"}):
        response = client.get(reverse("budget-list"), bad)
        assert response.status_code == 400, bad
    for bad in ({"period": "xx"}, {"state": "lost"}, {"spent_on_after": "soon"}):
        assert client.get(reverse("expense-list"), bad).status_code == 400, bad


def test_lists_cost_a_constant_number_of_queries(personas, units):
    client = personas["center"].api()

    def grow(n):
        for i in range(n):
            budget = _budget(units, "330000", f"2024-{i % 12 + 1:02d}", "100.00", category=["travel", "office"][i % 2])
            services.expense_record(
                unit=budget.unit,
                category=budget.category,
                spent_on=budget.starts_on,
                amount="5.00",
                by=personas["pm_zhejiang"].user,
            )

    grow(1)
    counts = {}
    for name in ("budget-list", "expense-list"):
        with CaptureQueriesContext(connection) as small:
            assert client.get(reverse(name), {"page_size": 10}).status_code == 200
        counts[name] = len(small)
    grow(7)
    for name in ("budget-list", "expense-list"):
        with CaptureQueriesContext(connection) as large:
            response = client.get(reverse(name), {"page_size": 10})
        assert len(response.json()["results"]) >= 7
        assert counts[name] == len(large), [q["sql"] for q in large.captured_queries]


def test_expense_filters(personas, units):
    for day in (date(2025, 2, 28), date(2025, 3, 1), date(2025, 3, 31), date(2025, 4, 1)):
        services.expense_record(category="travel", spent_on=day, amount="1.00", by=personas["pm_zhejiang"].user)
    client = personas["rm_east"].api()
    rows = client.get(reverse("expense-list"), {"period": "2025-03"}).json()["results"]
    assert sorted(row["spent_on"] for row in rows) == ["2025-03-01", "2025-03-31"]
    assert len(client.get(reverse("expense-list"), {"period": "2025-Q1"}).json()["results"]) == 3
    assert len(client.get(reverse("expense-list"), {"state": "pending"}).json()["results"]) == 4
    assert len(client.get(reverse("expense-list"), {"unit": units["330100"].pk}).json()["results"]) == 0
    assert len(personas["rm_south"].api().get(reverse("expense-list")).json()["results"]) == 0
