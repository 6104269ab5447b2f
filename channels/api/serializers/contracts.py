"""Serializers of contracts: read (with meetings and the download link of the signed copy) and as written — strict
(unknown fields, NUL bytes: a 400 naming the field); the party is looked up in the caller's scope; the services
bound and refuse the values (dates, amount, the file's kind and size)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from channels.choices import ContractKind, ContractState
from channels.models import (
    Channel,
    Contract,
    ContractMeeting,
)
from channels.services.contracts import NOTE_MAX, TITLE_MAX
from core.api import ScopedPrimaryKeyRelatedField
from core.dates import DateInputField
from core.serializers import StrictSerializer, enum_choice_field
from customers.models import Customer


class ContractMeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractMeeting
        fields = ["id", "on", "summary", "attendees", "next_step", "created_at"]
        read_only_fields = fields


class ContractSerializer(serializers.ModelSerializer):
    state = enum_choice_field(ContractState, read_only=True)
    kind = enum_choice_field(ContractKind, read_only=True)
    party_name = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField(help_text=_("Where the signed copy is downloaded (null: none)."))
    meetings = ContractMeetingSerializer(many=True, read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "customer",
            "channel",
            "party_name",
            "kind",
            "title",
            "amount",
            "starts_on",
            "ends_on",
            "signed_on",
            "owner",
            "unit",
            "state",
            "filed_on",
            "note",
            "file_url",
            "meetings",
            "created_at",
            "submitted_at",
            "approved_at",
        ]
        read_only_fields = fields

    def get_party_name(self, contract) -> str:
        return str(contract.party)

    def get_file_url(self, contract) -> str | None:
        return reverse("channels-contract-file", kwargs={"pk": contract.pk}) if contract.file else None


class ContractWriteSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=ContractKind.choices, required=False, label=_("contract type"))
    title = serializers.CharField(max_length=TITLE_MAX, required=False, allow_blank=True, label=_("title"))
    # Text: the service's money rule (parse_money) refuses and words every bad amount.
    amount = serializers.CharField(max_length=30, required=False, allow_blank=True, allow_null=True, label=_("amount"))
    starts_on = DateInputField(required=False, allow_null=True, label=_("starts on"))
    ends_on = DateInputField(required=False, allow_null=True, label=_("ends on"))
    signed_on = DateInputField(required=False, allow_null=True, label=_("signed on"))
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, label=_("note"))
    file = serializers.FileField(required=False, allow_empty_file=True, label=_("contract file"))


class ContractCreateSerializer(ContractWriteSerializer):
    kind = serializers.ChoiceField(choices=ContractKind.choices, label=_("contract type"))
    title = serializers.CharField(max_length=TITLE_MAX, allow_blank=True, label=_("title"))
    customer = ScopedPrimaryKeyRelatedField(model=Customer, required=False, allow_null=True, label=_("customer"))
    channel = ScopedPrimaryKeyRelatedField(model=Channel, required=False, allow_null=True, label=_("channel"))


class ContractEmptySerializer(StrictSerializer):
    pass
