"""Bulk upserts of customers, invoices and payments keyed by the branch's `external_id`.

A branch system pushes up to 1,000 records at a time, as often as it likes: a record it pushed before
and did not change is "unchanged" and writes nothing (no history row), a changed one is "updated",
a new one "created". One request is one transaction: if any record has an error nothing is written
and the answer is 400, with the result of every record so the branch can fix the bad ones.

This is the API's front end of the ledger's batch pipeline (customers/batch.py, shared with the file
import): validate every record's shape in memory (one serializer, reused; a fast path for the common
invoice), resolve the references (customers by external id, districts by code, staff by employee
number…) with one query per kind, through the caller's scope, then let the pipeline find the existing
records by external id and write — and answer with every record's result.
"""

import abc
import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings

from core.dates import DateInputField, PlausibilityChecks, due_date_error
from core.filters import MAX_ID
from core.money import CENT, ZERO
from core.schema import ErrorSerializer
from core.serializers import MoneyInputField, StrictSerializer
from customers import batch
from customers.api.serializers import CHANNEL, POSITIVE, ContactInputSerializer, CreditCodeField
from customers.choices import CustomerKind, CustomerStatus, PaymentMethod, PaymentStatus
from customers.models import Allocation, Customer, ImportKind, Invoice, Payment, Product
from regions.models import OrgUnit, StaffProfile

MAX_RECORDS = 1000
NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY
DOES_NOT_EXIST_PK = serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"]
DOES_NOT_EXIST_SLUG = serializers.SlugRelatedField.default_error_messages["does_not_exist"]
# Customers are looked up with their district: the right to write for one is asked of its place (customers.rights).
CUSTOMERS = Customer.objects.select_related("district")


# ------------------------------------------------------------------------------------------- shapes


class BulkRequestSerializer(serializers.Serializer):
    """`{"records": [...]}`: 1 to 1,000 records, each with its `external_id`."""

    records = serializers.ListField(child=serializers.JSONField(), min_length=1, max_length=MAX_RECORDS)


class PaymentAllocationResultSerializer(serializers.Serializer):
    invoice = serializers.IntegerField(help_text="Our id of the invoice.")
    invoice_external_id = serializers.CharField(allow_null=True)
    invoice_number = serializers.CharField(allow_blank=True)
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)


class BulkRowResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position of the record in `records`, from 0.")
    external_id = serializers.CharField(allow_null=True)
    result = serializers.ChoiceField(choices=["created", "updated", "unchanged", "error"])
    id = serializers.IntegerField(allow_null=True, help_text="Our id of the record (null when nothing was written).")
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    allocations = PaymentAllocationResultSerializer(
        many=True,
        required=False,
        help_text="Payments, when written: the allocations the payment now pays (made with it, "
        "explicitly or oldest due first, and credit applied from it later).",
    )
    unallocated = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        required=False,
        help_text="Payments, when written: the part of the payment not allocated — the customer's credit from it.",
    )


class BulkResponseSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    written = serializers.BooleanField(help_text="False when any record had an error: then nothing was written.")
    counts = serializers.DictField(child=serializers.IntegerField())
    results = BulkRowResultSerializer(many=True)


class BulkRefusalSerializer(ErrorSerializer):
    """A refused batch: the API's error body; when the records were read, also each one's result."""

    written = serializers.BooleanField(required=False, help_text="Always false: nothing was written.")
    counts = serializers.DictField(child=serializers.IntegerField(), required=False)
    results = BulkRowResultSerializer(many=True, required=False)


def _flatten(detail):
    if isinstance(detail, Mapping):
        return [str(item) for value in detail.values() for item in _flatten(value)]
    if isinstance(detail, list | tuple):
        return [str(item) for value in detail for item in _flatten(value)]
    return [str(detail)]


def _error_dict(detail):
    if isinstance(detail, Mapping):
        return {str(key): _flatten(value) for key, value in detail.items()}
    return {NON_FIELD: _flatten(detail)}


@dataclass
class Row(batch.Row):
    """A record of the request: `raw` as sent; `extra` is more of the result, for written records (annotate)."""

    raw: object = None
    extra: dict = field(default_factory=dict)

    non_field: ClassVar[str] = NON_FIELD

    def as_dict(self, written):
        return {
            "index": self.index,
            "external_id": self.external_id,
            "result": "error" if self.errors else self.result,
            "id": self.id if written or self.result == "unchanged" else None,
            "errors": self.errors,
            **(self.extra if written else {}),
        }


# -------------------------------------------------------------------------------------------- base


class BulkUpsert(abc.ABC):
    """One bulk request: validate, resolve, then the pipeline finds what exists and writes — or writes nothing."""

    kind = None  # the pipeline's kind of record (customers.batch.BATCHES)
    row_serializer_class = None

    def __init__(self, *, request):
        self.request = request
        self.user = request.user
        self.dates = PlausibilityChecks()  # one request's dates judged once each
        self.batch = batch.Batch.for_kind(self.kind, by=self.user)

    # --- passes

    def response(self):
        rows = [Row(index=i, raw=raw) for i, raw in enumerate(self._records())]
        self._validate(rows)
        self.resolve([row for row in rows if not row.errors])
        self.batch.match_existing(rows)
        # The valid records are written even when others failed validation, and then rolled back: so the
        # answer reports every record's result, including errors only the services can find.
        with transaction.atomic():
            self.batch.write([row for row in rows if not row.errors])
            if any(row.errors for row in rows):
                transaction.set_rollback(True)
            else:
                self.annotate([row for row in rows if row.id is not None])
        return self._answer(rows)

    def _records(self):
        data = self.request.data
        if not isinstance(data, Mapping):
            raise ValidationError({NON_FIELD: [_('Send an object: {"records": [...]}.')]})
        unknown = [key for key in data if key != "records"]
        if unknown:
            raise ValidationError({str(key): [_("Unknown field.")] for key in unknown})
        records = data.get("records")
        if not isinstance(records, list) or not records:
            raise ValidationError({"records": [_("Send a list of 1 to %(max)d records.") % {"max": MAX_RECORDS}]})
        if len(records) > MAX_RECORDS:
            raise ValidationError(
                {
                    "records": [
                        _("At most %(max)d records per request; this one has %(count)d.")
                        % {"max": MAX_RECORDS, "count": len(records)}
                    ]
                }
            )
        return records

    def _validate(self, rows):
        # One serializer for all records: binding its fields costs more than validating a record.
        serializer = self.row_serializer_class(context={"request": self.request})
        seen = {}
        for row in rows:
            if isinstance(row.raw, Mapping) and isinstance(row.raw.get("external_id"), str):
                row.external_id = row.raw["external_id"].strip() or None
            fast = self.fast_validate(row.raw)
            if fast is not None:
                row.data = fast
            else:
                try:
                    row.data = dict(serializer.run_validation(row.raw))
                except ValidationError as exc:
                    row.errors.update(_error_dict(exc.detail))
                    continue
            row.external_id = row.data["external_id"]
            if row.external_id in seen:
                row.error(
                    "external_id",
                    _("The external id %(id)s appears twice in this request (records %(first)d and %(second)d).")
                    % {"id": row.external_id, "first": seen[row.external_id], "second": row.index},
                )
            seen.setdefault(row.external_id, row.index)

    def _answer(self, rows):
        failed = sum(1 for row in rows if row.errors)
        written = failed == 0
        results = [row.as_dict(written) for row in rows]
        counts = {"created": 0, "updated": 0, "unchanged": 0, "error": 0}
        for result in results:
            counts[result["result"]] += 1
        if written:
            detail, code = _("%(count)d records processed.") % {"count": len(rows)}, "ok"
        else:
            detail = _("Nothing was written: %(failed)d of %(count)d records have errors.") % {
                "failed": failed,
                "count": len(rows),
            }
            code = "invalid"
        body = {"detail": detail, "code": code, "written": written, "counts": counts, "results": results}
        return Response(body, status=status.HTTP_200_OK if written else status.HTTP_400_BAD_REQUEST)

    # --- helpers for subclasses

    def _lookup(self, rows, *, queryset, by_id, by_slug, slug_field, target, fields=None):
        """Resolve `by_id` / `by_slug` of every row through the caller's scope in one query; the object
        goes to row.data[target]. Both given is an error; a miss is "does not exist", naming the field.
        `fields`: read only these, into light instances (batch.in_scope)."""
        ids, slugs = set(), set()
        for row in rows:
            if by_id in row.data and by_slug in row.data:
                row.error(by_slug, _("Give either %(a)s or %(b)s, not both.") % {"a": by_id, "b": by_slug})
            elif row.data.get(by_id) is not None:
                ids.add(row.data[by_id])
            elif row.data.get(by_slug) is not None:
                slugs.add(row.data[by_slug])
        # Ids and slugs are validated ints and strings: `__any` passes each list as one parameter.
        found_ids, found_slugs = batch.in_scope(queryset, self.user, ids=ids, slugs=slugs, slug_field=slug_field, fields=fields)
        for row in rows:
            if row.errors:
                continue
            if by_id in row.data:
                value = row.data.pop(by_id)
                row.data[target] = None if value is None else found_ids.get(value)
                if value is not None and row.data[target] is None:
                    row.error(by_id, DOES_NOT_EXIST_PK.format(pk_value=value))
            elif by_slug in row.data:
                value = row.data.pop(by_slug)
                row.data[target] = None if value is None else found_slugs.get(value)
                if value is not None and row.data[target] is None:
                    row.error(by_slug, DOES_NOT_EXIST_SLUG.format(slug_name=slug_field, value=value))

    # --- to implement

    def fast_validate(self, raw):
        """The validated data of a plainly valid record, checked without DRF's field machinery (which
        costs more than the write), or None: then the serializer validates it and words any error."""
        return None

    def annotate(self, rows):
        """Add to the written rows' results (row.extra), with a constant number of queries."""
        return None

    @abc.abstractmethod
    def resolve(self, rows):
        """Resolve the rows' references (customers, staff, products…) inside the caller's scope."""


def _required_one_of(by_id, by_slug):
    def check(attrs):
        if by_id not in attrs and by_slug not in attrs:
            raise serializers.ValidationError({by_id: [_("This field is required (or give %(b)s).") % {"b": by_slug}]})
        return attrs

    return check


# --------------------------------------------------------------------------------------- customers


class CustomerBulkRow(StrictSerializer):
    external_id = serializers.CharField(max_length=64, label=gettext_lazy("external id"))
    name = serializers.CharField(max_length=200)
    district = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    district_code = serializers.CharField(max_length=20, required=False)
    salesperson = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    salesperson_employee_no = serializers.CharField(max_length=20, required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=CustomerKind.choices, required=False)
    credit_code = CreditCodeField(required=False)
    industry = serializers.CharField(max_length=50, required=False, allow_blank=True)
    province = serializers.CharField(max_length=30, required=False, allow_blank=True)
    city = serializers.CharField(max_length=30, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_key = serializers.BooleanField(required=False)
    credit_limit = MoneyInputField(min_value=0, required=False)
    status = serializers.ChoiceField(choices=CustomerStatus.choices, required=False)
    contacts = ContactInputSerializer(many=True, required=False)

    def validate(self, attrs):
        return _required_one_of("district", "district_code")(attrs)


class CustomerBulk(BulkUpsert):
    kind = ImportKind.CUSTOMERS
    row_serializer_class = CustomerBulkRow

    def resolve(self, rows):
        self._lookup(
            rows, queryset=OrgUnit.objects.all(), by_id="district", by_slug="district_code", slug_field="code", target="district"
        )
        self._lookup(
            rows,
            queryset=StaffProfile.objects.all(),
            by_id="salesperson",
            by_slug="salesperson_employee_no",
            slug_field="employee_no",
            target="salesperson",
        )


# ---------------------------------------------------------------------------------------- invoices


class InvoiceLineBulkRow(StrictSerializer):
    product = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    product_code = serializers.CharField(max_length=30, required=False)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=POSITIVE)
    unit_price = MoneyInputField(min_value=0, required=False, allow_null=True)

    def validate(self, attrs):
        return _required_one_of("product", "product_code")(attrs)


class InvoiceBulkRow(StrictSerializer):
    external_id = serializers.CharField(max_length=64)
    number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    customer = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    customer_external_id = serializers.CharField(max_length=64, required=False)
    salesperson = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    salesperson_employee_no = serializers.CharField(max_length=20, required=False, allow_null=True)
    channel = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    channel_external_id = serializers.CharField(max_length=64, required=False, allow_null=True)
    issue_date = DateInputField(kind="invoice_issue")
    due_date = DateInputField()
    amount = MoneyInputField(min_value=POSITIVE, required=False)
    lines = InvoiceLineBulkRow(many=True, required=False, allow_empty=False)
    cancelled_reason = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Cancels the invoice (with this reason) if it is not yet."
    )

    def validate(self, attrs):
        attrs = _required_one_of("customer", "customer_external_id")(attrs)
        if error := due_date_error(attrs["issue_date"], attrs["due_date"]):
            raise serializers.ValidationError({"due_date": [error]})
        if "amount" not in attrs and "lines" not in attrs:
            raise serializers.ValidationError({"amount": [_("Give an amount or product lines.")]})
        return attrs


_FAST_INVOICE_KEYS = frozenset(
    {"external_id", "customer_external_id", "issue_date", "due_date", "amount", "number", "channel_external_id"}
)
_FAST_AMOUNT = re.compile(r"^[0-9]{1,16}(\.[0-9]{1,2})?$")
_FAST_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _fast_text(value, max_length, allow_blank=False):
    if type(value) is not str or len(value) > max_length or "\x00" in value or value != value.strip():
        return None
    return value if (value or allow_blank) else None


class InvoiceBulk(BulkUpsert):
    kind = ImportKind.INVOICES
    row_serializer_class = InvoiceBulkRow

    def fast_validate(self, raw):
        # The common record of a branch system: an amount, ISO dates, the customer by external id.
        # Anything else (lines, ids, odd types, any doubt) goes to the serializer; a test checks that
        # both give the same data for the records this path takes.
        if type(raw) is not dict or not raw.keys() <= _FAST_INVOICE_KEYS or "amount" not in raw:
            return None
        external_id = _fast_text(raw.get("external_id"), 64)
        customer = _fast_text(raw.get("customer_external_id"), 64)
        number = _fast_text(raw["number"], 40, allow_blank=True) if "number" in raw else ""
        amount, issued, due = raw.get("amount"), raw.get("issue_date"), raw.get("due_date")
        if None in (external_id, customer, number) or type(amount) is not str or not _FAST_AMOUNT.match(amount):
            return None
        if type(issued) is not str or type(due) is not str or not _FAST_DATE.match(issued) or not _FAST_DATE.match(due):
            return None
        try:
            issue_date, due_date = datetime.date.fromisoformat(issued), datetime.date.fromisoformat(due)
        except ValueError:
            return None
        amount = Decimal(amount).quantize(CENT)
        if amount <= 0 or due_date_error(issue_date, due_date):
            return None
        # Dates outside the supported range or the plausibility window go the serializer's way (a row error).
        if self.dates.error(issue_date, "invoice_issue") or self.dates.error(due_date, None):
            return None
        data = {
            "external_id": external_id,
            "customer_external_id": customer,
            "issue_date": issue_date,
            "due_date": due_date,
            "amount": amount,
        }
        if "number" in raw:
            data["number"] = number
        if "channel_external_id" in raw:  # a sale through a channel, named by the branch's id for it
            channel = raw["channel_external_id"]
            if channel is not None and _fast_text(channel, 64) is None:
                return None
            data["channel_external_id"] = channel
        return data

    def resolve(self, rows):
        self._lookup(
            rows,
            queryset=CUSTOMERS,
            by_id="customer",
            by_slug="customer_external_id",
            slug_field="external_id",
            target="customer",
        )
        self._lookup(
            rows,
            queryset=StaffProfile.objects.all(),
            by_id="salesperson",
            by_slug="salesperson_employee_no",
            slug_field="employee_no",
            target="salesperson",
        )
        # Channels in the caller's scope, one query for the request (whether each is under contract: the service,
        # from the state read here — it does not read the channels again).
        self._lookup(
            rows,
            queryset=CHANNEL.objects.all(),
            by_id="channel",
            by_slug="channel_external_id",
            slug_field="external_id",
            target="channel",
            # Only what the write and its refusals read (the id, the name and the state), into light instances:
            # a request names hundreds of channels.
            fields=batch.CHANNEL_FIELDS,
        )
        # Lines: products are company-wide (not scoped); one query for every line of every record.
        ids, codes = set(), set()
        for row in rows:
            for line in row.data.get("lines") or ():
                if "product" in line:
                    ids.add(line["product"])
                elif "product_code" in line:
                    codes.add(line["product_code"])
        by_id, by_code = batch.in_scope(Product.objects.all(), self.user, ids=ids, slugs=codes, slug_field="code")
        for row in rows:
            if row.errors or "lines" not in row.data:
                continue
            lines = []
            for number, line in enumerate(row.data["lines"]):
                line = dict(line)
                if "product" in line and "product_code" in line:
                    row.error("lines", _("Line %(n)d: give either product or product_code, not both.") % {"n": number + 1})
                    continue
                product = by_id.get(line.pop("product")) if "product" in line else by_code.get(line.pop("product_code"))
                if product is None:
                    row.error("lines", _("Line %(n)d: unknown product.") % {"n": number + 1})
                    continue
                line["product"] = product
                if line.get("unit_price") is None:
                    line.pop("unit_price", None)
                lines.append(line)
            row.data["lines"] = lines


# ---------------------------------------------------------------------------------------- payments


class AllocationBulkRow(StrictSerializer):
    invoice = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    invoice_external_id = serializers.CharField(max_length=64, required=False)
    amount = MoneyInputField(min_value=POSITIVE)

    def validate(self, attrs):
        return _required_one_of("invoice", "invoice_external_id")(attrs)


ALLOCATIONS_HELP = (
    "Which invoices the payment pays. Left out or null: oldest due first (by due date, then issue date), "
    "the rest stays as the customer's credit; on a re-push of an existing payment, left out or null keeps "
    "the allocations made. A list, even empty: exactly these (`[]` keeps the whole payment as credit); on "
    "a re-push it is compared with the payment's allocations as a set of invoice → amount, and if it "
    "differs the old allocations are reversed (kept in the history with a reason) and these made from today."
)


class PaymentBulkRow(StrictSerializer):
    external_id = serializers.CharField(max_length=64)
    customer = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    customer_external_id = serializers.CharField(max_length=64, required=False)
    received_on = DateInputField(kind="payment_received")
    amount = MoneyInputField(min_value=POSITIVE)
    method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    allocations = AllocationBulkRow(
        many=True,
        required=False,
        allow_null=True,
        help_text=ALLOCATIONS_HELP,
    )
    reversed_reason = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Reverses the payment (with this reason) if it is not yet."
    )

    def validate(self, attrs):
        return _required_one_of("customer", "customer_external_id")(attrs)


class PaymentBulk(BulkUpsert):
    kind = ImportKind.PAYMENTS
    row_serializer_class = PaymentBulkRow

    def resolve(self, rows):
        self._lookup(
            rows,
            queryset=CUSTOMERS,
            by_id="customer",
            by_slug="customer_external_id",
            slug_field="external_id",
            target="customer",
        )
        ids, external_ids = set(), set()
        for row in rows:
            for item in row.data.get("allocations") or ():
                if "invoice" in item:
                    ids.add(item["invoice"])
                elif "invoice_external_id" in item:
                    external_ids.add(item["invoice_external_id"])
        by_id, by_external = batch.in_scope(
            Invoice.objects.all(), self.user, ids=ids, slugs=external_ids, slug_field="external_id"
        )
        for row in rows:
            if row.errors or not row.data.get("allocations"):
                continue
            allocations = []
            for number, item in enumerate(row.data["allocations"]):
                if "invoice" in item and "invoice_external_id" in item:
                    row.error(
                        "allocations",
                        _("Allocation %(n)d: give either invoice or invoice_external_id, not both.") % {"n": number + 1},
                    )
                    continue
                invoice = by_id.get(item["invoice"]) if "invoice" in item else by_external.get(item["invoice_external_id"])
                if invoice is None:
                    row.error("allocations", _("Allocation %(n)d: unknown invoice.") % {"n": number + 1})
                    continue
                allocations.append({"invoice": invoice, "amount": item["amount"]})
            row.data["allocations"] = allocations

    def annotate(self, rows):
        _annotate_allocations(rows, {row.id: row for row in rows})


# The bulk answer is built as plain data: money goes out as strings, as DecimalField renders it.
_MONEY_OUT = serializers.DecimalField(max_digits=18, decimal_places=2)


def _annotate_allocations(rows, by_payment):
    """Each written payment's live allocations and unallocated rest, in two queries for the batch."""
    for row in rows:
        row.extra = {"allocations": [], "unallocated": None}
    if not by_payment:
        return
    payments = Payment.objects.filter(pk__any=list(by_payment)).values_list("pk", "amount", "status")
    allocated = {}
    live = (
        Allocation.objects.filter(payment_id__any=list(by_payment), reversed_on__isnull=True)
        .order_by("payment_id", "id")
        .values_list("payment_id", "invoice_id", "invoice__external_id", "invoice__number", "amount")
    )
    for payment_id, invoice_id, external_id, number, amount in live:
        by_payment[payment_id].extra["allocations"].append(
            {
                "invoice": invoice_id,
                "invoice_external_id": external_id,
                "invoice_number": number,
                "amount": _MONEY_OUT.to_representation(amount),
            }
        )
        allocated[payment_id] = allocated.get(payment_id, ZERO) + amount
    for pk, amount, state in payments:
        # A reversed payment is no credit: nothing of it is left to allocate.
        unallocated = amount - allocated.get(pk, ZERO) if state != PaymentStatus.REVERSED else ZERO
        by_payment[pk].extra["unallocated"] = _MONEY_OUT.to_representation(unallocated)
