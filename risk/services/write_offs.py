"""Write-offs of bad debt (坏账核销), their reversals and recoveries (坏账收回), through the one approval mechanism
(issue 16).

A customer's salesperson or a manager above its district proposes a write-off: which invoices, how much of each
(at most what is open of it, and not what another proposal still on its way claims), why, how the debt was
chased so far, with an attachment. Submitted (ApprovalKind.BAD_DEBT), the chain climbs from the customer's
district — the province, the region, the Development Center's pool — and on to the director above
`DIRECTOR_ABOVE` (`chain_levels`). Approved, it is posted in the ledger that day (customers.services.writeoffs):
the debt leaves the ageing from then on and stands in the bad-debt register; the ageing as of any earlier day
still shows it.

A write-off can be reversed through a second approval (ApprovalKind.WRITE_OFF_REVERSAL: the region, then the
center): the postings end on the day it is approved and the invoices are open again. Money that still comes in
on written-off debt is recorded as a recovery: against the customer's write-offs oldest first, never more than
they closed, reported apart from collections; a write-off with recoveries is not reversed (the money would
then be a payment: record it as one instead).

Every write takes the actor (`by=`) and asks its right (risk/rights.py) first; the customer's row is locked
while a proposal's amounts are checked against the ledger and the other proposals.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.choices import ApprovalKind
from approvals.selectors import latest_request
from approvals.services import request_submit, request_withdraw
from core.errors import Conflict, InvalidInput
from core.files import DOCUMENTS, clean_upload
from core.money import ZERO, parse_money
from core.rights import SYSTEM, ensure
from customers.models import Customer, Invoice
from customers.services.inputs import clean_date
from customers.services.ledger import invoice_balances
from customers.services.writeoffs import write_off_check, write_off_post, write_off_unpost
from risk.choices import WRITE_OFF_EDITABLE_STATES, WRITE_OFF_PENDING_STATES, WriteOffReversalState, WriteOffState
from risk.models import Recovery, WriteOff, WriteOffLine, WriteOffReversal
from risk.services.credit_exceptions import customer_grade
from risk.services.warnings import clean_text

REASON_MAX = 2000
HISTORY_MAX = 8000
REFERENCE_MAX = 100
# A proposal names at most this many invoices (a customer's whole bad debt fits; more is a typing error).
LINES_MAX = 500
# Above this total the director decides last (below it the Development Center's pool does).
DIRECTOR_ABOVE = Decimal("100000.00")
ATTACHMENT_KINDS = DOCUMENTS


def chain_levels(total):
    """How many deciders above the customer's district decide a write-off of `total`: the province's, the
    region's and the center's pool (3); the director too (4) above DIRECTOR_ABOVE."""
    return 4 if total > DIRECTOR_ABOVE else 3


# --- input --------------------------------------------------------------------------------------------------------
def clean_lines(lines):
    """[(invoice id, amount)] from [{"invoice": Invoice or id, "amount": …}]; refused on the field `lines`."""
    if isinstance(lines, (str, bytes, dict)) or not hasattr(lines, "__iter__"):
        raise InvalidInput(_("The lines must be a list of invoices and amounts."), field="lines")
    lines = list(lines)
    if not lines:
        raise InvalidInput(_("Name at least one invoice to write off."), field="lines")
    if len(lines) > LINES_MAX:
        raise InvalidInput(_("A write-off names at most %(max)d invoices.") % {"max": LINES_MAX}, field="lines")
    result = []
    for n, item in enumerate(lines, start=1):
        if not isinstance(item, dict) or set(item) - {"invoice", "amount"} or "invoice" not in item:
            raise InvalidInput(_("Line %(n)d must name an invoice and an amount.") % {"n": n}, field="lines")
        invoice = item["invoice"]
        invoice_id = invoice.pk if isinstance(invoice, Invoice) else invoice
        if not isinstance(invoice_id, int) or isinstance(invoice_id, bool) or not 0 < invoice_id < 2**63:
            raise InvalidInput(_("Line %(n)d: unknown invoice.") % {"n": n}, field="lines")
        amount = parse_money(item.get("amount"), field="lines", label=_("Line %(n)d: the amount") % {"n": n}, positive=True)
        result.append((invoice_id, amount))
    return result


def clean_attachment(upload):
    """An uploaded file (or None): a document or picture by its content (core/files.py), at most UPLOAD_MAX_BYTES."""
    return clean_upload(upload, field="attachment", kinds=ATTACHMENT_KINDS, label=_("The attachment"))


def _texts(reason, collection_history):
    return {
        "reason": clean_text(reason, field="reason", label=_("The reason"), max_length=REASON_MAX),
        "collection_history": clean_text(
            collection_history,
            field="collection_history",
            label=_("The collection history"),
            max_length=HISTORY_MAX,
            required=False,
        ),
    }


def _lock_customer(customer):
    return Customer.objects.select_for_update().select_related("district").get(pk=customer.pk)


def _reserved(customer, *, exclude=None):
    """{invoice id: amount} claimed by the customer's other proposals still on their way."""
    rows = WriteOffLine.objects.filter(write_off__customer_id=customer.pk, write_off__state__in=WRITE_OFF_PENDING_STATES)
    if exclude is not None:
        rows = rows.exclude(write_off_id=exclude.pk)
    return dict(rows.order_by().values_list("invoice_id").annotate(total=Sum("amount")))


def _check(customer, lines, today, *, exclude=None):
    """The lines checked against the ledger from `today` and against the other proposals; returns their total."""
    checked = write_off_check(customer=customer, lines=lines, on=today)
    reserved = _reserved(customer, exclude=exclude)
    balances = invoice_balances([invoice.pk for invoice, _a in checked], today)
    for invoice, amount in checked:
        if reserved.get(invoice.pk) and amount + reserved[invoice.pk] > balances[invoice.pk]:
            raise Conflict(
                _(
                    "Another write-off still on its way claims %(claimed)s of the invoice %(invoice)s; together they exceed what is open."
                )
                % {"claimed": f"{reserved[invoice.pk]:,.2f}", "invoice": invoice},
                field="lines",
            )
    return sum((amount for _i, amount in checked), ZERO)


def _write_lines(write_off, lines):
    write_off.lines.all().delete()
    WriteOffLine.objects.bulk_create([WriteOffLine(write_off=write_off, invoice_id=pk, amount=amount) for pk, amount in lines])


def _lock(write_off):
    return WriteOff.objects.select_for_update(of=("self",)).select_related("customer", "unit").get(pk=write_off.pk)


def _require_editable(write_off):
    if write_off.state not in WRITE_OFF_EDITABLE_STATES:
        raise Conflict(
            _("Only a draft or returned write-off can be changed or submitted; this one is %(state)s.")
            % {"state": write_off.get_state_display()},
            field="state",
        )


# --- drafting -----------------------------------------------------------------------------------------------------
@transaction.atomic
def write_off_propose(*, by, customer, lines, reason, collection_history="", attachment=None, today=None):
    """Draft a write-off of `customer`'s debt: `lines` [{"invoice", "amount"}]. Refused on its field: no lines,
    an invoice of another customer (or cancelled, or issued later), an amount not above zero or above what is
    open of the invoice (with what other proposals on their way claim), no reason."""
    if not isinstance(customer, Customer):
        raise InvalidInput(_("Choose a customer."), field="customer")
    ensure(by, "write_off.propose", customer)
    today = today or timezone.localdate()
    texts = _texts(reason, collection_history)
    cleaned = clean_lines(lines)
    attachment = clean_attachment(attachment)
    customer = _lock_customer(customer)
    total = _check(customer, cleaned, today)
    write_off = WriteOff.objects.create(
        customer=customer,
        unit_id=customer.district_id,
        owner_id=customer.salesperson_id,
        total=total,
        requested_by=None if by is SYSTEM else by,
        **texts,
    )
    if attachment is not None:
        write_off.attachment.save(attachment.name, attachment, save=True)
    _write_lines(write_off, cleaned)
    return write_off


@transaction.atomic
def write_off_update(*, by, write_off, lines, reason, collection_history="", attachment=None, today=None):
    """Change a draft or returned write-off (a returned one is a draft again); the customer stays."""
    write_off = _lock(write_off)
    ensure(by, "write_off.edit", write_off)
    _require_editable(write_off)
    today = today or timezone.localdate()
    texts = _texts(reason, collection_history)
    cleaned = clean_lines(lines)
    attachment = clean_attachment(attachment)
    customer = _lock_customer(write_off.customer)
    write_off.total = _check(customer, cleaned, today, exclude=write_off)
    for key, value in texts.items():
        setattr(write_off, key, value)
    write_off.state = WriteOffState.DRAFT
    write_off.save()
    if attachment is not None:
        write_off.attachment.save(attachment.name, attachment, save=True)
    _write_lines(write_off, cleaned)
    return write_off


# --- the approval -------------------------------------------------------------------------------------------------
def write_off_snapshot(*, write_off):
    """What the deciders see, frozen at submission: the customer, each invoice with what was open of it, the
    reason and the collection history."""
    customer = write_off.customer
    lines = list(write_off.lines.select_related("invoice").order_by("invoice__due_date", "invoice_id"))
    return {
        "customer": customer.pk,
        "customer_name": customer.name,
        "grade": write_off.grade,
        "open_balance": str(customer.open_balance),
        "total": str(write_off.total),
        "lines": [
            {
                "invoice": line.invoice_id,
                "number": str(line.invoice),
                "issue_date": line.invoice.issue_date.isoformat(),
                "due_date": line.invoice.due_date.isoformat(),
                "invoice_amount": str(line.invoice.amount),
                "open": str(line.invoice.amount - line.invoice.allocated),
                "amount": str(line.amount),
            }
            for line in lines
        ],
        "reason": write_off.reason,
        "collection_history": write_off.collection_history,
    }


@transaction.atomic
def write_off_submit(*, by, write_off, today=None):
    """Submit a draft or returned write-off to its chain (up to the director above DIRECTOR_ABOVE). Its lines are
    checked again against the ledger (a payment may have come in since it was drafted)."""
    write_off = _lock(write_off)
    ensure(by, "write_off.edit", write_off)
    _require_editable(write_off)
    today = today or timezone.localdate()
    customer = _lock_customer(write_off.customer)
    lines = list(write_off.lines.order_by("id").values_list("invoice_id", "amount"))
    _check(customer, lines, today, exclude=write_off)
    write_off.grade = customer_grade(customer)
    request = request_submit(
        subject=write_off,
        kind=ApprovalKind.BAD_DEBT,
        unit=write_off.unit,
        title=_("Bad-debt write-off: %(name)s %(amount)s") % {"name": customer.name, "amount": f"{write_off.total:,.2f}"},
        by=by,
        snapshot=write_off_snapshot(write_off=write_off),
        amount=write_off.total,
        levels=chain_levels(write_off.total),
    )
    write_off.state = WriteOffState.SUBMITTED
    write_off.submitted_at = request.submitted_at
    write_off.save(update_fields=["state", "grade", "submitted_at", "updated_at"])
    return request


@transaction.atomic
def write_off_withdraw(*, by, write_off):
    """Drop a write-off not decided yet: a draft or returned one at once, a submitted one through approvals."""
    write_off = _lock(write_off)
    ensure(by, "write_off.edit", write_off)
    if write_off.state == WriteOffState.SUBMITTED:
        request_withdraw(request=latest_request(write_off), by=by)  # approvals sets the state (WITHDRAWN)
        write_off.refresh_from_db()
        return write_off
    _require_editable(write_off)
    write_off.state = WriteOffState.WITHDRAWN
    write_off.save(update_fields=["state", "updated_at"])
    return write_off


def write_off_on_approved(*, write_off, today=None):
    """The approval hook, inside the decision's transaction: post the lines in the ledger today. If a line no
    longer fits (the invoice was paid since), the posting refuses with the invoice and the decision with it —
    the reviewer returns the proposal instead."""
    today = today or timezone.localdate()
    lines = list(write_off.lines.order_by("id"))
    allocations = write_off_post(
        by=SYSTEM, customer=write_off.customer, lines=[(line.invoice_id, line.amount) for line in lines], on=today
    )
    for line, allocation in zip(lines, allocations, strict=True):
        line.allocation = allocation
    WriteOffLine.objects.bulk_update(lines, ["allocation"])
    write_off.written_off_on = today
    write_off.save(update_fields=["written_off_on", "updated_at"])


# --- reversal -----------------------------------------------------------------------------------------------------
def _lock_reversal(reversal):
    return WriteOffReversal.objects.select_for_update(of=("self",)).select_related("write_off__customer").get(pk=reversal.pk)


@transaction.atomic
def write_off_reversal_request(*, by, write_off, reason):
    """Ask for an approved write-off to be reversed, and submit the request (the region, then the center).
    Refused: a write-off not in force, one with recoveries, a reversal already on its way, no reason."""
    write_off = _lock(write_off)
    ensure(by, "write_off.reverse", write_off)
    reason = clean_text(reason, field="reason", label=_("The reason"), max_length=REASON_MAX)
    if write_off.state != WriteOffState.APPROVED:
        raise Conflict(
            _("Only a write-off in force can be reversed; this one is %(state)s.") % {"state": write_off.get_state_display()},
            field="state",
        )
    if write_off.recoveries.exists():
        raise Conflict(
            _("Money was recovered on this write-off; it cannot be reversed (record later money as a payment)."),
            field="write_off",
        )
    waiting = (WriteOffReversalState.DRAFT, WriteOffReversalState.SUBMITTED, WriteOffReversalState.RETURNED)
    if write_off.reversals.filter(state__in=waiting).exists():
        raise Conflict(_("A reversal of this write-off is already on its way."), field="write_off")
    reversal = WriteOffReversal.objects.create(
        write_off=write_off,
        unit_id=write_off.unit_id,
        owner_id=write_off.owner_id,
        reason=reason,
        requested_by=None if by is SYSTEM else by,
    )
    _reversal_submit(by, reversal)
    return reversal


def _reversal_submit(by, reversal):
    write_off = reversal.write_off
    request = request_submit(
        subject=reversal,
        kind=ApprovalKind.WRITE_OFF_REVERSAL,
        unit=reversal.unit,
        title=_("Reverse the write-off: %(name)s %(amount)s")
        % {"name": write_off.customer.name, "amount": f"{write_off.total:,.2f}"},
        by=by,
        snapshot=write_off_reversal_snapshot(reversal=reversal),
        amount=write_off.total,
    )
    reversal.state = WriteOffReversalState.SUBMITTED
    reversal.submitted_at = request.submitted_at
    reversal.save(update_fields=["state", "submitted_at", "updated_at"])
    return request


@transaction.atomic
def write_off_reversal_resubmit(*, by, reversal, reason):
    """Submit a returned reversal again, with its reason reworded."""
    reversal = _lock_reversal(reversal)
    ensure(by, "write_off.reverse", reversal.write_off)
    if reversal.state not in (WriteOffReversalState.DRAFT, WriteOffReversalState.RETURNED):
        raise Conflict(_("Only a returned reversal can be submitted again."), field="state")
    reversal.reason = clean_text(reason, field="reason", label=_("The reason"), max_length=REASON_MAX)
    reversal.save(update_fields=["reason", "updated_at"])
    return _reversal_submit(by, reversal)


def write_off_reversal_snapshot(*, reversal):
    write_off = reversal.write_off
    return {
        "write_off": write_off.pk,
        "customer": write_off.customer_id,
        "customer_name": write_off.customer.name,
        "total": str(write_off.total),
        "written_off_on": write_off.written_off_on.isoformat() if write_off.written_off_on else None,
        "reason": reversal.reason,
    }


def write_off_reversal_on_approved(*, reversal, today=None):
    """The approval hook: the write-off's postings end today and its invoices are open again."""
    today = today or timezone.localdate()
    write_off = WriteOff.objects.select_for_update(of=("self",)).select_related("customer").get(pk=reversal.write_off_id)
    if write_off.state != WriteOffState.APPROVED:
        raise Conflict(_("This write-off is not in force any more."), field="write_off")
    if write_off.recoveries.exists():
        raise Conflict(
            _("Money was recovered on this write-off; it cannot be reversed (record later money as a payment)."),
            field="write_off",
        )
    allocation_ids = list(write_off.lines.exclude(allocation=None).values_list("allocation_id", flat=True))
    write_off_unpost(
        by=SYSTEM,
        customer=write_off.customer,
        allocation_ids=allocation_ids,
        on=max(today, write_off.written_off_on or today),
        reason=_("Write-off reversed"),
    )
    write_off.state = WriteOffState.REVERSED
    write_off.reversed_on = max(today, write_off.written_off_on or today)
    write_off.save(update_fields=["state", "reversed_on", "updated_at"])
    reversal.reversed_on = write_off.reversed_on
    reversal.save(update_fields=["reversed_on", "updated_at"])


# --- recoveries ---------------------------------------------------------------------------------------------------
def recoverable(customer, *, on=None):
    """[(write-off, what is still recoverable of it)] of `customer`, oldest first: write-offs in force (posted on
    or before `on` when given) less what was recovered on them."""
    write_offs = WriteOff.objects.unscoped().filter(customer_id=customer.pk, state=WriteOffState.APPROVED)
    if on is not None:
        write_offs = write_offs.filter(written_off_on__lte=on)
    write_offs = list(write_offs.annotate(recovered=Sum("recoveries__amount")).order_by("written_off_on", "id"))
    return [(w, w.total - (w.recovered or ZERO)) for w in write_offs if w.total - (w.recovered or ZERO) > 0]


@transaction.atomic
def recovery_record(*, by, customer, amount, received_on, reference="", note="", today=None):
    """Record money received on `customer`'s written-off debt, against its write-offs in force oldest first
    (one recovery per write-off it reaches). Refused: a customer with no written-off debt left to recover by
    that day, an amount above it or not above zero, a day in the future."""
    if not isinstance(customer, Customer):
        raise InvalidInput(_("Choose a customer."), field="customer")
    ensure(by, "write_off.recover", customer)
    today = today or timezone.localdate()
    amount = parse_money(amount, field="amount", label=_("The amount recovered"), positive=True)
    received_on = clean_date(received_on, field="received_on")
    if received_on > today:
        raise InvalidInput(_("Money cannot be received in the future."), field="received_on")
    reference = clean_text(reference, field="reference", label=_("The reference"), max_length=REFERENCE_MAX, required=False)
    note = clean_text(note, field="note", label=_("The note"), max_length=REASON_MAX, required=False)
    customer = _lock_customer(customer)
    open_items = recoverable(customer, on=received_on)
    if not open_items:
        raise InvalidInput(
            _("%(name)s has no written-off debt to recover (as of %(day)s).")
            % {"name": customer.name, "day": received_on.isoformat()},
            field="customer",
        )
    left = sum((remaining for _w, remaining in open_items), ZERO)
    if amount > left:
        raise InvalidInput(
            _("Only %(left)s of %(name)s's written-off debt is left to recover.")
            % {"left": f"{left:,.2f}", "name": customer.name},
            field="amount",
        )
    rows, rest = [], amount
    for write_off, remaining in open_items:
        if rest <= 0:
            break
        share = min(rest, remaining)
        rows.append(
            Recovery(
                write_off=write_off,
                customer=customer,
                unit_id=write_off.unit_id,
                owner_id=write_off.owner_id,
                amount=share,
                received_on=received_on,
                reference=reference,
                note=note,
                recorded_by=None if by is SYSTEM else by,
            )
        )
        rest -= share
    return Recovery.objects.bulk_create(rows)
