"""Serializers of the risk API. Reads only what the views prefetch; writes are strict (unknown fields, NUL
bytes, wrong types are a 400 naming the field) and resolve every reference through the caller's scope. The
services check the business rules."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ScopedPrimaryKeyRelatedField
from core.dates import DateInputField
from core.serializers import StrictSerializer, enum_choice_field
from customers.models import Customer, Product
from regions.models import OrgUnit
from risk.choices import EntryKind, EventKind, EventSeverity, EventState
from risk.models import EventEntry, EventStep, SpecialEvent
from risk.services.events import TEXT_MAX, TITLE_MAX


class SpecialEventSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    kind = enum_choice_field(EventKind, read_only=True)
    severity = enum_choice_field(EventSeverity, read_only=True)
    state = enum_choice_field(EventState, read_only=True)
    reported_by_name = serializers.CharField(source="reported_by.name", read_only=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True)

    class Meta:
        model = SpecialEvent
        fields = [
            "id",
            "unit",
            "unit_code",
            "unit_name",
            "kind",
            "severity",
            "title",
            "description",
            "occurred_on",
            "reported_by",
            "reported_by_name",
            "reported_at",
            "owner",
            "owner_name",
            "state",
            "notified_at",
            "closed_at",
            "summary",
        ]
        read_only_fields = fields


class EventStepSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)

    class Meta:
        model = EventStep
        fields = ["id", "description", "owner", "owner_name", "due_on", "done_at", "done_by", "note"]
        read_only_fields = fields


class EventEntrySerializer(serializers.ModelSerializer):
    kind = enum_choice_field(EntryKind, read_only=True)
    by_name = serializers.CharField(source="by.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = EventEntry
        fields = ["id", "kind", "at", "by", "by_name", "text", "step"]
        read_only_fields = fields


class SpecialEventDetailSerializer(SpecialEventSerializer):
    customers = serializers.SerializerMethodField(help_text="Ids of the customers concerned that the caller can see.")
    products = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    steps = EventStepSerializer(many=True, read_only=True)
    timeline = EventEntrySerializer(source="entries", many=True, read_only=True)

    class Meta(SpecialEventSerializer.Meta):
        fields = [*SpecialEventSerializer.Meta.fields, "customers", "products", "steps", "timeline"]
        read_only_fields = fields

    def get_customers(self, obj) -> list[int]:
        request = self.context.get("request")
        ids = [c.pk for c in obj.customers.all()]
        visible = Customer.objects.for_user(request.user if request is not None else None).filter(pk__in=ids)
        return sorted(visible.values_list("pk", flat=True))


class SpecialEventWriteSerializer(StrictSerializer):
    unit = ScopedPrimaryKeyRelatedField(model=OrgUnit, label=_("org unit"))
    kind = enum_choice_field(EventKind, label=_("kind"))
    severity = enum_choice_field(EventSeverity, label=_("severity"))
    title = serializers.CharField(max_length=TITLE_MAX, label=_("title"))
    description = serializers.CharField(max_length=TEXT_MAX, label=_("what happened"))
    occurred_on = DateInputField(label=_("occurred on"))
    customers = ScopedPrimaryKeyRelatedField(model=Customer, many=True, required=False, label=_("customers concerned"))
    products = serializers.PrimaryKeyRelatedField(
        queryset=Product.objects.all(), many=True, required=False, label=_("products concerned")
    )
