"""Bulk upsert of visits keyed by the branch's `external_id`, by the customers' rules (customers/api/bulk.py, whose
front end this reuses): up to 1,000 records a request; a record sent before and not changed is "unchanged" and
writes nothing; one request is one transaction — if any record has an error nothing is written and the answer is
400 with every record's result; references (customer or channel by id or external id, the visitor by id or
employee number) resolve only inside the caller's scope; an external id held outside it "cannot be used".

Built for throughput (≥ 5,000 records a second): a plain record is checked without DRF's field machinery
(`fast_validate`), every reference kind is one query, the checks (rights, dates, the next step) run in memory for
every record first — so every record's errors are reported — and only then are the new visits written by one COPY
and the customers' last visits by one upsert (relations.services.visits.visits_write_many)."""

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from channels.models import Channel
from core.dates import DateInputField, supported_range
from core.errors import DomainError
from core.filters import MAX_ID
from core.serializers import StrictSerializer
from customers import batch
from customers.api.bulk import BulkUpsert
from customers.models import Customer
from regions.models import StaffProfile
from relations.models.visits import Visit, VisitKind, VisitState
from relations.services import visits as services
from relations.services.visits import KINDS, STATES, TEXT_MAX

REFERENCES = {"customer", "customer_external_id", "channel", "channel_external_id", "salesperson", "salesperson_employee_no"}
VALUE_FIELDS = ("on", "kind", "state", "next_on", *TEXT_MAX)
ALL_FIELDS = {"external_id", *REFERENCES, *VALUE_FIELDS}
CUSTOMER_FIELDS = (
    "name",
    "external_id",
    "status",
    "salesperson_id",
    "district__path",
    "district__name",
    "salesperson__is_active",
    "salesperson__name",
    "salesperson__unit__path",
)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


class VisitBulkRow(StrictSerializer):
    external_id = serializers.CharField(max_length=64, label=gettext_lazy("external id"))
    customer = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    customer_external_id = serializers.CharField(max_length=64, required=False)
    channel = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    channel_external_id = serializers.CharField(max_length=64, required=False)
    salesperson = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    salesperson_employee_no = serializers.CharField(max_length=20, required=False, allow_null=True)
    on = DateInputField(help_text="The day of the visit.")
    kind = serializers.ChoiceField(choices=VisitKind.choices, required=False)
    state = serializers.ChoiceField(choices=VisitState.choices, required=False)
    participants = serializers.CharField(max_length=TEXT_MAX["participants"], required=False, allow_blank=True)
    notes = serializers.CharField(max_length=TEXT_MAX["notes"], required=False, allow_blank=True)
    needs = serializers.CharField(max_length=TEXT_MAX["needs"], required=False, allow_blank=True)
    competitors = serializers.CharField(max_length=TEXT_MAX["competitors"], required=False, allow_blank=True)
    next_step = serializers.CharField(max_length=TEXT_MAX["next_step"], required=False, allow_blank=True)
    next_on = DateInputField(required=False, allow_null=True)

    def validate(self, attrs):
        has_customer = "customer" in attrs or "customer_external_id" in attrs
        has_channel = "channel" in attrs or "channel_external_id" in attrs
        if has_customer == has_channel:
            raise serializers.ValidationError({"customer": [_("Name the customer or the channel visited (one of the two).")]})
        return attrs


def _plain_text(value, limit):
    return isinstance(value, str) and len(value) <= limit and "\x00" not in value


class VisitBatch(batch.Batch):
    """The visits' passes of the batch pipeline: what exists (by external id), then every record checked and the
    batch written set-wise through relations.services.visits as the sender."""

    model = Visit

    def existing_queryset(self, rows):
        return Visit.objects.unscoped().select_related("unit", "customer", "channel", "salesperson")

    def match_existing(self, rows):
        # Most pushes are new visits: first only which external ids are held (one index look-up each, no joins, no
        # instances); the visits themselves (with what their update reads) only for the records that hold one.
        rows = [row for row in rows if row.external_id and not row.errors]
        held = set(
            Visit.objects.unscoped()
            .filter(external_id__any=[row.external_id for row in rows])
            .values_list("external_id", flat=True)
        )
        if held:
            super().match_existing([row for row in rows if row.external_id in held])

    def write(self, rows, *, stop_at_first=False):
        today = timezone.localdate()
        checked = {}  # each distinct (subject, visitor) judged once for the batch
        creates, updates, new_rows, changed_rows = [], [], [], []
        for row in rows:
            if row.errors:
                continue
            data = dict(row.data)
            try:
                if row.existing is None:
                    creates.append(
                        services.visit_prepare_new(
                            by=self.by, values=data, today=today, external_id_checked=True, checked=checked
                        )
                    )
                    new_rows.append(row)
                else:
                    data.pop("external_id", None)
                    change = services.visit_prepare_change(by=self.by, visit=row.existing, changes=data, today=today)
                    row.id = row.existing.pk
                    if change is None:
                        row.result = "unchanged"
                    else:
                        updates.append(change)
                        changed_rows.append(row)
            except DomainError as error:
                row.error(error.field, error.message)
        for row in new_rows:
            row.result = "created"  # what it would be: the answer says so even when another record stops the batch
        for row in changed_rows:
            row.result = "updated"
        if any(row.errors for row in rows):
            return
        try:
            ids = services.visits_write_many(by=self.by, creates=creates, updates=updates)
        except DomainError as error:  # a follow-up task refused: the batch's error, on the first record that has one
            (new_rows + changed_rows)[0].error(error.field, error.message)
            return
        for row, pk in zip(new_rows, ids, strict=True):
            row.id = pk


class VisitBulk(BulkUpsert):
    row_serializer_class = VisitBulkRow

    def __init__(self, *, request):
        self.request = request
        self.user = request.user
        self.batch = VisitBatch(by=self.user)
        first, last = supported_range()
        self._first, self._last = first, last

    def _day(self, value):
        if not isinstance(value, str) or not _ISO_DAY.match(value):
            return None
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            return None
        return day if self._first <= day <= self._last else None

    def fast_validate(self, raw):
        """A plain record's values, or None (then the serializer checks it and words every error)."""
        if not isinstance(raw, dict) or not set(raw) <= ALL_FIELDS:
            return None
        out = {}
        external_id = raw.get("external_id")
        if not _plain_text(external_id, 64) or not external_id.strip():
            return None
        out["external_id"] = external_id.strip()
        for name in ("customer_external_id", "channel_external_id"):
            if name in raw:
                if not _plain_text(raw[name], 64):
                    return None
                out[name] = raw[name]
        for name in ("customer", "channel", "salesperson"):
            if name in raw:
                value = raw[name]
                if value is None and name == "salesperson":
                    out[name] = None
                    continue
                if type(value) is not int or not 1 <= value <= MAX_ID:
                    return None
                out[name] = value
        if "salesperson_employee_no" in raw:
            if raw["salesperson_employee_no"] is not None and not _plain_text(raw["salesperson_employee_no"], 20):
                return None
            out["salesperson_employee_no"] = raw["salesperson_employee_no"]
        if ("customer" in out or "customer_external_id" in out) == ("channel" in out or "channel_external_id" in out):
            return None
        on = self._day(raw.get("on"))
        if on is None:
            return None
        out["on"] = on
        if "next_on" in raw:
            if raw["next_on"] is None:
                out["next_on"] = None
            else:
                out["next_on"] = self._day(raw["next_on"])
                if out["next_on"] is None:
                    return None
        for name, allowed in (("kind", KINDS), ("state", STATES)):
            if name in raw:
                if raw[name] not in allowed:
                    return None
                out[name] = raw[name]
        for name, limit in TEXT_MAX.items():
            if name in raw:
                if not _plain_text(raw[name], limit):
                    return None
                out[name] = raw[name]
        return out

    def resolve(self, rows):
        self._lookup(
            rows,
            # Only what the checks read: building the instances is most of a look-up's cost.
            queryset=Customer.objects.select_related("district", "salesperson__unit").only(*CUSTOMER_FIELDS),
            by_id="customer",
            by_slug="customer_external_id",
            slug_field="external_id",
            target="customer",
        )
        self._lookup(
            rows,
            queryset=Channel.objects.select_related("unit", "salesperson__unit"),
            by_id="channel",
            by_slug="channel_external_id",
            slug_field="external_id",
            target="channel",
        )
        self._lookup(
            rows,
            queryset=StaffProfile.objects.select_related("unit"),
            by_id="salesperson",
            by_slug="salesperson_employee_no",
            slug_field="employee_no",
            target="salesperson",
        )
