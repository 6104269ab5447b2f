"""FastReadMixin must give exactly what DRF gives, field for field."""

from datetime import date

import pytest
from rest_framework import serializers

from core.rights import SYSTEM
from customers import services
from customers.api import serializers as cs
from customers.models import Customer, Invoice, Payment
from regions.api import serializers as rs
from regions.models import OrgUnit, StaffProfile
from tests.customers.factories import ProductFactory, ProductPriceFactory


def drf(serializer, obj):
    return serializers.Serializer.to_representation(serializer, obj)


def assert_same(serializer_class, objects):
    assert objects
    for obj in objects:
        serializer = serializer_class()
        assert serializer.to_representation(obj) == drf(serializer, obj)


@pytest.fixture
def ledger(personas, units):
    rep = personas["rep_hangzhou"].staff
    customer = services.customer_create(
        by=SYSTEM,
        name="杭州测试科技有限公司",
        district=units["330100"],
        salesperson=rep,
        credit_limit="1000.00",
        is_key=True,
        contacts=[{"name": "王经理", "phone": "0571-1"}],
    )
    bare = services.customer_create(by=SYSTEM, name="无业务员客户", district=units["330100"])
    product = ProductFactory()
    ProductPriceFactory(product=product, price="12.50", effective_from=date(2024, 1, 1))
    services.invoice_record(
        by=SYSTEM, customer=customer, issue_date=date(2025, 1, 1), due_date=date(2025, 2, 1), amount="900.10", number="FP-1"
    )
    services.invoice_record(
        by=SYSTEM,
        customer=customer,
        issue_date=date(2025, 1, 2),
        due_date=date(2025, 2, 2),
        lines=[{"product": product, "quantity": "3"}],
    )
    services.invoice_record(by=SYSTEM, customer=bare, issue_date=date(2025, 1, 3), due_date=date(2025, 2, 3), amount="5")
    services.payment_record(by=SYSTEM, customer=customer, received_on=date(2025, 2, 5), amount="1000.00", reference="BK-1")
    return customer


def test_ledger_serializers(ledger):
    assert_same(cs.CustomerSerializer, list(Customer.objects.all()))
    assert_same(cs.InvoiceSerializer, list(Invoice.objects.all()))
    assert_same(cs.PaymentSerializer, list(Payment.objects.all()))


def test_org_serializers(personas):
    assert_same(rs.OrgUnitSerializer, list(OrgUnit.objects.filter(code__in=["HQ", "HD", "330000", "330100"])))
    assert_same(rs.StaffSerializer, list(StaffProfile.objects.all()[:20]))


def test_lists_through_the_api_equal_drf(ledger, personas):
    response = personas["director"].api().get("/api/v1/invoices/", {"page_size": 100})
    rows = response.json()["results"]
    expected = [drf(cs.InvoiceSerializer(), inv) for inv in Invoice.objects.order_by("-id")]
    import json

    assert json.loads(json.dumps(rows)) == json.loads(json.dumps(expected, default=str))
