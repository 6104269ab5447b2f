"""Exposure caps (敞口上限, issue 16): while a credit policy is in force, a new invoice — one, a batch, a correction —
that takes its customer's district or province over its cap (the sum of its customers' open balances) is refused
on `amount`; the invoices of one batch add up; on PostgreSQL two pushes at once against the same district cap cannot
both slip under it (the cap row is locked before the sum is read)."""

import threading
import time
from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection
from django.db.models import Sum

from core.errors import Conflict
from core.rights import SYSTEM
from customers import services as ledger
from customers.models import Customer, Invoice
from regions.models import OrgUnit
from risk import services
from risk.choices import CreditPolicyState
from risk.models import CreditPolicy

ISSUED, DUE = date(2026, 3, 16), date(2026, 4, 30)


def _policy(caps):
    policy = services.credit_policy_create(by=SYSTEM, name="敞口上限", at_limit_action="flag", limits={}, caps=caps)
    CreditPolicy.objects.filter(pk=policy.pk).update(state=CreditPolicyState.APPROVED)
    return policy


def _customer(code="330100", n=[0]):  # noqa: B006 — a counter for names
    n[0] += 1
    return ledger.customer_create(by=SYSTEM, name=f"敞口客户{n[0]}", district=OrgUnit.objects.get(code=code))


def _invoice(customer, amount):
    return ledger.invoice_record(by=SYSTEM, customer=customer, issue_date=ISSUED, due_date=DUE, amount=amount)


def _owed(code):
    unit = OrgUnit.objects.get(code=code)
    return Customer.objects.unscoped().filter(district__path__startswith=unit.path).aggregate(t=Sum("open_balance"))["t"]


@pytest.mark.django_db
def test_a_district_cap_refuses_the_invoice_that_would_pass_it(units):
    first, second = _customer(), _customer()
    _invoice(first, "600.00")  # no policy yet: no cap
    _policy([{"unit": "330100", "cap": "1000"}])
    _invoice(second, "400.00")  # exactly the cap: allowed
    with pytest.raises(Conflict) as refused:
        _invoice(first, "0.01")
    assert (refused.value.field, refused.value.code) == ("amount", "exposure_cap")
    assert "1,000.00" in refused.value.message and "1,000.01" in refused.value.message
    assert _owed("330100") == D("1000.00")
    _invoice(_customer("330200"), "5000.00")  # another district of the province: no cap there


@pytest.mark.django_db
def test_a_province_cap_counts_every_district_under_it_and_a_batch_adds_up(units):
    _policy([{"unit": "330000", "cap": "1000"}])
    hangzhou, ningbo = _customer("330100"), _customer("330200")
    _invoice(hangzhou, "700.00")
    records = [
        {"customer": ningbo, "issue_date": ISSUED, "due_date": DUE, "amount": D("200.00")},
        {"customer": hangzhou, "issue_date": ISSUED, "due_date": DUE, "amount": D("200.00")},  # 1,100 with the first
    ]
    with pytest.raises(ledger.BatchInvalid) as refused:
        ledger.invoice_record_many(by=SYSTEM, records=records)
    assert list(refused.value.errors) == [1] and refused.value.errors[1].code == "exposure_cap"
    assert _owed("330000") == D("700.00")  # all or nothing: the first record was not written either
    assert len(ledger.invoice_record_many(by=SYSTEM, records=records[:1])) == 1
    invoice = Invoice.objects.filter(customer=ningbo).get()
    with pytest.raises(Conflict):  # a correction raising the amount is asked too
        ledger.invoice_update(by=SYSTEM, invoice=invoice, amount="301.00")
    assert ledger.invoice_update(by=SYSTEM, invoice=invoice, amount="300.00")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_pushes_at_once_cannot_both_slip_under_a_district_cap(monkeypatch):
    from customers.services import limits
    from regions.services import load_default_organisation

    load_default_organisation(by=SYSTEM)  # transactional tests flush the database
    read_sums = limits.CapGuard.__init__

    def slowly(self, district_ids):
        # Widen the window between reading the sums and writing the invoice: without the cap row's lock both pushes
        # would read the same total here and both pass.
        read_sums(self, district_ids)
        time.sleep(0.3)

    monkeypatch.setattr(limits.CapGuard, "__init__", slowly)
    _policy([{"unit": "330100", "cap": "1000"}])
    customers = [_customer(), _customer()]
    barrier = threading.Barrier(2)
    refused, passed = [], []

    def push(customer):
        try:
            barrier.wait()
            ledger.invoice_record_many(
                by=SYSTEM, records=[{"customer": customer, "issue_date": ISSUED, "due_date": DUE, "amount": D("600.00")}]
            )
            passed.append(customer.pk)
        except ledger.BatchInvalid as error:
            refused.append(error.errors[0].code)
        finally:
            connection.close()  # each thread has its own connection; leave none open

    for _round in range(3):
        threads = [threading.Thread(target=push, args=(customer,)) for customer in customers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        barrier.reset()
        customers = [_customer(), _customer()]  # fresh customers: the district total is what the cap guards
    assert _owed("330100") == D("600.00")  # one push of the first round fit; every other one was refused
    assert len(passed) == 1 and refused == ["exposure_cap"] * 5
