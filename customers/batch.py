"""The ledger's batch pipeline, with two front ends: the API's bulk upserts (customers/api/bulk.py) and the
file import in the browser (customers/imports.py).

A batch is a list of records of one kind — customers, invoices or payments — each keyed by its sender's
external id, and it goes through the same passes whichever door it came in by:

1. **shape**: each record's own fields are checked — the front end's part, since it knows what it reads
   (a serializer for JSON, the cells of a sheet) and how to word a problem;
2. **references in scope**: district codes, employee numbers, customer and invoice numbers… resolve only
   inside the sender's part of the organisation, one query per kind of reference (`in_scope`), so a batch
   cannot reach another branch's records; a miss is the row's error;
3. **what exists**: the records already holding the batch's external ids, in one query
   (`Batch.match_existing`); inside the scope a record is updated (or left unchanged), outside it the id
   "cannot be used" — external ids are unique company-wide, and a refusal never says whose it is;
4. **write all or nothing**: every row through the services as the sender (`Batch.write`), in the
   caller's transaction — new invoices in chunks through `invoice_record_many` (a constant number of
   queries per chunk), the others one by one. A service's refusal is the row's error; the caller rolls
   the whole batch back if any row has one.

The front ends differ only where their callers do: what they read, how a row's error is addressed (by
field for the API, by row and column for a file), whether every error is reported (the API: each row in
a savepoint) or the first one ends the batch (a file, checked in full before its commit), and whether a
fact sent again updates the record (the API) or must be the very same (a file).
"""

from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import ClassVar

from django.db import connection, transaction
from django.db.models import Prefetch, Q, signals
from django.db.models.base import ModelState
from django.utils.translation import gettext as _

from core.errors import DomainError
from customers import services
from customers.choices import InvoiceStatus, PaymentStatus
from customers.models import Contact, Customer, ImportKind, Invoice, Payment
from customers.rights import new_customer_salesperson

# Rows per call of the batch service: customers are locked and their exposure read once per call.
INVOICE_BATCH = 20_000
# Values per look-up where a long list is one parameter each (not on PostgreSQL: `__any` is one array).
LOOKUP_CHUNK = 5000
CONTACT_FIELDS = ("name", "title", "phone", "email", "is_primary")
# What a batch reads of the channels its invoices name: the key, the sender's id for it, and what the service's
# check and its refusals read (the state, the name).
CHANNEL_FIELDS = ("id", "external_id", "name", "state", "unit_id")


@dataclass
class Row:
    """One record of a batch. `data` holds its values in the services' words once its references are
    resolved (`customer`, `district`, `salesperson` are objects); `errors` maps a field to messages."""

    index: int  # the record's position in the request, or its row number in the sheet
    data: dict = field(default_factory=dict)
    external_id: str | None = None
    existing: object = None  # the record holding this external id, inside the sender's scope
    action: str = "create"  # create, update or unchanged (a front end may decide "unchanged" beforehand)
    result: str = ""  # what the write did: created, updated or unchanged
    id: int | None = None
    errors: dict = field(default_factory=dict)

    non_field: ClassVar[str | None] = None  # the key of an error that names no field

    def error(self, field_name, message):
        self.errors.setdefault(field_name or self.non_field, []).append(str(message))


# ------------------------------------------------------------------------------------------ look-ups


def _chunks(values):
    values = list(values)
    if connection.vendor == "postgresql" or len(values) <= LOOKUP_CHUNK:
        return [values] if values else []
    return [values[start : start + LOOKUP_CHUNK] for start in range(0, len(values), LOOKUP_CHUNK)]


def in_scope(queryset, user, *, ids=(), slugs=(), slug_field=None, fields=None):
    """({pk: obj}, {slug: obj}) of the rows of `queryset` inside `user`'s scope whose id is in `ids` or
    whose `slug_field` is in `slugs`: one query (a company-wide model, without `for_user`, is read whole).
    Ids and slugs must be of the field's type (validated ints and strings). `fields` (attnames, the key and
    the slug among them): only these are read, into light instances (`light_instances`)."""
    ids, slugs = list(ids), list(slugs)
    if not ids and not slugs:
        return {}, {}
    if hasattr(queryset, "for_user"):
        queryset = queryset.for_user(user)
    condition = Q(pk__any=ids)
    if slugs:
        condition |= Q(**{f"{slug_field}__any": slugs})
    if fields:
        found = light_instances(queryset.model, fields, queryset.filter(condition).order_by().values_list(*fields))
    else:
        found = list(queryset.filter(condition))
    return {obj.pk: obj for obj in found}, {getattr(obj, slug_field): obj for obj in found} if slug_field else {}


def light_instances(model, fields, rows):
    """Instances of `model` from `rows` (tuples of the `fields` attnames, the primary key among them), as a saved
    record read with `only(*fields)` would be — the other fields deferred, read on first use —, but built without
    Model.__init__: a batch names hundreds of reference records (the channels of a bulk request), and Django
    builds each in about 10 µs, which a batch of 1,000 invoices would pay on every request. A model with
    pre_init/post_init receivers is built the ordinary way (from_db), so they run."""
    attnames = [f.attname for f in model._meta.concrete_fields]
    if model._meta.pk.attname not in fields or not set(fields) <= set(attnames):
        raise ValueError(
            f"light_instances takes attnames of {model.__name__}'s columns, its key ({model._meta.pk.attname}) among them"
        )
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        # from_db takes the values in the order of the model's fields.
        order = [name for name in attnames if name in fields]
        at = [fields.index(name) for name in order]
        return [model.from_db(connection.alias, order, [row[i] for i in at]) for row in rows]
    found, new, alias = [], model.__new__, connection.alias
    for row in rows:
        obj = new(model)
        obj.__dict__.update(zip(fields, row, strict=True))
        state = obj._state = ModelState()
        state.adding, state.db = False, alias
        found.append(obj)
    return found


def by_external_id(queryset, external_ids):
    """{external id: record} of the records of `queryset` holding these external ids, whoever's they are."""
    found = {}
    for chunk in _chunks(external_ids):
        found.update({obj.external_id: obj for obj in queryset.filter(external_id__any=chunk)})
    return found


# ------------------------------------------------------------------------------------------ writing


class Batch:
    """The passes of a batch that belong to its kind: what exists, and the writes through the services."""

    kind = None
    model = None

    def __init__(self, *, by):
        self.by = by

    @staticmethod
    def for_kind(kind, *, by):
        return BATCHES[kind](by=by)

    def existing_queryset(self, rows):
        """Where the records holding the rows' external ids are looked for (with what their update reads)."""
        return self.model.objects.select_related("district")

    def match_existing(self, rows):
        """Give each row (with an external id and no error yet) the record holding its external id: inside
        `by`'s scope the row updates it; outside, the row's error says the id cannot be used."""
        rows = [row for row in rows if row.external_id and not row.errors]
        existing = by_external_id(self.existing_queryset(rows), [row.external_id for row in rows])
        if not existing:
            return  # all new: nothing to check against the scope
        visible = set(
            self.model.objects.for_user(self.by)
            .filter(pk__any=[obj.pk for obj in existing.values()])
            .values_list("pk", flat=True)
        )
        for row in rows:
            obj = existing.get(row.external_id)
            if obj is None:
                continue
            if obj.pk not in visible:
                row.error("external_id", services.EXTERNAL_ID_TAKEN)
            else:
                row.existing, row.action = obj, "update"

    def write(self, rows, *, stop_at_first=False):
        """Write the rows without errors through the services as `by`, in the caller's transaction; a
        refusal becomes the row's error. `stop_at_first`: the first refusal ends the writing (the caller
        rolls back); otherwise every row is tried, each in its own savepoint, so all errors are known."""
        for row in rows:
            if not row.errors and not self.write_one(row, stop_at_first=stop_at_first) and stop_at_first:
                return

    def write_one(self, row, *, stop_at_first=False):
        """Create, update or leave the row's record; False if a service refused it (the row's error)."""
        if row.action == "unchanged" and row.existing is None:
            row.result = "unchanged"  # decided by the front end (a fact sent again, the very same)
            return True
        try:
            with nullcontext() if stop_at_first else transaction.atomic():
                if row.existing is None:
                    row.id = self.create(row)
                    row.result = "created"
                else:
                    row.id = row.existing.pk
                    row.result = "updated" if row.action == "update" and self.update(row) else "unchanged"
        except DomainError as error:
            row.error(error.field, error.message)
            return False
        return True

    def create(self, row):
        """Create the row's record; return its id."""
        raise NotImplementedError

    def update(self, row):
        """Bring the existing record in line with the row; False if nothing had to change."""
        raise NotImplementedError


class CustomerBatch(Batch):
    kind = ImportKind.CUSTOMERS
    model = Customer

    def existing_queryset(self, rows):
        queryset = super().existing_queryset(rows)
        if any("contacts" in row.data for row in rows):
            queryset = queryset.prefetch_related(Prefetch("contacts", queryset=Contact.objects.order_by("id")))
        return queryset

    def create(self, row):
        data = dict(row.data)
        if "salesperson" not in data:
            data["salesperson"] = new_customer_salesperson(self.by)
        return services.customer_create(by=self.by, **data).pk

    def update(self, row):
        customer = row.existing
        changes = {}
        for key, value in row.data.items():
            if key == "external_id":
                continue
            if key == "contacts":
                current = [{name: getattr(c, name) for name in CONTACT_FIELDS} for c in customer.contacts.all()]
                wanted = [
                    {name: item.get(name, "" if name != "is_primary" else False) for name in CONTACT_FIELDS} for item in value
                ]
                if current != wanted:
                    changes[key] = value
            elif key in ("district", "salesperson"):
                if getattr(customer, f"{key}_id") != (value.pk if value is not None else None):
                    changes[key] = value
            elif getattr(customer, key) != value:
                changes[key] = value
        if not changes:
            return False
        services.customer_update(by=self.by, customer=customer, **changes)
        return True


class InvoiceBatch(Batch):
    kind = ImportKind.INVOICES
    model = Invoice

    def existing_queryset(self, rows):
        return super().existing_queryset(rows).prefetch_related("lines")

    def write(self, rows, *, stop_at_first=False):
        # Existing invoices are compared and updated one by one; new ones go through the batch service,
        # a constant number of queries per chunk.
        rows = [row for row in rows if not row.errors]
        new = [row for row in rows if row.existing is None and row.action != "unchanged"]
        for row in rows:
            if row.existing is None and row.action != "unchanged":
                continue  # new: below, in chunks
            if not self.write_one(row, stop_at_first=stop_at_first) and stop_at_first:
                return
        for start in range(0, len(new), INVOICE_BATCH):
            chunk = new[start : start + INVOICE_BATCH]
            if not self._create_many(chunk) and stop_at_first:
                return

    def _create_many(self, rows):
        records = [{k: v for k, v in row.data.items() if k != "cancelled_reason"} for row in rows]
        try:
            with transaction.atomic():
                # The external ids were looked up just before, in this transaction (match_existing, or the
                # file's own check); a concurrent writer of the same id is stopped by the unique constraint.
                # So were the channels, through the writer's scope and with their states (the front ends'
                # look-ups): the service checks that each is under contract without reading them again.
                results = services.invoice_record_many(
                    by=self.by, records=records, external_ids_checked=True, channels_checked=True
                )
        except services.BatchInvalid as batch:
            for index, error in batch.errors.items():
                rows[index].error(error.field, error.message)
            # The others would have been created; nothing is, since the batch is all or nothing.
            for row in rows:
                row.result = row.result or "created"
            return False
        for row, result in zip(rows, results, strict=True):
            row.id, row.result = result.id, "created"
            if row.data.get("cancelled_reason"):
                services.invoice_cancel(by=self.by, invoice=result.invoice, reason=row.data["cancelled_reason"])
        return True

    @staticmethod
    def _lines_differ(invoice, lines):
        current = list(invoice.lines.all())
        if len(current) != len(lines):
            return True
        for old, new in zip(current, lines, strict=True):
            if old.product_id != new["product"].pk or old.quantity != new["quantity"]:
                return True
            if "unit_price" in new and old.unit_price != new["unit_price"]:
                return True
        return False

    def update(self, row):
        invoice, data = row.existing, row.data
        changed = False
        if invoice.status != InvoiceStatus.CANCELLED:
            changed = services.invoice_update(
                by=self.by,
                invoice=invoice,
                customer=data["customer"],
                issue_date=data["issue_date"],
                due_date=data["due_date"],
                amount=data.get("amount"),
                lines=data.get("lines") if "lines" in data and self._lines_differ(invoice, data["lines"]) else None,
                number=data.get("number"),
                **({"salesperson": data["salesperson"]} if "salesperson" in data else {}),
                **({"channel": data["channel"]} if "channel" in data else {}),
            )
        reason = data.get("cancelled_reason")
        if reason and invoice.status != InvoiceStatus.CANCELLED:
            services.invoice_cancel(by=self.by, invoice=invoice, reason=reason)
            return True
        return changed


class PaymentBatch(Batch):
    kind = ImportKind.PAYMENTS
    model = Payment

    def create(self, row):
        data = dict(row.data)
        reason = data.pop("reversed_reason", "")
        payment = services.payment_record(by=self.by, **data)
        if reason:
            services.payment_reverse(by=self.by, payment=payment, reason=reason)
        return payment.pk

    def update(self, row):
        payment, data = row.existing, row.data
        changed = False
        if payment.status != PaymentStatus.REVERSED:
            changed = services.payment_update(
                by=self.by,
                payment=payment,
                customer=data["customer"],
                received_on=data["received_on"],
                amount=data["amount"],
                method=data.get("method"),
                reference=data.get("reference"),
            )
        reason = data.get("reversed_reason")
        if reason and payment.status != PaymentStatus.REVERSED:
            services.payment_reverse(by=self.by, payment=payment, reason=reason)  # ends every allocation
            return True
        # Left out or null: the allocations made stand. A list is compared as a set of invoice → amount.
        if services.payment_reallocate(
            by=self.by,
            payment=payment,
            allocations=data.get("allocations"),
            reason=_("Re-allocated: the branch system sent other allocations."),
        ):
            changed = True
        return changed


BATCHES = {batch.kind: batch for batch in (CustomerBatch, InvoiceBatch, PaymentBatch)}
