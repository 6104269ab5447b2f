"""The receivables snapshot equals customers.selectors.ageing (same definitions) by district and by
salesperson, at several dates; rebuilding twice gives identical rows; old dates are pruned."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from customers.models import Customer, Invoice
from customers.selectors import ageing, customer_balance
from dashboard import services
from dashboard.models import CreditSnapshot, ReceivableSnapshot
from tests.dashboard.conftest import TODAY

DATES = [TODAY, date(2026, 3, 31), date(2026, 1, 31), date(2025, 12, 31)]


def _snapshot(as_of, column):
    cells = {}
    rows = ReceivableSnapshot.objects.unscoped().filter(as_of=as_of).values(column, "bucket").annotate(total=Sum("open_amount"))
    for row in rows:
        cells[(row[column], row["bucket"])] = row["total"]
    return cells


def _reference(as_of, group_by):
    report = ageing(invoices=Invoice.objects.unscoped(), as_of=as_of, group_by=group_by)
    return {(row["key"], key): value for row in report.rows for key, value in row["buckets"].items() if value}


@pytest.mark.parametrize("as_of", DATES)
def test_snapshot_equals_the_ageing_of_customers_selectors(as_of, facts):
    assert ReceivableSnapshot.objects.unscoped().filter(as_of=as_of).exists()
    for group_by, column in (("district", "district_id"), ("salesperson", "salesperson_id")):
        expected = _reference(as_of, group_by)
        got = {key: value for key, value in _snapshot(as_of, column).items() if value}
        assert got == expected, group_by
    assert sum(_snapshot(as_of, "bucket").values()) > 0


def test_invoice_counts_are_the_open_invoices(facts):
    from customers.selectors import with_open_amount

    counted = with_open_amount(Invoice.objects.unscoped().filter(issue_date__lte=TODAY, cancelled_on__isnull=True), as_of=TODAY)
    expected = sum(1 for invoice in counted if invoice.open_amount != 0)
    got = ReceivableSnapshot.objects.unscoped().filter(as_of=TODAY).aggregate(n=Sum("invoice_count"))["n"]
    assert got == expected > 0


def test_credit_snapshot_counts_customers_over_their_limit(facts):
    customers = list(Customer.objects.unscoped().order_by("pk")[:6])
    for n, customer in enumerate(customers):
        # Half of them just below their open balance, half far above it.
        balance = customer_balance(customer=customer, as_of=TODAY)["open"]
        limit = balance - Decimal("0.01") if n % 2 == 0 else balance + Decimal("100000")
        Customer.objects.filter(pk=customer.pk).update(credit_limit=max(limit, Decimal("0.01")))
    services.receivables_snapshot_rebuild(as_of=TODAY)
    expected = 0
    for customer in Customer.objects.unscoped():
        if customer.credit_limit > 0 and customer_balance(customer=customer, as_of=TODAY)["open"] > customer.credit_limit:
            expected += 1
    got = CreditSnapshot.objects.unscoped().filter(as_of=TODAY).aggregate(n=Sum("customers_over_limit"))["n"] or 0
    assert got == expected >= 1


def _rows():
    return list(
        ReceivableSnapshot.objects.unscoped()
        .order_by("as_of", "district_id", "salesperson_id", "bucket")
        .values_list("as_of", "district_id", "salesperson_id", "bucket", "open_amount", "invoice_count")
    )


def test_rebuilding_twice_gives_identical_rows(facts):
    before = _rows()
    services.receivables_snapshot_rebuild(as_of=TODAY)
    services.receivables_snapshot_rebuild(as_of=TODAY)
    assert _rows() == before and before


def test_only_the_latest_date_and_month_ends_are_kept(facts):
    services.receivables_snapshot_rebuild(as_of=TODAY + timedelta(days=1))
    services.receivables_snapshot_rebuild(as_of=TODAY + timedelta(days=2))
    dates = set(ReceivableSnapshot.objects.unscoped().values_list("as_of", flat=True))
    assert TODAY not in dates and TODAY + timedelta(days=1) not in dates
    assert TODAY + timedelta(days=2) in dates
    assert {date(2026, 3, 31), date(2026, 1, 31)} <= dates


def test_command_and_task(facts, capsys):
    call_command("rebuild_receivables", "--as-of", TODAY.isoformat())
    assert "ageing rows" in capsys.readouterr().out
    from dashboard.tasks import refresh_receivables

    assert refresh_receivables(as_of=TODAY.isoformat()) > 0


def test_bad_date_is_refused(db):
    from core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        services.receivables_snapshot_rebuild(as_of="2026-13-01")


def test_district_roll_up_agrees_with_the_salesperson_rows(facts):
    from dashboard.models import DistrictReceivableSnapshot

    for as_of in DATES:
        detail = {
            (row["district_id"], row["bucket"]): (row["amount"], row["n"])
            for row in ReceivableSnapshot.objects.unscoped()
            .filter(as_of=as_of)
            .values("district_id", "bucket")
            .annotate(amount=Sum("open_amount"), n=Sum("invoice_count"))
        }
        rolled = {
            (row.district_id, row.bucket): (row.open_amount, row.invoice_count)
            for row in DistrictReceivableSnapshot.objects.unscoped().filter(as_of=as_of)
        }
        assert rolled == detail and rolled
