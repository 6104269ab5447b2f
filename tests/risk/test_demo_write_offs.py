"""The demo bad debts load through the services once: one write-off approved through its chain and posted in the
ledger (the debt leaves today's ageing, the ageing of yesterday still shows it), part of it recovered, and one
proposal waiting for its decision — dates relative to the pinned today."""

from datetime import UTC, date, datetime, timedelta

import time_machine

from approvals.choices import RequestState
from approvals.selectors import latest_request
from customers.choices import InvoiceStatus
from customers.demo import load_demo_customers
from customers.models import Allocation, Invoice
from customers.selectors import receivable_summary
from regions.demo import load_demo_company
from risk.choices import WriteOffState
from risk.demo_write_offs import OLD_DAYS, load_demo_write_offs
from risk.models import Recovery, WriteOff

TODAY = date(2026, 3, 16)


@time_machine.travel(datetime(2026, 3, 16, 4, 0, tzinfo=UTC), tick=False)
def test_demo_write_offs_load_once_through_the_services(db):
    load_demo_company(reps_per_district=1)
    load_demo_customers(customers=120, months=24, today=TODAY, plans=0)
    counts = load_demo_write_offs(today=TODAY)
    assert counts == {"write_offs": 2, "recoveries": 1}

    posted, waiting = WriteOff.objects.order_by("id")
    # The first went through every step of its chain (the director's among them above the threshold) and is posted.
    request = latest_request(posted)
    assert posted.state == WriteOffState.APPROVED and request.state == RequestState.APPROVED
    assert posted.written_off_on == TODAY and posted.requested_by is not None
    lines = list(posted.lines.select_related("invoice", "allocation"))
    assert lines and all(line.allocation.payment_id is None and line.allocation.amount == line.amount for line in lines)
    assert all(line.invoice.due_date < TODAY - timedelta(days=OLD_DAYS) for line in lines)
    # Each line is all that was open of its invoice: the invoice is settled by the write-off.
    assert all(line.invoice.status == InvoiceStatus.WRITTEN_OFF for line in lines)
    invoices = Invoice.objects.filter(pk__in=[line.invoice_id for line in lines])
    before = receivable_summary(scope_qs=invoices, as_of=TODAY - timedelta(days=1))["open"]
    after = receivable_summary(scope_qs=invoices, as_of=TODAY)["open"]
    assert before - after == posted.total
    # A tenth of it recovered today, against this write-off.
    recovery = Recovery.objects.get()
    assert recovery.write_off_id == posted.pk and recovery.amount == (posted.total / 10).quantize(recovery.amount)

    # The second waits in its chain; nothing of it is in the ledger.
    assert waiting.state == WriteOffState.SUBMITTED and latest_request(waiting).state == RequestState.SUBMITTED
    assert not Allocation.objects.filter(invoice__customer=waiting.customer, origin="write_off").exists()

    assert load_demo_write_offs(today=TODAY) == {"write_offs": 0, "recoveries": 0}
