"""Invoices: recording one or a batch, correcting and cancelling them, with the credit check."""

import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import insert_audited
from core.dates import due_date_error
from core.errors import Conflict, InvalidInput
from core.money import CENT, ZERO, money
from core.rights import SYSTEM, ensure
from customers.choices import CustomerStatus, InvoiceStatus
from customers.models import Customer, Invoice, InvoiceLine, Product, ProductPrice
from customers.rights import ensure_each
from customers.services.credit import credit_auto_apply
from customers.services.inputs import (
    EXTERNAL_ID_TAKEN,
    MONEY_LIMIT,
    clean_date,
    clean_decimal,
    clean_external_id,
    clean_money,
    clean_text,
)
from customers.services.ledger import lock_customer, open_balances_add, open_balances_refresh
from customers.services.limits import CapGuard, at_limit_action, effective_limit, effective_limits, holds_on
from customers.services.products import product_price_on
from regions.models import StaffProfile


@dataclass
class InvoiceResult:
    """A recorded invoice and what the credit check found."""

    invoice: Invoice
    over_credit_limit: bool
    exposure: Decimal  # the customer's open receivable after this invoice
    credit_limit: Decimal  # the limit that applied: its own plus any exception in force (customers.services.limits)


def _invoice_lines(lines, issue_date, price_on=None):
    if isinstance(lines, (str, bytes, dict)) or not hasattr(lines, "__iter__"):
        raise InvalidInput(_("Lines must be a list."), field="lines")
    result = []
    for number, line in enumerate(lines, start=1):
        if not isinstance(line, dict):
            raise InvalidInput(_("Line %(n)d must be an object with a product and a quantity.") % {"n": number}, field="lines")
        unknown = set(line) - {"product", "quantity", "unit_price"}
        if unknown:
            raise InvalidInput(
                _("Line %(n)d has unknown fields: %(fields)s.") % {"n": number, "fields": ", ".join(sorted(unknown))},
                field="lines",
            )
        product = line.get("product")
        if not isinstance(product, Product):
            raise InvalidInput(_("Line %(n)d needs a product.") % {"n": number}, field="lines")
        quantity = clean_decimal(line.get("quantity"), field="lines", label=_("Line %(n)d: the quantity") % {"n": number})
        if quantity <= 0 or quantity != quantity.quantize(CENT, rounding="ROUND_DOWN") or quantity >= Decimal(10) ** 12:
            raise InvalidInput(
                _("Line %(n)d: the quantity must be greater than zero, with at most two decimals.") % {"n": number}, field="lines"
            )
        if line.get("unit_price") is None:
            unit_price = (price_on or product_price_on)(product=product, on=issue_date)
            if unit_price is None:
                raise InvalidInput(
                    _("Line %(n)d: %(product)s has no list price on %(date)s; give a unit price.")
                    % {"n": number, "product": product.name, "date": issue_date.isoformat()},
                    field="lines",
                )
        else:
            unit_price = clean_money(
                line["unit_price"], field="lines", label=_("Line %(n)d: the unit price") % {"n": number}, allow_zero=True
            )
        amount = money(quantity * unit_price)
        if amount >= MONEY_LIMIT:
            raise InvalidInput(_("Line %(n)d: the amount is too large.") % {"n": number}, field="lines")
        result.append({"product": product, "quantity": quantity, "unit_price": unit_price, "amount": amount})
    if not result:
        raise InvalidInput(_("An invoice with lines needs at least one line."), field="lines")
    return result


def _invoice_input(*, issue_date, due_date, amount=None, lines=None, number="", price_on=None):
    """Check an invoice's own data (no database access but price look-ups); returns the clean values."""
    issue_date = clean_date(issue_date, field="issue_date")
    due_date = clean_date(due_date, field="due_date")
    if error := due_date_error(issue_date, due_date):
        raise InvalidInput(error, field="due_date")
    number = clean_text(number, field="number", max_length=40)
    if lines is not None:
        line_rows = _invoice_lines(lines, issue_date, price_on)
        total = sum((row["amount"] for row in line_rows), ZERO)
        if amount is not None:
            amount = clean_money(amount, field="amount")
            if amount != total:
                raise InvalidInput(
                    _("The amount %(amount)s is not the sum of the lines, %(total)s.") % {"amount": amount, "total": total},
                    field="amount",
                )
        amount = clean_money(total, field="amount")
    else:
        if amount is None:
            raise InvalidInput(_("Give an amount or product lines."), field="amount")
        line_rows = []
        amount = clean_money(amount, field="amount")
    return issue_date, due_date, number, amount, line_rows


def _invoice_party(customer, salesperson):
    """The customer must be active and the salesperson work in its district (default: the customer's)."""
    if customer.status != CustomerStatus.ACTIVE:
        raise InvalidInput(
            _("The customer %(name)s is not active; no new invoices can be recorded.") % {"name": customer.name}, field="customer"
        )
    if salesperson is None:
        return customer.salesperson_id
    if not isinstance(salesperson, StaffProfile) or salesperson.unit_id != customer.district_id:
        raise InvalidInput(_("The salesperson must work in the customer's district office."), field="salesperson")
    return salesperson.pk


# Sales come only through channels under contract (渠道): contracted, active or dormant — the values of
# channels.choices.ChannelState, written out because customers sits below channels and never imports it
# (tests/channels/test_invoice_channel.py checks they are states of a channel).
SELLING_CHANNEL_STATES = frozenset({"contracted", "active", "dormant"})


@functools.cache
def channel_model():
    """The Channel model, found through Invoice's foreign key (customers does not import channels); asked once."""
    return Invoice._meta.get_field("channel").related_model


def channel_states(by, channels, *, checked=False):
    """{channel id: state} of the given channels (instances) that lie in `by`'s scope: one query for a whole batch.

    `checked`: the caller has just read these instances through `by`'s scope, with their state (the bulk API's and
    the file import's look-up of the channels a batch names): their states are taken as read, with no second query.
    An instance read without its state is still asked of the database."""
    model = channel_model()
    states, ids = {}, set()
    for channel in {id(channel): channel for channel in channels}.values():  # each instance once (a batch repeats them)
        if not isinstance(channel, model) or channel.pk is None:
            continue
        if checked and "state" in channel.__dict__:  # loaded, not deferred
            states[channel.pk] = channel.state
        else:
            ids.add(channel.pk)
    ids.difference_update(states)
    if ids:
        queryset = model.objects.unscoped() if by is SYSTEM else model.objects.for_user(by)
        states.update(queryset.filter(pk__any=sorted(ids)).order_by().values_list("pk", "state"))
    return states


def _channel_check(channel, states):
    """The id of the channel a sale came through (None: none named). It must be in the writer's scope (`states`
    holds those, from channel_states) and under contract: a prospect's or a terminated channel's sales are refused."""
    if channel is None:
        return None
    if not isinstance(channel, channel_model()) or channel.pk not in states:
        raise InvalidInput(_("Unknown channel, or one outside your area."), field="channel")
    if states[channel.pk] not in SELLING_CHANNEL_STATES:
        raise InvalidInput(
            _("The channel %(name)s is not under contract: sales come only through contracted, active or dormant channels.")
            % {"name": channel.name},
            field="channel",
        )
    return channel.pk


def _hold_check(customer, holds):
    """A customer on hold (暂停赊销) gets no new invoice, whatever its limit, until the hold is released."""
    if customer.id in holds:
        raise Conflict(
            _("%(name)s is on credit hold (%(reason)s): no new invoices until the hold is released.")
            % {"name": customer.name, "reason": holds[customer.id]},
            field="customer",
            code="credit_hold",
        )


def _cap_check(guard, customer, amount):
    """The exposure caps of the customer's district and province (敞口上限), read under their locked rows: an
    invoice that takes either over its cap is refused, whatever the at-limit action."""
    found = guard.over(customer.district_id, amount)
    if found is not None:
        cap, total = found
        raise Conflict(
            _("This invoice takes %(unit)s over its exposure cap of %(cap)s: its customers would owe %(total)s.")
            % {"unit": cap.name, "cap": f"{cap.cap:,.2f}", "total": f"{total:,.2f}"},
            field="amount",
            code="exposure_cap",
        )


def _credit_check(customer, exposure, limit, action=at_limit_action):
    """Over `limit` (the one that applies today: customers.services.limits), flag or refuse as the credit policy in
    force says (else the CREDIT_LIMIT_POLICY setting); `action` is asked only when over the limit."""
    over = limit > 0 and exposure > limit
    if over and action() == "refuse":
        raise Conflict(
            _("This invoice takes %(name)s over the credit limit of %(limit)s: the open receivable would be %(exposure)s.")
            % {"name": customer.name, "limit": limit, "exposure": exposure},
            field="amount",
            code="credit_limit",
        )
    return over


@transaction.atomic
def invoice_record(
    *, by, customer, issue_date, due_date, amount=None, lines=None, salesperson=None, external_id=None, number="", channel=None
):
    """Record a sale to a customer, by amount or by product lines, and check the customer's credit limit.
    `channel`: the sales channel it came through (in `by`'s scope and under contract), if any.

    Over the limit, the credit policy in force (else the `CREDIT_LIMIT_POLICY` setting) decides: "flag" records the
    invoice marked `over_credit_limit`; "refuse" raises Conflict. The limit is the one that applies today: the customer's own
    plus any credit-limit exception in force (customers.services.limits).
    """
    ensure(by, "invoice.create", customer)
    issue_date, due_date, number, amount, line_rows = _invoice_input(
        issue_date=issue_date, due_date=due_date, amount=amount, lines=lines, number=number
    )
    channel_id = _channel_check(channel, channel_states(by, [channel]))
    customer = lock_customer(customer)
    salesperson_id = _invoice_party(customer, salesperson)
    _hold_check(customer, holds_on([customer.pk]))
    external_id = clean_external_id(external_id, model=Invoice)
    exposure = customer.open_balance + amount  # read under the row lock
    limit = effective_limit(customer)
    over = _credit_check(customer, exposure, limit)
    _cap_check(CapGuard([customer.district_id]), customer, amount)  # the caps' rows locked after the customer's
    open_balances_add({customer.pk: amount})
    invoice = Invoice.objects.create(
        external_id=external_id,
        number=number,
        customer=customer,
        district_id=customer.district_id,
        salesperson_id=salesperson_id,
        channel_id=channel_id,
        issue_date=issue_date,
        due_date=due_date,
        amount=amount,
        over_credit_limit=over,
    )
    InvoiceLine.objects.bulk_create([InvoiceLine(invoice=invoice, **row) for row in line_rows])
    credit_auto_apply(on_by_customer={customer.pk: issue_date})
    return InvoiceResult(invoice=invoice, over_credit_limit=over, exposure=exposure, credit_limit=limit)


class BatchInvalid(InvalidInput):
    """Some records of a batch were refused; `errors` maps each record's index to its DomainError."""

    def __init__(self, errors):
        first = next(iter(errors.values()))
        super().__init__(first.message, field=first.field, code=first.code)
        self.errors = errors


def _price_lookup(records):
    """Price look-ups for a batch from one query over the products its lines name."""
    products = {
        line["product"].pk
        for record in records
        for line in (record.get("lines") or ())
        if isinstance(line, dict) and isinstance(line.get("product"), Product)
    }
    prices = {}
    for row in ProductPrice.objects.filter(product_id__in=products).order_by("product_id", "effective_from"):
        prices.setdefault(row.product_id, []).append((row.effective_from, row.price))

    def price_on(*, product, on):
        found = None
        for effective_from, price in prices.get(product.pk, ()):
            if effective_from > on:
                break
            found = price
        return found

    return price_on


@transaction.atomic
def invoice_record_many(*, by, records, external_ids_checked=False, channels_checked=False):
    """Record a batch of invoices (the branch systems' bulk push) with the same rules as invoice_record,
    in a constant number of queries: customers locked and their exposure read once, invoices, lines and
    their history written in bulk. All or nothing: any refused record raises BatchInvalid naming it.

    `records` are dicts of invoice_record's arguments; credit checks run in the order given, each
    invoice adding to its customer's exposure. `external_ids_checked`: the caller has already looked
    the records' external ids up in this transaction (none is taken); the unique constraint still
    guards against a concurrent writer. `channels_checked`: the records' channels are instances the
    caller has just read through `by`'s scope, with their state (channel_states): only whether each
    is under contract is checked here, from that state, with no query. `invoice.create` is asked of
    every customer of the batch.
    """
    ensure_each(by, "invoice.create", [record["customer"] for record in records])
    price_on = _price_lookup(records)
    # The channels the batch names, in the writer's scope, with their states: one query for the whole batch, or none
    # when the caller has just read them (channels_checked).
    channels = channel_states(
        by, [record["channel"] for record in records if record.get("channel") is not None], checked=channels_checked
    )
    errors, clean = {}, []
    for index, record in enumerate(records):
        try:
            clean.append((index, record, *_invoice_input_fast(record, price_on)))
        except InvalidInput as error:
            errors[index] = error
    customer_ids = sorted({record["customer"].pk for _i, record, *_rest in clean})
    # Locked in id order, the order every posting uses, so concurrent batches cannot deadlock. Plain
    # rows, not instances: only these fields are read.
    customers = {
        row.id: row
        for row in Customer.objects.select_for_update()
        .filter(pk__any=customer_ids)
        .order_by("pk")
        .values_list("id", "name", "status", "district_id", "salesperson_id", "credit_limit", "open_balance", named=True)
    }
    exposure = {pk: customer.open_balance for pk, customer in customers.items()}
    # The limits that apply today (own + exceptions in force), for every customer of the batch in one query.
    limits = effective_limits({pk: customer.credit_limit for pk, customer in customers.items()})
    holds = holds_on(customers)  # customers on hold (暂停赊销): each of their records is refused with the reason
    action = functools.cache(at_limit_action)  # asked once, when a record is first over its limit
    # The exposure caps of the batch's districts and provinces: rows locked (after the customers'), sums read once.
    guard = CapGuard({customer.district_id for customer in customers.values()})
    # Only ids that can be valid are looked up (the others are refused below, by clean_text).
    wanted_ids = [x for _i, r, *_rest in clean if type(x := r.get("external_id")) is str and x and "\x00" not in x]
    taken = set()
    if wanted_ids and not external_ids_checked:
        taken = set(Invoice.objects.filter(external_id__any=wanted_ids).values_list("external_id", flat=True))

    rows, line_rows, checks, checked = [], [], [], {}
    for index, record, issue_date, due_date, number, amount, lines in clean:
        customer = customers[record["customer"].pk]
        try:
            salesperson_id = _invoice_party(customer, record.get("salesperson"))
            channel = record.get("channel")
            if channel is None:
                channel_id = None
            elif (channel_id := checked.get(id(channel))) is None:  # each instance checked once (it is held by its record)
                channel_id = checked[id(channel)] = _channel_check(channel, channels)
            _hold_check(customer, holds)
            external_id = record.get("external_id")
            if not (
                type(external_id) is str
                and len(external_id) <= 64
                and "\x00" not in external_id
                and external_id == external_id.strip()
            ):
                external_id = clean_text(external_id, field="external_id", max_length=64)
            external_id = external_id or None
            if external_id in taken:
                raise Conflict(EXTERNAL_ID_TAKEN, field="external_id")
            over = _credit_check(customer, exposure[customer.id] + amount, limits[customer.id], action)
            _cap_check(guard, customer, amount)
        except (InvalidInput, Conflict) as error:
            errors[index] = error
            continue
        exposure[customer.id] += amount
        if external_id:
            taken.add(external_id)
        rows.append(
            (
                external_id,
                number,
                customer.id,
                customer.district_id,
                salesperson_id,
                channel_id,
                issue_date,
                due_date,
                amount,
                over,
            )
        )
        line_rows.append(lines)
        checks.append((over, exposure[customer.id], limits[customer.id]))
    if errors:
        raise BatchInvalid(dict(sorted(errors.items())))
    ids = insert_audited(Invoice, _BATCH_COLUMNS, rows)
    open_balances_add({pk: exposure[pk] - customer.open_balance for pk, customer in customers.items() if pk in exposure})
    if any(line_rows):
        InvoiceLine.objects.bulk_create(
            [InvoiceLine(invoice_id=pk, **line) for pk, lines in zip(ids, line_rows, strict=True) for line in lines]
        )
    if settings.CREDIT_AUTO_APPLY:
        on_by_customer = {}
        for row in rows:  # (…, customer_id, …, issue_date, …): the latest new invoice of each customer
            on_by_customer[row[2]] = max(row[6], on_by_customer.get(row[2], row[6]))
        credit_auto_apply(on_by_customer=on_by_customer)
    return [
        BatchInvoiceResult(row=row, id=pk, over_credit_limit=over, exposure=exposure_after, credit_limit=limit)
        for row, pk, (over, exposure_after, limit) in zip(rows, ids, checks, strict=True)
    ]


_BATCH_COLUMNS = (
    "external_id",
    "number",
    "customer_id",
    "district_id",
    "salesperson_id",
    "channel_id",
    "issue_date",
    "due_date",
    "amount",
    "over_credit_limit",
)


class BatchInvoiceResult:
    """An invoice recorded by invoice_record_many: its id and the credit check's findings; the Invoice
    itself is built only when asked for (most callers need the id)."""

    __slots__ = ("_row", "id", "over_credit_limit", "exposure", "credit_limit", "_invoice")

    def __init__(self, *, row, id, over_credit_limit, exposure, credit_limit):
        self._row, self.id, self._invoice = row, id, None
        self.over_credit_limit, self.exposure, self.credit_limit = over_credit_limit, exposure, credit_limit

    @property
    def invoice(self):
        if self._invoice is None:
            self._invoice = Invoice.objects.get(pk=self.id)
        return self._invoice


def _invoice_input_fast(record, price_on):
    """_invoice_input for a batch record; the common record (dates as dates, a Decimal amount with
    cents, no lines) is checked without the general path's conversions."""
    issue_date, due_date, amount = record.get("issue_date"), record.get("due_date"), record.get("amount")
    number = record.get("number", "")
    if (
        record.get("lines") is None
        and type(issue_date) is datetime.date
        and type(due_date) is datetime.date
        and type(amount) is Decimal
        and type(number) is str
        and amount.is_finite()
        and ZERO < amount < MONEY_LIMIT
        and amount.same_quantum(CENT)  # exactly two decimals
        and not due_date_error(issue_date, due_date)
        and len(number) <= 40
        and "\x00" not in number
        and number == number.strip()
    ):
        return issue_date, due_date, number, amount, []
    return _invoice_input(
        issue_date=issue_date,
        due_date=due_date,
        amount=amount,
        lines=record.get("lines"),
        number=number,
        price_on=price_on,
    )


_UNCHANGED = object()


def _lock_invoice_and_customers(invoice, new_customer=None):
    """Lock the invoice's customer (and the customer it moves to), then the invoice: customers before
    invoices, in id order, the order every posting takes its locks in, so two postings cannot deadlock."""
    customer_id = Invoice.objects.filter(pk=invoice.pk).values_list("customer_id", flat=True).get()
    ids = {customer_id} | ({new_customer.pk} if new_customer is not None else set())
    list(Customer.objects.select_for_update().filter(pk__in=sorted(ids)).order_by("pk").values_list("pk", flat=True))
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.customer_id != customer_id:
        raise Conflict(_("The invoice %(invoice)s was changed meanwhile; try again.") % {"invoice": locked}, field="invoice")
    return locked


@transaction.atomic
def invoice_update(
    *,
    by,
    invoice,
    customer=None,
    issue_date=None,
    due_date=None,
    amount=None,
    lines=None,
    salesperson=_UNCHANGED,
    number=None,
    channel=_UNCHANGED,
):
    """Correct a recorded invoice (a branch system re-sends it with other data). Only what is given
    changes. Once payments are allocated to it, its customer, dates of issue, amount and lines are fixed
    (the allocations were made against them): only the number, due date, salesperson and channel may change.
    `channel=None` says the sale came through no channel; a channel named is checked as in invoice_record.
    Returns True if anything changed. Moving it to another customer is recording it for that one too."""
    ensure(by, "invoice.update", invoice)
    if customer is not None and customer.pk != invoice.customer_id:
        ensure(by, "invoice.create", customer)
    channel_id = _UNCHANGED
    if channel is not _UNCHANGED:
        # A channel kept as it is is not asked again (it may have been terminated since the sale).
        unchanged = channel is not None and getattr(channel, "pk", None) == invoice.channel_id
        channel_id = invoice.channel_id if unchanged else _channel_check(channel, channel_states(by, [channel]))
    invoice = _lock_invoice_and_customers(invoice, customer)
    if invoice.status == InvoiceStatus.CANCELLED:
        raise Conflict(_("The invoice %(invoice)s is cancelled and cannot change.") % {"invoice": invoice}, field="invoice")
    customer = invoice.customer if customer is None else customer
    issue_date = invoice.issue_date if issue_date is None else issue_date
    due_date = invoice.due_date if due_date is None else due_date
    number = invoice.number if number is None else number
    if lines is None and amount is None:
        amount = invoice.amount
    issue_date, due_date, number, amount, line_rows = _invoice_input(
        issue_date=issue_date, due_date=due_date, amount=amount, lines=lines, number=number
    )
    fixed_changed = (
        customer.pk != invoice.customer_id or issue_date != invoice.issue_date or amount != invoice.amount or lines is not None
    )
    # Reversed allocations count too: "as of" a day between their allocation and their reversal they still
    # paid this invoice, so a lower amount or another customer would rewrite that day's ageing (an invoice
    # paid beyond its amount). Found by the ledger property test (tests/customers/test_ageing.py).
    if fixed_changed and invoice.allocations.exists():
        raise Conflict(
            _(
                "Payments are or were allocated to the invoice %(invoice)s, so its customer, issue date, amount "
                "and lines cannot change; cancel it and record a new invoice."
            )
            % {"invoice": invoice},
            field="amount",
        )
    locked = lock_customer(customer)
    salesperson_id = (
        (invoice.salesperson_id if customer.pk == invoice.customer_id else locked.salesperson_id)
        if salesperson is _UNCHANGED
        else _invoice_party(locked, salesperson)
    )
    if customer.pk != invoice.customer_id:
        _invoice_party(locked, None)  # the new customer must be active
        _hold_check(locked, holds_on([locked.pk]))  # and not on hold: moving an invoice to it is a new one for it
    over = invoice.over_credit_limit
    if customer.pk != invoice.customer_id or amount != invoice.amount:
        exposure = locked.open_balance + amount - (invoice.amount if customer.pk == invoice.customer_id else ZERO)
        over = _credit_check(locked, exposure, effective_limit(locked))
        # More owed in the district (and its province): their caps are asked. A move between two districts of one
        # province counts the whole amount there (the cautious side).
        added = amount - (invoice.amount if locked.district_id == invoice.district_id else ZERO)
        if added > 0:
            _cap_check(CapGuard([locked.district_id]), locked, added)
    changes = {
        "customer_id": locked.pk,
        "district_id": locked.district_id,
        "salesperson_id": salesperson_id,
        "issue_date": issue_date,
        "due_date": due_date,
        "number": number,
        "amount": amount,
        "over_credit_limit": over,
    }
    if channel_id is not _UNCHANGED:
        changes["channel_id"] = channel_id
    changed = [name for name, value in changes.items() if getattr(invoice, name) != value]
    if lines is not None:
        current = [(line.product_id, line.quantity, line.unit_price) for line in invoice.lines.all()]
        if current != [(row["product"].pk, row["quantity"], row["unit_price"]) for row in line_rows]:
            invoice.lines.all().delete()
            InvoiceLine.objects.bulk_create([InvoiceLine(invoice=invoice, **row) for row in line_rows])
            changed.append("lines")
    old_customer_id = invoice.customer_id
    for name in changed:
        if name != "lines":
            setattr(invoice, name, changes[name])
    if set(changed) - {"lines"}:
        invoice.save()
    if "amount" in changed or "customer_id" in changed:
        open_balances_refresh({old_customer_id, locked.pk})
    return bool(changed)


@transaction.atomic
def invoice_cancel(*, by, invoice, reason, on=None):
    """Cancel an invoice with a reason (invoices are never deleted). Refused while payments are
    allocated to it: reverse those payments first."""
    ensure(by, "invoice.cancel", invoice)
    reason = clean_text(reason, field="reason", max_length=200, required=True, label=_("A reason"))
    on = clean_date(on, field="on") if on is not None else timezone.localdate()
    invoice = _lock_invoice_and_customers(invoice)
    if invoice.status == InvoiceStatus.CANCELLED:
        raise Conflict(_("The invoice %(invoice)s is already cancelled.") % {"invoice": invoice}, field="invoice")
    if invoice.allocations.filter(reversed_on__isnull=True).exists():
        raise Conflict(
            _("Payments are allocated to the invoice %(invoice)s; reverse them before cancelling it.") % {"invoice": invoice},
            field="invoice",
        )
    if on < invoice.issue_date:
        raise InvalidInput(_("An invoice cannot be cancelled before it was issued."), field="on")
    last_reversal = invoice.allocations.order_by("-reversed_on").values_list("reversed_on", flat=True).first()
    if last_reversal is not None and on < last_reversal:
        # Otherwise, between the two dates, a payment would count against an invoice that no longer does.
        raise InvalidInput(
            _("The invoice had a payment allocated until %(date)s; it cannot be cancelled before that date.")
            % {"date": last_reversal.isoformat()},
            field="on",
        )
    invoice.status = InvoiceStatus.CANCELLED
    invoice.cancelled_on = on
    invoice.cancel_reason = reason
    invoice.save(update_fields=["status", "cancelled_on", "cancel_reason"])
    open_balances_refresh([invoice.customer_id])
    return invoice
