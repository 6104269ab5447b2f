"""The ledger's write rules (customers/rights.py) and the services that ask them: the place of a record in
the person's part of the organisation, the role's right, and a salesperson's new customer being their own."""

from datetime import date
from decimal import Decimal

import pytest

from core.api_keys import BranchSystemPrincipal
from core.rights import SYSTEM, NotAllowed, may, rules
from customers import services
from customers.models import Customer, ImportKind, Invoice
from customers.rights import new_customer_salesperson
from tests.customers.factories import CustomerFactory, InvoiceFactory, ProductFactory

D = Decimal

ACTIONS = {
    "customer.create",
    "customer.update",
    "customer.import",
    "invoice.create",
    "invoice.update",
    "invoice.cancel",
    "payment.create",
    "payment.update",
    "payment.reverse",
    "credit.apply",
    "collection_plan.create",
    "collection_plan.follow_up",
    "product.create",
    "product.update",
    "product.add_price",
}


def test_every_ledger_action_has_its_rule():
    assert ACTIONS <= set(rules())


def test_a_salesperson_s_new_customer_is_their_own_one_function_for_form_api_and_rule(personas, units):
    from customers.forms import CustomerForm

    rep, other = personas["rep_hangzhou"], personas["rep_hangzhou_2"]
    assert new_customer_salesperson(rep.user) == rep.staff
    assert new_customer_salesperson(personas["dm_hangzhou"].user) is None
    form = CustomerForm(user=rep.user)
    assert form.fields["salesperson"].required and form.fields["salesperson"].initial == rep.staff.pk
    assert may(rep.user, "customer.create", Customer(district=units["330100"], salesperson=rep.staff))
    assert not may(rep.user, "customer.create", Customer(district=units["330100"], salesperson=other.staff))
    assert not may(rep.user, "customer.create", Customer(district=units["330100"], salesperson=None))
    with pytest.raises(NotAllowed):
        services.customer_create(by=rep.user, name="别人的客户", district=units["330100"], salesperson=other.staff)
    assert not Customer.objects.filter(name="别人的客户").exists()
    mine = services.customer_create(by=rep.user, name="自己的客户", district=units["330100"], salesperson=rep.staff)
    assert mine.salesperson == rep.staff


def test_a_record_outside_the_person_s_part_is_refused_by_the_service(personas, units):
    hangzhou = CustomerFactory(district=units["330100"])
    guangzhou = CustomerFactory(district=units["440100"])
    dm = personas["dm_hangzhou"].user
    assert may(dm, "customer.update", hangzhou) and not may(dm, "customer.update", guangzhou)
    with pytest.raises(NotAllowed):
        services.invoice_record(by=dm, customer=guangzhou, issue_date=date(2025, 1, 1), due_date=date(2025, 2, 1), amount="5")
    with pytest.raises(NotAllowed):
        services.customer_update(by=dm, customer=hangzhou, district=units["440100"])  # not theirs once moved
    with pytest.raises(NotAllowed):
        services.payment_record(by=dm, customer=guangzhou, received_on=date(2025, 1, 1), amount="5")
    assert not Invoice.objects.filter(customer=guangzhou).exists()
    assert Customer.objects.get(pk=hangzhou.pk).district == units["330100"]
    services.invoice_record(by=dm, customer=hangzhou, issue_date=date(2025, 1, 1), due_date=date(2025, 2, 1), amount="5")


def test_a_batch_with_one_customer_outside_the_scope_writes_nothing(personas, units):
    ours = CustomerFactory(district=units["330100"])
    theirs = CustomerFactory(district=units["440100"])
    record = {"issue_date": date(2025, 1, 1), "due_date": date(2025, 2, 1), "amount": D("5.00")}
    key = BranchSystemPrincipal(personas["key_hangzhou"].api_key)
    with pytest.raises(NotAllowed):
        services.invoice_record_many(
            by=key,
            records=[{**record, "customer": ours, "external_id": "R-1"}, {**record, "customer": theirs, "external_id": "R-2"}],
        )
    assert not Invoice.objects.filter(external_id__in=["R-1", "R-2"]).exists()
    services.invoice_record_many(by=key, records=[{**record, "customer": ours, "external_id": "R-1"}])
    assert Invoice.objects.filter(external_id="R-1").exists()


def test_roles_without_the_right(personas, units):
    customer = CustomerFactory(district=units["330100"], salesperson=personas["rep_hangzhou"].staff)
    invoice = InvoiceFactory(customer=customer)
    key = BranchSystemPrincipal(personas["key_hangzhou"].api_key)
    # A branch system feeds the ledger but plans no collection and imports no file (files are a person's).
    assert may(key, "invoice.cancel", invoice) and may(key, "payment.create", customer)
    assert not may(key, "collection_plan.create", customer)
    assert not may(key, "customer.import", ImportKind.INVOICES)
    assert may(personas["rep_hangzhou"].user, "customer.import", ImportKind.CUSTOMERS)
    # The catalogue is the Development Center's.
    product = ProductFactory()
    assert may(personas["center"].user, "product.update", product)
    assert not may(personas["pm_zhejiang"].user, "product.update", product)
    with pytest.raises(NotAllowed):
        services.product_price_add(by=personas["dm_hangzhou"].user, product=product, price="1.00", effective_from="2025-01-01")
    assert not product.prices.exists()
    # Another salesperson of the same district holds none of this customer's records.
    assert not may(personas["rep_hangzhou_2"].user, "invoice.cancel", invoice)
    assert may(personas["rep_hangzhou"].user, "invoice.cancel", invoice)


def test_a_follow_up_is_signed_by_the_person_acting(personas, units):
    rep = personas["rep_hangzhou"]
    customer = CustomerFactory(district=units["330100"], salesperson=rep.staff)
    plan = services.collection_plan_create(by=rep.user, customer=customer, owner=rep.staff, lines=[(date(2025, 3, 1), "1")])
    assert services.collection_plan_follow_up(by=rep.user, plan=plan, note="已联系").by == rep.staff
    assert services.collection_plan_follow_up(by=SYSTEM, plan=plan, note="系统").by is None
    with pytest.raises(NotAllowed):
        services.collection_plan_follow_up(by=personas["rep_hangzhou_2"].user, plan=plan, note="不是我的")
