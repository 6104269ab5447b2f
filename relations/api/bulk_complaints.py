"""Bulk upsert of complaints keyed by the branch's `external_id`, by the customers' rules (customers/api/bulk.py, whose
front end this reuses, as channels/api/bulk.py does): up to 1,000 records a request; a record sent before and not
changed is "unchanged" and writes nothing; one request is one transaction — if any record has an error nothing is
written and the answer is 400 with every record's result. References resolve only inside the caller's scope:
the customer (by id or external id) and the channel (by id or external id); products (by id or code) are the
company's catalogue, and one no longer sold is refused by the service on `product`. An external id held outside
the scope "cannot be used". A complaint sent again may change its severity (the SLA's due day follows), cause,
description, product or channel while it is not closed; its type, customer and day of receipt stay."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from channels.models import Channel
from core.dates import DateInputField
from core.errors import InvalidInput
from core.filters import MAX_ID
from core.serializers import StrictSerializer
from customers import batch
from customers.api.bulk import CUSTOMERS, BulkUpsert
from customers.models import Product
from relations import services
from relations.choices_complaints import ComplaintCause, ComplaintKind, ComplaintSeverity
from relations.models.complaints import Complaint
from relations.services.complaints import DESCRIPTION_MAX

FIXED = ("kind", "customer", "received_on")


class ComplaintBulkRow(StrictSerializer):
    external_id = serializers.CharField(max_length=64, label=gettext_lazy("external id"))
    kind = serializers.ChoiceField(choices=ComplaintKind.choices)
    severity = serializers.ChoiceField(choices=ComplaintSeverity.choices)
    cause = serializers.ChoiceField(choices=ComplaintCause.choices, required=False)
    customer = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    customer_external_id = serializers.CharField(max_length=64, required=False)
    product = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    product_code = serializers.CharField(max_length=30, required=False, allow_null=True)
    channel = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    channel_external_id = serializers.CharField(max_length=64, required=False, allow_null=True)
    description = serializers.CharField(max_length=DESCRIPTION_MAX)
    received_on = DateInputField(required=False)

    def validate(self, attrs):
        if "customer" not in attrs and "customer_external_id" not in attrs:
            raise serializers.ValidationError(
                {"customer": [_("This field is required (or give %(b)s).") % {"b": "customer_external_id"}]}
            )
        return attrs


class ComplaintBatch(batch.Batch):
    """The complaints' passes of the ledger's batch pipeline: what exists (by external id) and the writes through
    relations.services as the sender."""

    model = Complaint

    def existing_queryset(self, rows):
        return Complaint.objects.select_related("unit", "customer", "product", "channel")

    def create(self, row):
        return services.complaint_create(by=self.by, **row.data).pk

    def update(self, row):
        complaint = row.existing
        data = row.data
        for name in FIXED:
            if name not in data:
                continue
            current = complaint.customer_id if name == "customer" else getattr(complaint, name)
            wanted = data[name].pk if name == "customer" else data[name]
            if current != wanted:
                raise InvalidInput(_("The %(field)s of a complaint does not change.") % {"field": name}, field=name)
        changes = {}
        for name in ("severity", "cause", "description"):
            if name in data and getattr(complaint, name) != data[name]:
                changes[name] = data[name]
        for name in ("product", "channel"):
            if name in data and getattr(complaint, f"{name}_id") != (data[name].pk if data[name] is not None else None):
                changes[name] = data[name]
        if not changes:
            return False
        services.complaint_update(by=self.by, complaint=complaint, **changes)
        return True


class ComplaintBulk(BulkUpsert):
    row_serializer_class = ComplaintBulkRow

    def __init__(self, *, request):
        # Not the base's: it picks one of the ledger's batches by kind; complaints have their own.
        self.request = request
        self.user = request.user
        self.batch = ComplaintBatch(by=self.user)

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
            queryset=Channel.objects.all(),
            by_id="channel",
            by_slug="channel_external_id",
            slug_field="external_id",
            target="channel",
        )
        # Products are the company's catalogue (not scoped): one query for the request.
        self._lookup(
            rows, queryset=Product.objects.all(), by_id="product", by_slug="product_code", slug_field="code", target="product"
        )
