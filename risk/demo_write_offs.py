"""Demo bad debts (坏账核销, issue 16): two customers of 浙江 (杭州's where it has them) whose oldest debt has been open for
more than half a year past due — one
write-off approved through its whole chain (the region, then the center, and the director above the threshold) and
posted in the ledger, with part of the money recovered since, and one proposal still waiting for its decision.

Everything goes through the services and the approval mechanism. It loads before the summaries and the dashboard's
snapshots, so every receivables figure of the demo already counts the write-off (and no collections figure does).
Once: nothing is loaded when a write-off exists (a second run returns zeros).
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from approvals.demo import approve_through
from approvals.selectors import latest_request
from customers.choices import CustomerStatus, InvoiceStatus
from customers.models import Invoice
from regions.demo import acting_login
from regions.models import OrgUnit
from risk import services
from risk.demo_credit import DISTRICT
from risk.models import WriteOff

# The debt written off is the customer's oldest invoices more than OLD_DAYS past due, at most this many each.
OLD_DAYS, MAX_LINES = 180, 3
HISTORY = "2025年起多次电话及上门催收；发出律师函两次；客户已停止经营，法定代表人失联；经法院调解未果，财产线索不足以执行。"


def _debtors(today, count=2):
    """[(customer, [(invoice, open amount)])] of customers with invoices more than OLD_DAYS past due and open, 杭州's
    first (the demo personas' district), then the most owed."""
    cutoff = today - timedelta(days=OLD_DAYS)
    rows = (
        Invoice.objects.unscoped()
        .filter(
            # Under 浙江, whose managers are demo logins (the chain's people decide as themselves).
            district__path__startswith=OrgUnit.objects.get(code=DISTRICT).parent.path,
            status=InvoiceStatus.OPEN,
            due_date__lt=cutoff,
            allocated__lt=F("amount"),
            customer__status=CustomerStatus.ACTIVE,
        )
        .select_related("customer__salesperson__user", "customer__district")
        .order_by("customer_id", "due_date", "id")
    )
    found = {}
    for invoice in rows:
        lines = found.setdefault(invoice.customer_id, (invoice.customer, []))[1]
        if len(lines) < MAX_LINES:
            lines.append((invoice, invoice.amount - invoice.allocated))
    ranked = sorted(
        found.values(),
        key=lambda item: (item[0].district.code != DISTRICT, -sum(amount for _i, amount in item[1]), item[0].pk),
    )
    return ranked[:count]


@transaction.atomic
def load_demo_write_offs(*, today=None):
    """One write-off approved and posted with part of it recovered, one waiting; see the module's docstring."""
    today = today or timezone.localdate()
    if WriteOff.objects.unscoped().exists():
        return {"write_offs": 0, "recoveries": 0}
    debtors = _debtors(today)
    if not debtors:
        return {"write_offs": 0, "recoveries": 0}
    made = recovered = 0
    for index, (customer, lines) in enumerate(debtors):
        by = acting_login(customer, customer.district)
        write_off = services.write_off_propose(
            by=by,
            customer=customer,
            lines=[{"invoice": invoice.pk, "amount": str(amount)} for invoice, amount in lines],
            reason="客户已停止经营，账款逾期一年以上，经多次催收无法收回，申请按呆坏账核销。",
            collection_history=HISTORY,
            today=today,
        )
        services.write_off_submit(by=by, write_off=write_off, today=today)
        made += 1
        if index == 0:
            approve_through(latest_request(write_off), comment="同意，按月跟踪")
            write_off.refresh_from_db()
            # Part of it came back later: the customer's guarantor paid a tenth.
            share = (write_off.total / 10).quantize(Decimal("0.01"))
            if share > 0:
                services.recovery_record(
                    by=by, customer=customer, amount=str(share), received_on=today, reference="担保人代偿", today=today
                )
                recovered += 1
    return {"write_offs": made, "recoveries": recovered}
