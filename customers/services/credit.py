"""A customer's credit (the unallocated part of posted payments) applied to open invoices."""

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from core.money import ZERO
from core.rights import ensure
from customers.choices import InvoiceStatus, PaymentStatus
from customers.models import Allocation, AllocationOrigin, Invoice, Payment
from customers.services.inputs import MONEY_OUTPUT, clean_date
from customers.services.ledger import (
    allocated_from,
    invoice_balances,
    lock_customer,
    open_balances_refresh,
    refresh_invoice_status,
)
from customers.services.payments import explicit_allocations


def _payment_credits(payments, on):
    """{payment id: the part of it not allocated from `on` on}: allocations reversed after `on` still
    count on the days between, so their amount is not free from `on` (as in invoice_balances)."""
    used = (
        Allocation.objects.filter(allocated_from(on), payment=OuterRef("pk"))
        .order_by()
        .values("payment")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return {
        row.pk: row.amount - row.used
        for row in Payment.objects.filter(pk__in=[p.pk for p in payments]).annotate(
            used=Coalesce(Subquery(used, output_field=MONEY_OUTPUT), Value(ZERO), output_field=MONEY_OUTPUT)
        )
    }


def _credit_sources(customer_ids, on):
    """{customer id: [[payment, credit left]]}, oldest payment first: the posted payments received by
    `on` with something not allocated from `on`, locked (after the customers, which the caller holds)."""
    payments = list(
        Payment.objects.select_for_update()
        .filter(customer_id__any=sorted(customer_ids), status=PaymentStatus.POSTED, received_on__lte=on)
        .order_by("customer_id", "received_on", "id")
    )
    credits = _payment_credits(payments, on)
    sources = {}
    for payment in payments:
        if credits[payment.pk] > 0:
            sources.setdefault(payment.customer_id, []).append([payment, credits[payment.pk]])
    return sources


def _credit_post(*, sources, wanted, on):
    """Allocate `wanted` ([(invoice, amount)], in order) from the customers' credit `sources` (used up
    in order), allocated on `on`; refresh the invoices' status and the customers' open balances."""
    rows = []
    for invoice, amount in wanted:
        queue = sources.get(invoice.customer_id) or []
        while amount > 0 and queue:
            payment, left = queue[0]
            share = min(left, amount)
            rows.append(
                Allocation(payment=payment, invoice=invoice, amount=share, allocated_on=on, origin=AllocationOrigin.CREDIT)
            )
            amount -= share
            queue[0][1] -= share
            if queue[0][1] <= 0:
                queue.pop(0)
    Allocation.objects.bulk_create(rows)
    refresh_invoice_status({row.invoice_id for row in rows})
    open_balances_refresh(sorted({row.payment.customer_id for row in rows}))
    return rows


def _credit_apply_oldest_first(*, customer_ids, on):
    """Apply the credit of customers (already locked) to their open invoices issued by `on`, oldest due
    first, in a constant number of queries (plus one write per invoice it pays off)."""
    sources = _credit_sources(customer_ids, on)
    if not sources:
        return []
    # Only "open" invoices can take anything: "paid" ones are fully allocated (from `on` too).
    invoices = list(
        Invoice.objects.select_for_update()
        .filter(customer_id__any=sorted(sources), status=InvoiceStatus.OPEN, issue_date__lte=on)
        .order_by("customer_id", "due_date", "issue_date", "id")
    )
    balances = invoice_balances([invoice.pk for invoice in invoices], on)
    return _credit_post(sources=sources, wanted=[(invoice, balances[invoice.pk]) for invoice in invoices], on=on)


@transaction.atomic
def customer_credit_apply(*, by, customer, on=None, allocations=None):
    """Apply the customer's credit (the unallocated part of posted payments received by `on`, default
    today) to open invoices issued by `on`, allocated on `on`: to the invoices and amounts given in
    `allocations` ([{"invoice": Invoice or id, "amount": …}], checked like a payment's allocations), or,
    when None, oldest due first. The credit is taken from the oldest payments first. Returns the new
    allocations (origin "credit"); an empty list when there is nothing to apply. (`credit.apply`)"""
    ensure(by, "credit.apply", customer)
    on = timezone.localdate() if on is None else clean_date(on, field="on")
    customer = lock_customer(customer)
    if allocations is None:
        return _credit_apply_oldest_first(customer_ids=[customer.pk], on=on)
    sources = _credit_sources([customer.pk], on)
    available = sum((left for _payment, left in sources.get(customer.pk, ())), ZERO)
    if allocations and not available:
        raise InvalidInput(_("%(name)s has no credit to apply.") % {"name": customer.name}, field="allocations")
    wanted = explicit_allocations(
        customer=customer, payment_amount=available, received_on=on, allocations=allocations, total_label=_("the credit")
    )
    return _credit_post(sources=sources, wanted=wanted, on=on)


def credit_auto_apply(*, on_by_customer):
    """The CREDIT_AUTO_APPLY policy, after new invoices of these customers ({customer id: latest issue
    date}): their credit is applied oldest due first, on today (or the latest issue date, if later).
    A handful of queries for the whole batch (one finds the customers with credit; those without cost
    nothing more). Called inside the posting's transaction, with the customers already locked."""
    if not settings.CREDIT_AUTO_APPLY or not on_by_customer:
        return []
    used = (
        Allocation.objects.filter(payment=OuterRef("pk"), reversed_on__isnull=True)
        .order_by()
        .values("payment")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    with_credit = set(
        Payment.objects.filter(customer_id__any=sorted(on_by_customer), status=PaymentStatus.POSTED)
        .annotate(used=Coalesce(Subquery(used, output_field=MONEY_OUTPUT), Value(ZERO), output_field=MONEY_OUTPUT))
        .filter(amount__gt=F("used"))
        .order_by()
        .values_list("customer_id", flat=True)
        .distinct()
    )
    if not with_credit:
        return []
    # One date for the batch: an allocation may always start later than its invoice and payment.
    on = max([timezone.localdate(), *(on_by_customer[pk] for pk in with_credit)])
    return _credit_apply_oldest_first(customer_ids=with_credit, on=on)
