"""Pages of budgets and expenses: list with budget vs actual, detail with versions/children/spending,
setting and allocating, the report, recording and cancelling expenses; 403/404/400; constant queries.
Scope (200 inside, 404 outside) of every list and detail is covered by the scoping contract."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgets import services
from budgets.choices import ExpenseState
from budgets.models import Budget, Expense
from core.rights import SYSTEM

EAST_PROVINCES = ["310000", "320000", "330000", "340000", "350000", "360000", "370000"]


def _budget(units, code="330000", period="2025-03", amount="1000.00", category="travel"):
    return services.budget_set(unit=units[code], period=period, category=category, amount=amount, by=SYSTEM)


def test_list_shows_budget_vs_actual_and_filters(personas, units):
    budget = _budget(units)
    _budget(units, "440000")
    services.expense_record(category="travel", spent_on=date(2025, 3, 3), amount="250.00", by=personas["pm_zhejiang"].user)
    client = personas["rm_east"].web()
    response = client.get(reverse("budgets:budget_list"))
    assert response.status_code == 200
    rows = list(response.context["object_list"])
    assert [row.pk for row in rows] == [budget.pk]
    assert (rows[0].spent, rows[0].remaining, rows[0].used_percent) == (D("250.00"), D("750.00"), D("25.0"))
    assert "25.0%" in response.content.decode()
    assert client.get(reverse("budgets:budget_list"), {"category": "office"}).context["object_list"].count() == 0
    response = client.get(reverse("budgets:budget_list"), {"period": "March"})
    assert response.status_code == 200 and response.context["filter"].errors
    assert response.context["object_list"].count() == 0


def test_list_costs_a_constant_number_of_queries(personas, units):
    client = personas["center"].web()
    _budget(units, "330000", "2024-01")
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("budgets:budget_list"))
    for month in range(2, 10):
        _budget(units, "330000", f"2024-{month:02d}")
        services.expense_record(category="travel", spent_on=date(2024, month, 1), amount="5.00", by=personas["pm_zhejiang"].user)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("budgets:budget_list"))
    assert len(small) == len(large)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("budgets:expense_list"))
    services.expense_record(category="office", spent_on=date(2024, 1, 1), amount="5.00", by=personas["rep_hangzhou"].user)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("budgets:expense_list"))
    assert len(small) == len(large)


def test_detail_shows_versions_children_months_and_spending(personas, units):
    region = _budget(units, "HD", "2025", "7000.00")
    services.budget_allocate(budget=region, to="units", method="equal", by=SYSTEM)
    services.budget_allocate(budget=region, to="months", method="equal", by=SYSTEM)
    _budget(units, "HD", "2025", "7000.00")  # unchanged: no new version
    province = Budget.objects.get(unit=units["330000"], period="2025", category="travel")
    services.budget_set(unit=units["330000"], period="2025", category="travel", amount="999.00", by=SYSTEM)
    response = personas["rm_east"].web().get(reverse("budgets:budget_detail", kwargs={"pk": region.pk}))
    assert response.status_code == 200
    assert len(response.context["child_units"]) == 7 and len(response.context["child_months"]) == 12
    [problem] = response.context["problems"]
    assert problem["difference"] == D("-1.00")  # 浙江 was changed from 1000 to 999
    response = personas["pm_zhejiang"].web().get(reverse("budgets:budget_detail", kwargs={"pk": province.pk}))
    assert [v.version for v in response.context["versions"]] == [2, 1]
    assert "amount_form" not in response.context  # own unit: set by the level above


def test_set_a_new_version_from_the_detail_page(personas, units):
    budget = _budget(units)
    client = personas["rm_east"].web()
    url = reverse("budgets:budget_detail", kwargs={"pk": budget.pk})
    response = client.post(url, {"amount": "1500.00"})
    assert response.status_code == 302
    assert Budget.objects.get(unit=units["330000"], is_current=True).amount == D("1500.00")
    response = client.post(url, {"amount": "-1"})
    assert response.status_code == 400
    assert (
        personas["rep_hangzhou"]
        .web()
        .post(reverse("budgets:budget_detail", kwargs={"pk": _budget(units, "330100").pk}), {"amount": "1"})
        .status_code
        == 403
    )


def test_set_form(personas, units):
    client = personas["rm_east"].web()
    assert client.get(reverse("budgets:budget_create")).status_code == 200
    response = client.post(
        reverse("budgets:budget_create"), {"unit": units["330000"].pk, "period": "2025-Q2", "category": "office", "amount": "300"}
    )
    assert response.status_code == 302
    budget = Budget.objects.get(unit=units["330000"], period="2025-Q2")
    assert response["Location"] == reverse("budgets:budget_detail", kwargs={"pk": budget.pk})
    response = client.post(
        reverse("budgets:budget_create"), {"unit": units["330000"].pk, "period": "2025-Q9", "category": "office", "amount": "300"}
    )
    assert response.status_code == 400 and response.context["form"].errors["period"]
    response = client.post(
        reverse("budgets:budget_create"), {"unit": units["440000"].pk, "period": "2025", "category": "office", "amount": "1"}
    )
    assert response.status_code == 400 and response.context["form"].errors["unit"]
    assert personas["rep_hangzhou"].web().get(reverse("budgets:budget_create")).status_code == 403


def test_allocate_page(personas, units):
    region = _budget(units, "HD", "2025", "1000.00")
    client = personas["rm_east"].web()
    url = reverse("budgets:budget_allocate", kwargs={"pk": region.pk})
    response = client.get(url)
    assert response.status_code == 200 and len(response.context["form"].children) == 7
    data = {"method": "manual", **{f"c_{units[code].pk}": "100" for code in EAST_PROVINCES}}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "300.00" in " ".join(response.context["form"].non_field_errors())
    data[f"c_{units['330000'].pk}"] = "400"
    assert client.post(url, data).status_code == 302
    assert sum(b.amount for b in Budget.objects.filter(parent=region)) == D("1000.00")
    response = client.post(url + "?to=months", {"method": "equal"})
    assert response.status_code == 302
    assert Budget.objects.filter(parent=region, unit=units["HD"]).count() == 12
    assert client.get(url + "?to=planets").status_code == 404
    district = _budget(units, "330100", "2025")
    response = client.get(reverse("budgets:budget_allocate", kwargs={"pk": district.pk}))
    assert response.status_code == 200 and response.context["refusal"]


def test_report_page(personas, units):
    _budget(units, "330000", "2025")
    services.expense_record(category="travel", spent_on=date(2025, 3, 3), amount="100.00", by=personas["rep_hangzhou"].user)
    client = personas["pm_zhejiang"].web()
    response = client.get(reverse("budgets:budget_vs_actual"), {"period": "2025"})
    assert response.status_code == 200
    travel = next(row for row in response.context["report"]["rows"] if row["category"] == "travel")
    assert travel["spent"] == D("0.00") and travel["pending"] == D("100.00")  # no 杭州 budget: waiting
    assert client.get(reverse("budgets:budget_vs_actual"), {"period": "2025-Q9"}).status_code == 400
    assert client.get(reverse("budgets:budget_vs_actual"), {"period": "2025", "unit": units["440000"].pk}).status_code == 400
    assert client.get(reverse("budgets:budget_vs_actual")).status_code == 200


def test_record_an_expense_and_see_its_approval(personas, units):
    _budget(units, "330100", "2025-03", "100.00")
    client = personas["rep_hangzhou"].web()
    assert client.get(reverse("budgets:expense_create")).status_code == 200
    data = {"unit": units["330100"].pk, "category": "travel", "spent_on": "2025-03-04", "amount": "60.00", "description": "出差"}
    response = client.post(reverse("budgets:expense_create"), data)
    assert response.status_code == 302
    first = Expense.objects.get()
    assert first.state == ExpenseState.RECORDED
    response = client.post(reverse("budgets:expense_create"), {**data, "amount": "60.00"})
    second = Expense.objects.exclude(pk=first.pk).get()
    assert second.state == ExpenseState.PENDING
    response = client.get(reverse("budgets:expense_detail", kwargs={"pk": second.pk}))
    assert response.status_code == 200
    assert response.context["approval_url"] == f"/approvals/{second.approval_request_id}/"
    assert response.context["position"]["excess"] == D("20.00")
    assert f"/approvals/{second.approval_request_id}/" in response.content.decode()
    response = client.post(reverse("budgets:expense_create"), {**data, "amount": "0"})
    assert response.status_code == 400
    response = client.post(reverse("budgets:expense_create"), {**data, "spent_on": "2999-01-01"})
    assert response.status_code == 400 and response.context["form"].errors["spent_on"]


def test_cancel_from_the_detail_page(personas, units):
    expense = services.expense_record(
        category="office", spent_on=date(2025, 1, 2), amount="5.00", by=personas["rep_hangzhou"].user
    )
    url = reverse("budgets:expense_detail", kwargs={"pk": expense.pk})
    assert personas["rep_hangzhou_2"].web().post(url, {"action": "cancel"}).status_code == 404
    response = personas["dm_hangzhou"].web().post(url, {"action": "cancel"})
    assert response.status_code == 403  # a pending one is withdrawn by its submitter only (NotAllowed: 403, as in the API)
    assert "只有提交人可以撤回审批单" in response.content.decode()  # the page says why
    from core.models import AccessDenial

    assert AccessDenial.objects.filter(path=url, status=403, user=personas["dm_hangzhou"].user).exists()
    response = personas["rep_hangzhou"].web().post(url, {"action": "cancel"})
    assert response.status_code == 302
    expense.refresh_from_db()
    assert expense.state == ExpenseState.CANCELLED
    assert personas["rep_hangzhou"].web().post(url, {"action": "cancel"}).status_code == 400
    assert personas["rep_hangzhou"].web().post(url, {"action": "nonsense"}).status_code == 403


@pytest.mark.parametrize("name", ["budgets:budget_list", "budgets:expense_list", "budgets:budget_vs_actual"])
def test_anonymous_is_sent_to_login(name, db):
    from django.test import Client

    response = Client().get(reverse(name))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_nav_entry(personas):
    from budgets.nav import items

    assert (
        items(personas["rep_hangzhou"].user, "sales_rep") == [("费用预算", "/budgets/")]
        or items(personas["rep_hangzhou"].user, "sales_rep")[0][1] == "/budgets/"
    )
    assert items(None, None) == []


def test_the_approval_decision_screen_shows_the_expense_against_its_budget(personas, units):
    _budget(units, "330000", "2025-03", "100.00")
    services.expense_record(category="travel", spent_on=date(2025, 3, 1), amount="70.00", by=personas["pm_zhejiang"].user)
    expense = services.expense_record(
        category="travel", spent_on=date(2025, 3, 2), amount="50.00", by=personas["pm_zhejiang"].user
    )
    response = personas["rm_east"].web().get(f"/approvals/{expense.approval_request_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("budgets:expense_detail", kwargs={"pk": expense.pk}) in html
    assert "20.00" in html  # beyond the budget by 20
