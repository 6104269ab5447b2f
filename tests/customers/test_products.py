"""The product catalogue and its price list, kept by the Development Center through the API and pages:
everyone with a login reads it; only the center's people and the center's API key change it."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from core.services import api_key_issue
from customers.models import Invoice, Product, ProductPrice
from tests.conftest import Persona
from tests.customers.factories import CustomerFactory

D = Decimal
CENTER = {"director", "center", "key_center"}
EVERYONE = [
    "director",
    "center",
    "key_center",
    "rm_east",
    "pm_zhejiang",
    "dm_hangzhou",
    "rep_hangzhou",
    "key_hangzhou",
    "key_guangdong",
]


@pytest.fixture
def people(personas, units):
    key, raw = api_key_issue(name="发展中心系统", unit=units["HQ"])
    return {**personas, "key_center": Persona("key_center", raw_key=raw, api_key=key)}


@pytest.mark.parametrize("persona", EVERYONE)
def test_only_the_center_writes_products_and_prices(people, persona):
    client = people[persona].api()
    body = {"code": f"FP-{persona}", "name": "稳健理财一号", "price": "100.00", "effective_from": "2025-01-01"}
    response = client.post(reverse("product-list"), body, format="json")
    assert response.status_code == (201 if persona in CENTER else 403), response.content
    product = Product.objects.create(code=f"X-{persona}", name="已有产品")
    detail = reverse("product-detail", kwargs={"pk": product.pk})
    assert client.get(detail).status_code == 200  # everyone reads the catalogue
    response = client.patch(detail, {"name": "改名"}, format="json")
    assert response.status_code == (200 if persona in CENTER else 403)
    prices = reverse("product-prices", kwargs={"pk": product.pk})
    response = client.post(prices, {"price": "9.90", "effective_from": "2025-03-01"}, format="json")
    assert response.status_code == (201 if persona in CENTER else 403)
    assert ProductPrice.objects.filter(product=product).exists() == (persona in CENTER)


def test_product_validations(people):
    client = people["key_center"].api()
    url = reverse("product-list")
    created = client.post(url, {"code": "FP-1", "name": "产品", "price": "100.00", "effective_from": "2025-01-01"}, format="json")
    assert created.status_code == 201
    assert created.json()["prices"] == [{"price": "100.00", "effective_from": "2025-01-01"}]
    product_id = created.json()["id"]
    for body, status, field in (
        ({"code": "FP-1", "name": "重复"}, 409, "code"),
        ({"code": "FP-2", "name": "负价", "price": "-1.00", "effective_from": "2025-01-01"}, 400, "price"),
        ({"code": "FP-2", "name": "大价", "price": "12345678901234567.00", "effective_from": "2025-01-01"}, 400, "price"),
        ({"code": "FP-2", "name": "三位", "price": "1.005", "effective_from": "2025-01-01"}, 400, "price"),
        ({"code": "FP-2", "name": "无日期", "price": "1.00"}, 400, "effective_from"),
        ({"code": "FP-2", "name": "坏日期", "price": "1.00", "effective_from": "2025-02-30"}, 400, "effective_from"),
        ({"code": "", "name": "无码"}, 400, "code"),
        ({"code": "X" * 31, "name": "长码"}, 400, "code"),
    ):
        response = client.post(url, body, format="json")
        assert response.status_code == status, (body, response.content)
        assert field in response.json()["errors"], (body, response.json())
    prices = reverse("product-prices", kwargs={"pk": product_id})
    response = client.post(prices, {"price": "120.00", "effective_from": "2025-01-01"}, format="json")
    assert response.status_code == 409 and "effective_from" in response.json()["errors"]
    response = client.patch(reverse("product-detail", kwargs={"pk": product_id}), {"price": "1.00"}, format="json")
    assert response.status_code == 400
    assert Product.objects.count() == 1 and ProductPrice.objects.count() == 1


def test_a_product_made_through_the_api_prices_invoice_lines(people):
    """The point of it: a fresh database gets products and prices without the admin, and invoices by lines work."""
    center = people["key_center"].api()
    center.post(
        reverse("product-list"),
        {"code": "FP-9", "name": "产品九", "price": "10.00", "effective_from": "2025-01-01"},
        format="json",
    )
    product = Product.objects.get(code="FP-9")
    center.post(
        reverse("product-prices", kwargs={"pk": product.pk}), {"price": "12.50", "effective_from": "2025-06-01"}, format="json"
    )
    customer = CustomerFactory(external_id="C-LINES")
    client = people["key_hangzhou"].api()
    for issued, expected in (("2025-05-31", "100.00"), ("2025-06-01", "125.00")):
        body = {
            "customer_external_id": "C-LINES",
            "issue_date": issued,
            "due_date": "2025-07-31",
            "lines": [{"product_code": "FP-9", "quantity": "10"}],
        }
        response = client.post(reverse("invoice-list"), body, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["amount"] == expected
    assert Invoice.objects.filter(customer=customer).count() == 2


@pytest.mark.parametrize("persona", ["director", "center", "dm_hangzhou", "rep_hangzhou"])
def test_product_pages(people, persona):
    client = people[persona].web()
    may = persona in CENTER
    assert client.get(reverse("customers:product_list")).status_code == 200
    assert client.get(reverse("customers:product_create")).status_code == (200 if may else 403)
    response = client.post(
        reverse("customers:product_create"),
        {"code": "PG-1", "name": "页面产品", "is_active": "on", "price": "8.00", "effective_from": "2025-01-01"},
    )
    assert response.status_code == (302 if may else 403)
    product = Product.objects.filter(code="PG-1").first() or Product.objects.create(code="PG-1", name="页面产品")
    edit = reverse("customers:product_edit", kwargs={"pk": product.pk})
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"add_price": "1", "price": "9.00", "effective_from": "2025-06-01"})
    assert response.status_code == (302 if may else 403)
    response = client.post(edit, {"code": "PG-1", "name": "改名产品", "is_active": "on"})
    assert response.status_code == (302 if may else 403)
    product.refresh_from_db()
    assert (product.name == "改名产品") == may
    assert product.prices.filter(effective_from=date(2025, 6, 1), price=D("9.00")).exists() == may
    if may:
        # A refusal shows on the form with a 400: a price from a date that already has one, a negative price.
        response = client.post(edit, {"add_price": "1", "price": "9.00", "effective_from": "2025-06-01"})
        assert response.status_code == 400 and response.context["price_form"].errors["effective_from"]
        response = client.post(edit, {"add_price": "1", "price": "-1", "effective_from": "2025-07-01"})
        assert response.status_code == 400 and response.context["price_form"].errors["price"]
