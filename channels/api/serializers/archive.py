"""Serializers of the channel archive's API. Reads only what the views prefetch; writes are strict (unknown
fields, NUL bytes, wrong types are a 400 naming the field) and resolve every reference through the caller's
scope. The services check the business rules."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from channels.choices import ActivityKind, AgreementKind, ChannelKind, ChannelState, ChannelTier
from channels.models import (
    Channel,
    ChannelActivity,
    ChannelAgreement,
    ChannelContact,
    ChannelTransition,
)
from channels.services.archive import AGREEMENT_SUMMARY_MAX, NEXT_STEP_MAX, SUMMARY_MAX
from channels.services.channels import REASON_MAX
from core.api import ScopedPrimaryKeyRelatedField
from core.dates import DateInputField
from core.serializers import StrictSerializer, enum_choice_field
from customers.api.serializers import ContactInputSerializer
from regions.models import OrgUnit, StaffProfile


class ChannelContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChannelContact
        fields = ["id", "channel", "name", "title", "phone", "email", "is_primary"]
        read_only_fields = fields


class ChannelTransitionSerializer(serializers.ModelSerializer):
    from_state = serializers.CharField(read_only=True)
    to_state = enum_choice_field(ChannelState, read_only=True)

    class Meta:
        model = ChannelTransition
        fields = ["id", "from_state", "to_state", "on", "by", "reason", "created_at"]
        read_only_fields = fields


class ChannelSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    salesperson_name = serializers.CharField(source="salesperson.name", read_only=True, allow_null=True, default=None)
    kind = enum_choice_field(ChannelKind, read_only=True)
    tier = enum_choice_field(ChannelTier, read_only=True)
    state = enum_choice_field(ChannelState, read_only=True)
    contacts = ChannelContactSerializer(many=True, read_only=True)

    class Meta:
        model = Channel
        fields = [
            "id",
            "external_id",
            "name",
            "kind",
            "credit_code",
            "unit",
            "unit_code",
            "unit_name",
            "salesperson",
            "salesperson_name",
            "tier",
            "state",
            "state_since",
            "address",
            "note",
            "contacts",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ChannelDetailSerializer(ChannelSerializer):
    transitions = ChannelTransitionSerializer(many=True, read_only=True)

    class Meta(ChannelSerializer.Meta):
        fields = [*ChannelSerializer.Meta.fields, "transitions"]
        read_only_fields = fields


class ChannelWriteSerializer(StrictSerializer):
    """Open (all required fields) or, with partial=True, change a channel's archive. The state of a new channel
    (a prospect by default) and the day it is in it since; afterwards the state moves through `transition`."""

    external_id = serializers.CharField(max_length=64, required=False, allow_null=True, allow_blank=True, label=_("external id"))
    name = serializers.CharField(max_length=200, label=_("name"))
    unit = ScopedPrimaryKeyRelatedField(model=OrgUnit, label=_("district office"))
    salesperson = ScopedPrimaryKeyRelatedField(model=StaffProfile, required=False, allow_null=True, label=_("salesperson"))
    kind = enum_choice_field(ChannelKind, label=_("channel type"))
    tier = enum_choice_field(ChannelTier, required=False, label=_("tier"))
    # Plain text: the service checks the code (and its uniqueness) and says what is wrong on `credit_code`.
    credit_code = serializers.CharField(
        max_length=30, required=False, allow_null=True, allow_blank=True, label=_("unified social credit code")
    )
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, label=_("address"))
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, label=_("note"))
    contacts = ContactInputSerializer(many=True, required=False, label=_("contacts"))
    state = enum_choice_field(ChannelState, required=False, label=_("state"))
    on = DateInputField(required=False, label=_("in this state since"))

    def validate(self, attrs):
        if self.partial and ("state" in attrs or "on" in attrs):
            raise serializers.ValidationError({"state": [_("The state moves only through a state change, with its reason.")]})
        if attrs.get("external_id") == "":
            attrs["external_id"] = None
        if "contacts" in attrs:
            attrs["contacts"] = [dict(item) for item in attrs["contacts"]]
        return attrs


class ChannelTransitionInputSerializer(StrictSerializer):
    state = enum_choice_field(ChannelState, label=_("new state"))
    on = DateInputField(required=False, label=_("on"))
    reason = serializers.CharField(max_length=REASON_MAX, required=False, allow_blank=True, label=_("reason"))


class ChannelActivitySerializer(serializers.ModelSerializer):
    kind = enum_choice_field(ActivityKind, read_only=True)

    class Meta:
        model = ChannelActivity
        fields = ["id", "channel", "kind", "on", "summary", "next_step", "next_on", "by", "created_at"]
        read_only_fields = fields


class ChannelActivityWriteSerializer(StrictSerializer):
    channel = ScopedPrimaryKeyRelatedField(model=Channel, label=_("channel"))
    kind = enum_choice_field(ActivityKind, label=_("kind"))
    on = DateInputField(required=False, label=_("on"))
    summary = serializers.CharField(max_length=SUMMARY_MAX, label=_("summary"))
    next_step = serializers.CharField(max_length=NEXT_STEP_MAX, required=False, allow_blank=True, label=_("next step"))
    next_on = DateInputField(required=False, allow_null=True, label=_("next step on"))


class ChannelActivityChangeSerializer(ChannelActivityWriteSerializer):
    channel = None


class ChannelContactWriteSerializer(ContactInputSerializer):
    channel = ScopedPrimaryKeyRelatedField(model=Channel, label=_("channel"))


class ChannelContactChangeSerializer(ContactInputSerializer):
    pass


class ChannelAgreementSerializer(serializers.ModelSerializer):
    kind = enum_choice_field(AgreementKind, read_only=True)

    class Meta:
        model = ChannelAgreement
        fields = ["id", "channel", "kind", "signed_on", "valid_to", "summary", "by", "created_at"]
        read_only_fields = fields


class ChannelAgreementWriteSerializer(StrictSerializer):
    channel = ScopedPrimaryKeyRelatedField(model=Channel, label=_("channel"))
    kind = enum_choice_field(AgreementKind, label=_("kind"))
    signed_on = DateInputField(label=_("signed on"))
    valid_to = DateInputField(required=False, allow_null=True, label=_("valid to"))
    summary = serializers.CharField(max_length=AGREEMENT_SUMMARY_MAX, required=False, allow_blank=True, label=_("summary"))
