"""What the customers of each district owe, kept by the database (DistrictOpenBalance, issue 16): on PostgreSQL a
trigger on the customers' rows keeps it equal to the sum of their open balances through every posting, a customer
moving to another district and a customer deleted — the exposure caps' check reads it instead of summing a
province's customers (customers.services.limits.CapGuard). SQLite keeps nothing (the check sums there)."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection
from django.db.models import Sum

from core.rights import SYSTEM
from customers import services as ledger
from customers.models import Customer, DistrictOpenBalance

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the sums are kept by a PostgreSQL trigger")

ISSUED, DUE = date(2026, 3, 16), date(2026, 4, 30)


def _kept():
    return dict(DistrictOpenBalance.objects.unscoped().exclude(open_balance=0).values_list("district_id", "open_balance"))


def _summed():
    rows = Customer.objects.unscoped().order_by().values_list("district_id").annotate(total=Sum("open_balance"))
    return {district: total for district, total in rows if total}


@pytest.mark.django_db
def test_the_kept_sums_follow_every_posting_and_customer_move(units):
    hangzhou, ningbo = units["330100"], units["330200"]
    first = ledger.customer_create(by=SYSTEM, name="区应收一", district=hangzhou)
    second = ledger.customer_create(by=SYSTEM, name="区应收二", district=hangzhou)
    third = ledger.customer_create(by=SYSTEM, name="区应收三", district=ningbo)
    assert _kept() == _summed() == {}

    ledger.invoice_record(by=SYSTEM, customer=first, issue_date=ISSUED, due_date=DUE, amount="600.00")
    ledger.invoice_record_many(
        by=SYSTEM,
        records=[
            {"customer": second, "issue_date": ISSUED, "due_date": DUE, "amount": D("250.00")},
            {"customer": third, "issue_date": ISSUED, "due_date": DUE, "amount": D("90.10")},
            {"customer": first, "issue_date": ISSUED, "due_date": DUE, "amount": D("40.00")},
        ],
    )
    assert _kept() == _summed() == {hangzhou.pk: D("890.00"), ningbo.pk: D("90.10")}

    ledger.payment_record(by=SYSTEM, customer=first, received_on=date(2026, 3, 20), amount="100.00")
    assert _kept() == _summed() == {hangzhou.pk: D("790.00"), ningbo.pk: D("90.10")}

    ledger.invoice_cancel(
        by=SYSTEM,
        invoice=ledger.invoice_record(by=SYSTEM, customer=third, issue_date=ISSUED, due_date=DUE, amount="10.00").invoice,
        reason="开错了",
    )
    assert _kept() == _summed()

    # A customer moved to another district takes what it owes with it.
    ledger.customer_update(by=SYSTEM, customer=Customer.objects.get(pk=second.pk), district=ningbo)
    assert _kept() == _summed() == {hangzhou.pk: D("540.00"), ningbo.pk: D("340.10")}

    later = ledger.invoice_record(by=SYSTEM, customer=first, issue_date=ISSUED, due_date=DUE, amount="30.00").invoice
    ledger.invoice_update(by=SYSTEM, invoice=later, amount="130.00")
    assert _kept() == _summed() == {hangzhou.pk: D("670.00"), ningbo.pk: D("340.10")}

    nothing_owed = ledger.customer_create(by=SYSTEM, name="区应收四", district=hangzhou)
    Customer.objects.filter(pk=nothing_owed.pk).delete()
    assert _kept() == _summed()
