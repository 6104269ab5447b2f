"""Odd numbers and keys at budgets/{id}/allocate/ (issue 12, items 11 and 12): a tiny share is a 400 at
once (it kept a worker busy for 16.5 s), a child spelled two ways is a 400 naming it, and keys that
`int()` half-understands ("²", "8_5") are refused as unknown children, never a 500."""

import time

import pytest
from django.urls import reverse

from budgets import services
from budgets.models import Budget
from core.rights import SYSTEM

EAST_PROVINCES = ["310000", "320000", "330000", "340000", "350000", "360000", "370000"]


@pytest.fixture
def region(units):
    return services.budget_set(unit=units["HD"], period="2025", category="travel", amount="1000.00", by=SYSTEM)


def _post(personas, region, body):
    url = reverse("budget-allocate", kwargs={"pk": region.pk})
    return personas["rm_east"].api().post(url, body, format="json")


@pytest.mark.parametrize("share", ["1e-4000000", "1e-30", "1e400", "99999999999999999"])
def test_a_tiny_or_huge_share_is_refused_at_once(personas, units, region, share):
    assert personas["rm_east"].api().get(reverse("budget-detail", kwargs={"pk": region.pk})).status_code == 200  # warm up
    shares = {str(units[code].pk): "1" for code in EAST_PROVINCES}
    shares[str(units["330000"].pk)] = share
    started = time.monotonic()
    response = _post(personas, region, {"method": "shares", "shares": shares})
    elapsed = time.monotonic() - started
    assert response.status_code == 400, response.content
    assert "shares" in response.json()["errors"]
    assert elapsed < 1.0, f"{elapsed:.1f} s"
    assert Budget.objects.filter(parent=region).count() == 0


def test_a_child_given_twice_is_a_400_naming_it(personas, units, region):
    shares = {str(units[code].pk): "1" for code in EAST_PROVINCES}
    shares[f"0{units['330000'].pk}"] = "1"
    response = _post(personas, region, {"method": "shares", "shares": shares})
    assert response.status_code == 400, response.content
    message = response.json()["errors"]["shares"][0]
    assert units["330000"].name in message
    # months: "3" and "2025-03" are both March
    response = _post(personas, region, {"to": "months", "method": "manual", "values": {"3": "500.00", "2025-03": "500.00"}})
    assert response.status_code == 400 and "values" in response.json()["errors"]
    assert Budget.objects.filter(parent=region).count() == 0


@pytest.mark.parametrize("key", ["²", "8_5", "+1", "٣"])
def test_keys_int_half_understands_are_unknown_children(personas, units, region, key):
    shares = {str(units[code].pk): "1" for code in EAST_PROVINCES}
    shares[key] = "1"
    response = _post(personas, region, {"method": "shares", "shares": shares})
    assert response.status_code == 400, response.content
    assert "shares" in response.json()["errors"]
    response = _post(personas, region, {"to": "months", "method": "shares", "shares": {key: "1"}})
    assert response.status_code == 400, response.content


def test_totals_beyond_eighteen_digits_are_shown_not_a_500(personas, units):
    """Each category's budget fits an amount field; their total (1.8 × 10^16) does not, and the report's
    total used to fail the response. (9 × 10^15 is exact in SQLite's doubles.)"""
    large = "9000000000000000.00"
    for category in ("travel", "marketing"):
        services.budget_set(unit=units["330000"], period="2025", category=category, amount=large, by=SYSTEM)
    response = personas["rm_east"].api().get(reverse("budget-budget-vs-actual"), {"unit": units["330000"].pk, "period": "2025"})
    assert response.status_code == 200, response.content
    assert response.json()["total"]["budget"] == "18000000000000000.00"
