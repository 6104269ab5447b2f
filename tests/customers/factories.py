"""factory_boy factories for customers, sales and receivables.

Customers, invoices and payments are created through the services (so the factories obey the same
rules as pages and the API); districts come from the default organisation, by code.
"""

from datetime import date, timedelta
from decimal import Decimal

import factory

from core.rights import SYSTEM
from customers import services
from customers.models import Customer, Invoice, Payment, Product, ProductPrice
from regions.models import OrgUnit, StaffProfile


def district(code="330100"):
    return OrgUnit.objects.get(code=code)


class StaffFactory(factory.django.DjangoModelFactory):
    """A salesperson in a district office (default 杭州市) without a login."""

    class Meta:
        model = StaffProfile

    employee_no = factory.Sequence(lambda n: f"F{n:05d}")
    name = factory.Sequence(lambda n: f"业务员{n}")
    unit = factory.LazyFunction(district)
    role = "sales_rep"
    hire_date = date(2020, 1, 1)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    code = factory.Sequence(lambda n: f"P{n:04d}")
    name = factory.Sequence(lambda n: f"理财产品{n}")


class ProductPriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductPrice

    product = factory.SubFactory(ProductFactory)
    price = Decimal("100.00")
    effective_from = date(2020, 1, 1)


class CustomerFactory(factory.django.DjangoModelFactory):
    """A customer through customer_create. Pass district=units[...] and salesperson=... as needed."""

    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"测试客户{n}有限公司")
    district = factory.LazyFunction(district)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.customer_create(by=SYSTEM, **kwargs)


class InvoiceFactory(factory.django.DjangoModelFactory):
    """An invoice through invoice_record (returns the Invoice, not the InvoiceResult)."""

    class Meta:
        model = Invoice

    customer = factory.SubFactory(CustomerFactory)
    issue_date = date(2025, 1, 1)
    due_date = factory.LazyAttribute(lambda o: o.issue_date + timedelta(days=30))
    amount = Decimal("1000.00")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.invoice_record(by=SYSTEM, **kwargs).invoice


class PaymentFactory(factory.django.DjangoModelFactory):
    """A payment through payment_record (oldest-due-first allocation unless allocations are given)."""

    class Meta:
        model = Payment

    customer = factory.SubFactory(CustomerFactory)
    received_on = date(2025, 2, 1)
    amount = Decimal("1000.00")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.payment_record(by=SYSTEM, **kwargs)
