"""Payments and their allocations to invoices: recording, correcting, reversing and re-allocating."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, InvalidInput
from core.money import ZERO
from core.rights import ensure
from customers.choices import InvoiceStatus, PaymentMethod, PaymentStatus
from customers.models import Allocation, AllocationOrigin, Invoice, Payment
from customers.services.inputs import clean_choice, clean_date, clean_external_id, clean_money, clean_text
from customers.services.ledger import invoice_balances, lock_customer, open_balances_refresh, refresh_invoice_status


def _lock_open_invoices(customer, on):
    """Lock the customer's live invoices issued by `on`, oldest due first; return them in that order."""
    return list(
        Invoice.objects.select_for_update()
        .filter(customer=customer, issue_date__lte=on)
        .exclude(status=InvoiceStatus.CANCELLED)
        .order_by("due_date", "issue_date", "id")
    )


def _allocate_oldest_first(*, payment, available, invoices, on):
    """Allocations of `available` from `payment` to `invoices` (already locked, in order), from `on`."""
    balances = invoice_balances([invoice.pk for invoice in invoices], on)
    allocations = []
    for invoice in invoices:
        if available <= 0:
            break
        share = min(available, balances[invoice.pk])
        if share > 0:
            allocations.append(Allocation(payment=payment, invoice=invoice, amount=share, allocated_on=on))
            available -= share
    return allocations


def explicit_allocations(*, customer, payment_amount, received_on, allocations, total_label=None):
    """Check allocations the branch asked for; return [(invoice, amount)] with invoices locked.
    `payment_amount` bounds their total (the payment, or the credit being applied: `total_label`)."""
    if isinstance(allocations, (str, bytes, dict)) or not hasattr(allocations, "__iter__"):
        raise InvalidInput(_("Allocations must be a list."), field="allocations")
    requested = []
    for n, item in enumerate(allocations, start=1):
        if not isinstance(item, dict) or set(item) - {"invoice", "amount"} or "invoice" not in item:
            raise InvalidInput(
                _("Allocation %(n)d must be an object with an invoice and an amount.") % {"n": n}, field="allocations"
            )
        invoice = item["invoice"]
        invoice_id = invoice.pk if isinstance(invoice, Invoice) else invoice
        if not isinstance(invoice_id, int) or isinstance(invoice_id, bool):
            raise InvalidInput(_("Allocation %(n)d: unknown invoice.") % {"n": n}, field="allocations")
        amount = clean_money(item.get("amount"), field="allocations", label=_("Allocation %(n)d: the amount") % {"n": n})
        requested.append((invoice_id, amount))
    locked = {
        invoice.pk: invoice
        for invoice in Invoice.objects.select_for_update().filter(pk__in=sorted({i for i, _a in requested})).order_by("id")
    }
    balances = invoice_balances(list(locked), received_on)
    total = ZERO
    result = []
    for invoice_id, amount in requested:
        invoice = locked.get(invoice_id)
        if invoice is None or invoice.customer_id != customer.pk:
            raise InvalidInput(
                _("The invoice %(invoice)s is not an invoice of %(customer)s.")
                % {"invoice": invoice or invoice_id, "customer": customer.name},
                field="allocations",
            )
        if invoice.status == InvoiceStatus.CANCELLED:
            raise InvalidInput(_("The invoice %(invoice)s is cancelled.") % {"invoice": invoice}, field="allocations")
        if invoice.issue_date > received_on:
            raise InvalidInput(
                _("The invoice %(invoice)s was issued on %(date)s, after the payment was received.")
                % {"invoice": invoice, "date": invoice.issue_date.isoformat()},
                field="allocations",
            )
        if amount > balances[invoice_id]:
            raise InvalidInput(
                _("%(amount)s is more than the open balance of the invoice %(invoice)s, %(balance)s.")
                % {"amount": amount, "invoice": invoice, "balance": balances[invoice_id]},
                field="allocations",
            )
        balances[invoice_id] -= amount  # the same invoice may appear twice
        total += amount
        result.append((invoice, amount))
    if total > payment_amount:
        if total_label is not None:
            raise InvalidInput(
                _("The allocations add up to %(total)s, more than %(what)s of %(amount)s.")
                % {"total": total, "what": total_label, "amount": payment_amount},
                field="allocations",
            )
        raise InvalidInput(
            _("The allocations add up to %(total)s, more than the payment of %(amount)s.")
            % {"total": total, "amount": payment_amount},
            field="allocations",
        )
    return result


@transaction.atomic
def payment_record(
    *, by, customer, received_on, amount, allocations=None, method=PaymentMethod.BANK_TRANSFER, reference="", external_id=None
):
    """Record money received from a customer and allocate it to invoices: as the branch says, or, when
    it does not, oldest due first. What is not allocated stays as the customer's credit."""
    ensure(by, "payment.create", customer)
    received_on = clean_date(received_on, field="received_on")
    amount = clean_money(amount, field="amount")
    method = clean_choice(method, PaymentMethod, field="method")
    reference = clean_text(reference, field="reference", max_length=100)
    customer = lock_customer(customer)
    external_id = clean_external_id(external_id, model=Payment)
    if allocations is not None:
        explicit = explicit_allocations(
            customer=customer, payment_amount=amount, received_on=received_on, allocations=allocations
        )
    payment = Payment.objects.create(
        external_id=external_id,
        customer=customer,
        district_id=customer.district_id,
        salesperson_id=customer.salesperson_id,
        received_on=received_on,
        amount=amount,
        method=method,
        reference=reference,
    )
    if allocations is None:
        rows = _allocate_oldest_first(
            payment=payment, available=amount, invoices=_lock_open_invoices(customer, received_on), on=received_on
        )
    else:
        rows = [
            Allocation(payment=payment, invoice=invoice, amount=share, allocated_on=received_on) for invoice, share in explicit
        ]
    Allocation.objects.bulk_create(rows)
    refresh_invoice_status({row.invoice_id for row in rows})
    open_balances_refresh([customer.pk])
    return payment


@transaction.atomic
def payment_update(*, by, payment, customer=None, received_on=None, amount=None, method=None, reference=None):
    """Correct a recorded payment. Once it is allocated to invoices, its customer, date and amount are
    fixed (reverse it and record a new one); the method and reference may always change.
    Returns True if anything changed. Moving it to another customer is recording it for that one too."""
    ensure(by, "payment.update", payment)
    if customer is not None and customer.pk != payment.customer_id:
        ensure(by, "payment.create", customer)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status == PaymentStatus.REVERSED:
        raise Conflict(_("The payment %(payment)s is reversed and cannot change.") % {"payment": payment}, field="payment")
    customer = payment.customer if customer is None else customer
    received_on = payment.received_on if received_on is None else clean_date(received_on, field="received_on")
    amount = payment.amount if amount is None else clean_money(amount, field="amount")
    method = payment.method if method is None else clean_choice(method, PaymentMethod, field="method")
    reference = payment.reference if reference is None else clean_text(reference, field="reference", max_length=100)
    fixed_changed = customer.pk != payment.customer_id or received_on != payment.received_on or amount != payment.amount
    if fixed_changed and payment.allocations.filter(reversed_on__isnull=True).exists():
        raise Conflict(
            _(
                "The payment %(payment)s is allocated to invoices, so its customer, date and amount cannot change; "
                "reverse it and record a new payment."
            )
            % {"payment": payment},
            field="amount",
        )
    locked = lock_customer(customer)
    changes = {
        "customer_id": locked.pk,
        "district_id": locked.district_id,
        "salesperson_id": locked.salesperson_id if customer.pk != payment.customer_id else payment.salesperson_id,
        "received_on": received_on,
        "amount": amount,
        "method": method,
        "reference": reference,
    }
    changed = [name for name, value in changes.items() if getattr(payment, name) != value]
    for name in changed:
        setattr(payment, name, changes[name])
    if changed:
        payment.save()
    return bool(changed)


@transaction.atomic
def payment_reverse(*, by, payment, reason, on=None):
    """Reverse a payment (bounced, booked to the wrong customer…): its allocations stop counting from
    `on` and the invoices they paid are open again."""
    ensure(by, "payment.reverse", payment)
    reason = clean_text(reason, field="reason", max_length=200, required=True, label=_("A reason"))
    on = clean_date(on, field="on") if on is not None else timezone.localdate()
    lock_customer(payment.customer)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status == PaymentStatus.REVERSED:
        raise Conflict(_("This payment is already reversed."), field="payment")
    if on < payment.received_on:
        raise InvalidInput(_("A payment cannot be reversed before it was received."), field="on")
    live = payment.allocations.filter(reversed_on__isnull=True)
    invoice_ids = set(live.values_list("invoice_id", flat=True))
    list(Invoice.objects.select_for_update().filter(pk__in=sorted(invoice_ids)).order_by("id").values_list("id", flat=True))
    live.update(reversed_on=on, reverse_reason=reason)
    payment.status = PaymentStatus.REVERSED
    payment.reversed_on = on
    payment.reverse_reason = reason
    payment.save(update_fields=["status", "reversed_on", "reverse_reason"])
    refresh_invoice_status(invoice_ids)
    open_balances_refresh([payment.customer_id])
    return payment


def _allocation_key(allocations):
    """{invoice id: amount} of a list of allocations (dicts or (invoice, amount) pairs): the same
    invoice twice counts once with the sum, so the comparison ignores order and splitting."""
    result = {}
    for item in allocations:
        invoice, amount = (item["invoice"], item["amount"]) if isinstance(item, dict) else item
        invoice_id = invoice.pk if isinstance(invoice, Invoice) else invoice
        result[invoice_id] = result.get(invoice_id, ZERO) + Decimal(amount)
    return result


def payment_allocations_differ(*, payment, allocations):
    """True if `allocations` ([{"invoice": Invoice or id, "amount": …}]) differ from what the payment
    itself pays now (its live allocations made with it, not credit applied later) as a set of
    invoice → amount. None (left out) never differs: it lets the system choose, and it did."""
    if allocations is None:
        return False
    if not isinstance(allocations, (list, tuple)):
        return True  # malformed: payment_reallocate words the error
    own = payment.allocations.filter(origin=AllocationOrigin.PAYMENT)
    # A reversed payment is compared with what it paid until its reversal (a retry of the same record).
    own = (
        own.filter(reversed_on=payment.reversed_on)
        if payment.status == PaymentStatus.REVERSED
        else own.filter(reversed_on__isnull=True)
    )
    current = _allocation_key(own.values_list("invoice_id", "amount"))
    try:
        return _allocation_key(allocations) != current
    except (KeyError, TypeError, ValueError, InvalidOperation):
        return True


@transaction.atomic
def payment_reallocate(*, by, payment, allocations, reason, on=None):
    """Allocate a payment anew (a branch re-sends it with other allocations): its live allocations end
    on `on` with the reason, and `allocations` ([{"invoice", "amount"}], checked as payment_record
    checks them; [] keeps it all as credit) start on `on`. Nothing is deleted, so the receivable as of
    any earlier date stays what it was. `on` defaults to today (or the receipt date, if later).
    Credit applied later from this payment ends too: the new list says what the payment pays.
    Returns False, writing nothing, when the allocations are already these. (`payment.update`)"""
    ensure(by, "payment.update", payment)
    reason = clean_text(reason, field="reason", max_length=200, required=True, label=_("A reason"))
    customer = lock_customer(payment.customer)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.customer_id != customer.pk:
        raise Conflict(_("The payment %(payment)s was changed meanwhile; try again.") % {"payment": payment}, field="payment")
    if not payment_allocations_differ(payment=payment, allocations=allocations):
        return False
    if payment.status == PaymentStatus.REVERSED:
        raise Conflict(
            _("The payment %(payment)s is reversed; its allocations cannot change.") % {"payment": payment},
            field="allocations",
        )
    live = payment.allocations.filter(reversed_on__isnull=True)
    old = list(live.values_list("invoice_id", "allocated_on"))
    earliest = max([payment.received_on, *(allocated_on for _i, allocated_on in old)])
    if on is None:
        on = max(timezone.localdate(), earliest)
    else:
        on = clean_date(on, field="on")
        if on < earliest:
            raise InvalidInput(
                _("The payment's allocations cannot change before %(date)s.") % {"date": earliest.isoformat()}, field="on"
            )
    # Invoices in id order (old and new together), after the customer and the payment: the lock order.
    requested = {
        item["invoice"].pk if isinstance(item.get("invoice"), Invoice) else item.get("invoice")
        for item in allocations
        if isinstance(item, dict)
    }
    ids = sorted({invoice_id for invoice_id, _d in old} | {i for i in requested if isinstance(i, int)})
    list(Invoice.objects.select_for_update().filter(pk__in=ids).order_by("id").values_list("id", flat=True))
    live.update(reversed_on=on, reverse_reason=reason)
    explicit = explicit_allocations(customer=customer, payment_amount=payment.amount, received_on=on, allocations=allocations)
    rows = [Allocation(payment=payment, invoice=invoice, amount=share, allocated_on=on) for invoice, share in explicit]
    Allocation.objects.bulk_create(rows)
    refresh_invoice_status({invoice_id for invoice_id, _d in old} | {row.invoice_id for row in rows})
    open_balances_refresh([customer.pk])
    return True
