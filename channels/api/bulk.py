"""Bulk upsert of channels keyed by the branch's `external_id`, by the same rules as customers'
(customers/api/bulk.py, whose front end this reuses): up to 1,000 records a request; a record sent before and
not changed is "unchanged" and writes nothing; one request is one transaction — if any record has an error
nothing is written and the answer is 400 with every record's result; references (district by id or code,
salesperson by id or employee number) resolve only inside the caller's scope; an external id held outside it
"cannot be used". A record whose `state` differs from the channel's moves it through `channel_transition`
(so only an allowed move, and it is kept in the history)."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from channels import services
from channels.choices import ChannelKind, ChannelState, ChannelTier
from channels.models import Channel, ChannelContact
from channels.rights import new_channel_salesperson
from channels.services.channels import CONTACT_FIELDS
from core.dates import DateInputField
from core.filters import MAX_ID
from core.serializers import StrictSerializer
from customers import batch
from customers.api.bulk import BulkUpsert
from customers.api.serializers import ContactInputSerializer
from regions.models import OrgUnit, StaffProfile


class ChannelBulkRow(StrictSerializer):
    external_id = serializers.CharField(max_length=64, label=gettext_lazy("external id"))
    name = serializers.CharField(max_length=200)
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    unit_code = serializers.CharField(max_length=20, required=False)
    salesperson = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    salesperson_employee_no = serializers.CharField(max_length=20, required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=ChannelKind.choices)
    tier = serializers.ChoiceField(choices=ChannelTier.choices, required=False)
    credit_code = serializers.CharField(max_length=30, required=False, allow_null=True, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    contacts = ContactInputSerializer(many=True, required=False)
    state = serializers.ChoiceField(choices=ChannelState.choices, required=False)
    on = DateInputField(required=False, help_text="The day of the state (of opening, or of a move the record asks for).")

    def validate(self, attrs):
        if "unit" not in attrs and "unit_code" not in attrs:
            raise serializers.ValidationError({"unit": [_("This field is required (or give %(b)s).") % {"b": "unit_code"}]})
        if "contacts" in attrs:
            attrs["contacts"] = [dict(item) for item in attrs["contacts"]]
        return attrs


class ChannelBatch(batch.Batch):
    """The channels' passes of the ledger's batch pipeline: what exists (by external id) and the writes
    through channels.services as the sender."""

    model = Channel

    def existing_queryset(self, rows):
        queryset = Channel.objects.select_related("unit")
        if any("contacts" in row.data for row in rows):
            queryset = queryset.prefetch_related(Prefetch("contacts", queryset=ChannelContact.objects.order_by("id")))
        return queryset

    def create(self, row):
        data = dict(row.data)
        if "salesperson" not in data:
            data["salesperson"] = new_channel_salesperson(self.by)
        return services.channel_create(by=self.by, **data).pk

    def update(self, row):
        channel = row.existing
        changes = {}
        for key, value in row.data.items():
            if key in ("external_id", "state", "on"):
                continue
            if key == "contacts":
                current = [{name: getattr(c, name) for name in CONTACT_FIELDS} for c in channel.contacts.all()]
                wanted = [
                    {name: item.get(name, "" if name != "is_primary" else False) for name in CONTACT_FIELDS} for item in value
                ]
                if current != wanted:
                    changes[key] = value
            elif key in ("unit", "salesperson"):
                if getattr(channel, f"{key}_id") != (value.pk if value is not None else None):
                    changes[key] = value
            elif key == "credit_code":
                if (channel.credit_code or None) != ((value or "").strip().upper() or None):
                    changes[key] = value
            elif getattr(channel, key) != value:
                changes[key] = value
        moves = "state" in row.data and row.data["state"] != channel.state
        if not changes and not moves:
            return False
        if changes:
            channel = services.channel_update(by=self.by, channel=channel, **changes)
        if moves:
            services.channel_transition(
                by=self.by,
                channel=channel,
                to_state=row.data["state"],
                on=row.data.get("on"),
                reason=_("Sent by the branch system."),
            )
        return True


class ChannelBulk(BulkUpsert):
    row_serializer_class = ChannelBulkRow

    def __init__(self, *, request):
        # Not the base's: it picks one of the ledger's batches by kind; channels have their own (no dates to judge).
        self.request = request
        self.user = request.user
        self.batch = ChannelBatch(by=self.user)

    def resolve(self, rows):
        self._lookup(rows, queryset=OrgUnit.objects.all(), by_id="unit", by_slug="unit_code", slug_field="code", target="unit")
        self._lookup(
            rows,
            queryset=StaffProfile.objects.all(),
            by_id="salesperson",
            by_slug="salesperson_employee_no",
            slug_field="employee_no",
            target="salesperson",
        )
