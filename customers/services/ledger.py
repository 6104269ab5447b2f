"""What every posting shares: the customer's row lock, open balances and the invoices' open amounts (kept
in Invoice.allocated).

The lock order (customers.services): the customer row, then the payment, then the invoices by id.
"""

from django.db import connection
from django.db.models import Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.audit import write_created_history
from core.money import ZERO
from customers.choices import InvoiceStatus
from customers.models import Allocation, AllocationOrigin, Customer, Invoice
from customers.services.inputs import MONEY_OUTPUT


def lock_customer(customer):
    return Customer.objects.select_for_update().get(pk=customer.pk)


def exposures(customer_ids):
    """Each customer's open receivable now: live invoices minus live allocations, whatever their dates.
    The postings keep it in Customer.open_balance (credit checks read that); this recomputation from the
    ledger, written apart from open_balances_refresh, is what the tests hold the kept balances to.

    Only invoices with status "open" can have anything open — "paid" means fully allocated (kept so by
    every posting, see refresh_invoice_status) and "cancelled" ones count for nothing — so two small
    index look-ups (invoice_open_by_customer) answer it, however long the customers' history.
    """
    result = dict.fromkeys(customer_ids, ZERO)
    open_invoices = Invoice.objects.filter(customer_id__any=customer_ids, status=InvoiceStatus.OPEN).order_by()
    for row in open_invoices.values("customer_id").annotate(total=Sum("amount")):
        result[row["customer_id"]] += row["total"]
    allocated = Allocation.objects.filter(
        invoice__customer_id__any=customer_ids, invoice__status=InvoiceStatus.OPEN, reversed_on__isnull=True
    ).order_by()
    for row in allocated.values("invoice__customer_id").annotate(total=Sum("amount")):
        result[row["invoice__customer_id"]] -= row["total"]
    return result


def open_balances_refresh(customer_ids=None):
    """Set customers' open_balance from their invoices and allocations (exposures, in one UPDATE):
    after a posting that changes allocations or cancels, and after a bulk load (None: every customer)."""
    open_invoices = (
        Invoice.objects.filter(customer=OuterRef("pk"), status=InvoiceStatus.OPEN)
        .order_by()
        .values("customer")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    allocated = (
        Allocation.objects.filter(invoice__customer=OuterRef("pk"), invoice__status=InvoiceStatus.OPEN, reversed_on__isnull=True)
        .order_by()
        .values("invoice__customer")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    customers = Customer.objects.all() if customer_ids is None else Customer.objects.filter(pk__in=list(customer_ids))
    return customers.update(
        open_balance=Coalesce(Subquery(open_invoices, output_field=MONEY_OUTPUT), Value(ZERO), output_field=MONEY_OUTPUT)
        - Coalesce(Subquery(allocated, output_field=MONEY_OUTPUT), Value(ZERO), output_field=MONEY_OUTPUT),
        balance_changed_at=timezone.now(),
    )


def open_balances_add(deltas):
    """Add {customer id: amount} to the customers' open balances (new invoices), in one statement."""
    if not deltas:
        return
    now = timezone.now()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids, amounts = zip(*sorted(deltas.items()), strict=True)
            cursor.execute(
                "UPDATE customers_customer c SET open_balance = c.open_balance + d.delta, balance_changed_at = %s "
                "FROM unnest(%s::bigint[], %s::numeric[]) AS d(id, delta) WHERE c.id = d.id",
                [now, list(ids), list(amounts)],
            )
        else:
            now = connection.ops.adapt_datetimefield_value(now)
            cursor.executemany(
                "UPDATE customers_customer SET open_balance = open_balance + %s, balance_changed_at = %s WHERE id = %s",
                [(str(amount), now, pk) for pk, amount in sorted(deltas.items())],
            )


def allocated_from(on):
    """Allocations that still count on or after `on`: they bound what more can be allocated from `on`."""
    return Q(reversed_on__isnull=True) | Q(reversed_on__gt=on)


def invoice_balances(invoice_ids, on):
    """{invoice id: amount still open to allocation from `on`}, in one query.

    An allocation reversed after `on` still counts on the days between, so allocating against it
    from `on` would over-allocate the invoice on those days; it is therefore still subtracted.
    """
    allocated = (
        Allocation.objects.filter(allocated_from(on), invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    rows = Invoice.objects.filter(pk__in=invoice_ids).annotate(
        bound=Coalesce(Subquery(allocated, output_field=MONEY_OUTPUT), Value(ZERO), output_field=MONEY_OUTPUT)
    )
    return {row.pk: row.amount - row.bound for row in rows}


def refresh_invoice_status(invoice_ids):
    """Keep the invoices' figures that follow from their allocations, after a posting that changed them:
    `allocated` (what live allocations pay of it, read by today's ageing) and the status (paid when nothing
    is open any more — written off when a live write-off closed part of it —, open again when something is;
    cancelled stays cancelled)."""
    if not invoice_ids:
        return
    live = (
        Allocation.objects.filter(invoice=OuterRef("pk"), reversed_on__isnull=True)
        .order_by()
        .values("invoice")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    written_off = Exists(
        Allocation.objects.filter(invoice=OuterRef("pk"), reversed_on__isnull=True, origin=AllocationOrigin.WRITE_OFF)
    )
    rows = (
        Invoice.objects.filter(pk__any=sorted(invoice_ids))
        .annotate(live=Coalesce(Subquery(live, output_field=MONEY_OUTPUT), Value(ZERO), output_field=MONEY_OUTPUT))
        .annotate(written_off=written_off)
        .values_list("pk", "status", "amount", "allocated", "live", "written_off")
    )
    changes, allocated = {}, {}
    for pk, current, amount, kept, live_total, is_written_off in rows:
        if kept != live_total:
            allocated[pk] = live_total
        if current == InvoiceStatus.CANCELLED:
            continue
        if live_total < amount:
            status = InvoiceStatus.OPEN
        else:
            # Settled: by money alone (paid), or partly by a write-off (in the bad-debt register).
            status = InvoiceStatus.WRITTEN_OFF if is_written_off else InvoiceStatus.PAID
        if current != status:
            changes.setdefault(status, []).append(pk)
    _set_allocated(allocated)
    # One UPDATE per new status and one INSERT … SELECT of their "changed" history rows, however many
    # invoices a posting pays off (a credit application over a whole batch may pay thousands).
    for status, ids in changes.items():
        Invoice.objects.filter(pk__any=ids).update(status=status)
    write_created_history(Invoice, sorted(pk for ids in changes.values() for pk in ids), history_type="~")


def _set_allocated(values):
    """Set {invoice id: allocated} in one statement (PostgreSQL) or one per invoice."""
    if not values:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids, amounts = zip(*sorted(values.items()), strict=True)
            cursor.execute(
                "UPDATE customers_invoice i SET allocated = v.allocated "
                "FROM unnest(%s::bigint[], %s::numeric[]) AS v(id, allocated) WHERE i.id = v.id",
                [list(ids), list(amounts)],
            )
        else:
            cursor.executemany(
                "UPDATE customers_invoice SET allocated = %s WHERE id = %s",
                [(str(amount), pk) for pk, amount in sorted(values.items())],
            )


def invoices_allocated_refresh():
    """Set every invoice's kept `allocated` from the ledger, in one statement: after a load that wrote
    allocations past the postings (the demo, seed_scale) and in the migration that added the column."""
    live = (
        Allocation.objects.filter(invoice=OuterRef("pk"), reversed_on__isnull=True)
        .order_by()
        .values("invoice")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Invoice.objects.update(
        allocated=Coalesce(Subquery(live, output_field=MONEY_OUTPUT), Value(ZERO), output_field=MONEY_OUTPUT)
    )
