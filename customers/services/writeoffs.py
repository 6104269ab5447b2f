"""Write-off postings (核销): closing open amounts that will not be paid, and reopening them when a write-off is
reversed. The decision — who proposes, who approves, the bad-debt register and recoveries — is risk's
(risk.services.write_offs); this module only posts, under the ledger's locks, so that balances, ageing as of any
date and the summaries stay exact (docs/DECISIONS.md 52).

A write-off is an allocation without a payment (origin "write_off") from the day it is posted: every receivable
figure counts it like money allocated, every collections figure leaves it out (customers.models.COLLECTED).
Nothing is deleted: a reversal ends the allocations on its day, so the ageing as of any day before the write-off,
or after its reversal, shows the debt again.
"""

from django.utils.translation import gettext as _

from core.errors import Conflict, InvalidInput
from core.money import ZERO
from core.rights import ensure
from customers.choices import InvoiceStatus
from customers.models import Allocation, AllocationOrigin, Invoice
from customers.services.ledger import invoice_balances, lock_customer, open_balances_refresh, refresh_invoice_status


def write_off_open_amounts(*, customer, invoice_ids, on):
    """{invoice id: the amount of it open from `on` on} for invoices of `customer` (what a write-off may close)."""
    invoices = Invoice.objects.filter(pk__in=list(invoice_ids), customer_id=customer.pk).exclude(status=InvoiceStatus.CANCELLED)
    ids = [pk for pk in invoices.values_list("pk", flat=True)]
    return invoice_balances(ids, on) if ids else {}


def write_off_check(*, customer, lines, on):
    """Check write-off lines [(invoice id, amount)] of `customer` from `on`: each invoice the customer's, issued
    by `on`, not cancelled, named once, and its amount above zero and at most what is open of it from `on`.
    Refused on the field `lines` with the invoice and the reason; returns the lines with the invoices."""
    if not lines:
        raise InvalidInput(_("Name at least one invoice to write off."), field="lines")
    seen = set()
    for invoice_id, amount in lines:
        if invoice_id in seen:
            raise InvalidInput(_("The invoice #%(id)s is named twice.") % {"id": invoice_id}, field="lines")
        seen.add(invoice_id)
        if amount <= ZERO:
            raise InvalidInput(_("The amount written off of an invoice must be above zero."), field="lines")
    invoices = {invoice.pk: invoice for invoice in Invoice.objects.filter(pk__in=sorted(seen))}
    for invoice_id, _amount in lines:
        invoice = invoices.get(invoice_id)
        if invoice is None or invoice.customer_id != customer.pk:
            raise InvalidInput(
                _("The invoice #%(id)s is not an invoice of %(name)s.") % {"id": invoice_id, "name": customer.name},
                field="lines",
            )
        if invoice.status == InvoiceStatus.CANCELLED:
            raise InvalidInput(_("The invoice %(invoice)s is cancelled.") % {"invoice": invoice}, field="lines")
        if invoice.issue_date > on:
            raise InvalidInput(
                _("The invoice %(invoice)s is issued after %(day)s.") % {"invoice": invoice, "day": on.isoformat()}, field="lines"
            )
    balances = invoice_balances(sorted(seen), on)
    for invoice_id, amount in lines:
        if amount > balances[invoice_id]:
            raise InvalidInput(
                _("Only %(open)s of the invoice %(invoice)s is open; %(amount)s cannot be written off.")
                % {"open": f"{balances[invoice_id]:,.2f}", "invoice": invoices[invoice_id], "amount": f"{amount:,.2f}"},
                field="lines",
            )
    return [(invoices[invoice_id], amount) for invoice_id, amount in lines]


def write_off_post(*, by, customer, lines, on):
    """Close [(invoice id, amount)] of `customer` from `on` (an approved write-off): one allocation without a
    payment per line. Call inside the caller's transaction; the customer's row and the invoices are locked first
    and the lines checked again under the locks (a payment may have come in since the proposal)."""
    ensure(by, "write_off.post", customer)
    lock_customer(customer)
    list(Invoice.objects.select_for_update().filter(pk__in=sorted(pk for pk, _a in lines)).order_by("id").values_list("id"))
    checked = write_off_check(customer=customer, lines=lines, on=on)
    rows = Allocation.objects.bulk_create(
        [
            Allocation(payment=None, invoice=invoice, amount=amount, allocated_on=on, origin=AllocationOrigin.WRITE_OFF)
            for invoice, amount in checked
        ]
    )
    refresh_invoice_status({invoice.pk for invoice, _a in checked})
    open_balances_refresh([customer.pk])
    return rows


def write_off_unpost(*, by, customer, allocation_ids, on, reason):
    """Reopen what write-off allocations closed, from `on` (a reversal approved): they stop counting on that
    day and the invoices are open again. Refused: a day before the write-off, an allocation already ended."""
    ensure(by, "write_off.post", customer)
    lock_customer(customer)
    allocations = list(
        Allocation.objects.select_for_update()
        .filter(pk__in=sorted(allocation_ids), origin=AllocationOrigin.WRITE_OFF, invoice__customer_id=customer.pk)
        .order_by("id")
    )
    if len(allocations) != len(set(allocation_ids)):
        raise Conflict(_("A part of this write-off is not in the ledger any more."), field="write_off")
    for allocation in allocations:
        if allocation.reversed_on is not None:
            raise Conflict(_("This write-off is already reversed."), field="write_off")
        if on < allocation.allocated_on:
            raise InvalidInput(_("A write-off cannot be reversed before the day it was posted."), field="on")
    invoice_ids = {allocation.invoice_id for allocation in allocations}
    list(Invoice.objects.select_for_update().filter(pk__in=sorted(invoice_ids)).order_by("id").values_list("id"))
    Allocation.objects.filter(pk__in=[a.pk for a in allocations]).update(reversed_on=on, reverse_reason=reason[:200])
    refresh_invoice_status(invoice_ids)
    open_balances_refresh([customer.pk])
    return len(allocations)
