"""Serializers of bad debts: a write-off (read, with its lines, and as written), a reversal request, a recovery
(read and as written). Writes are strict (unknown fields, NUL bytes: a 400 naming the field); the customer is
looked up in the caller's scope; the services check the lines against the ledger and bound the values."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ScopedPrimaryKeyRelatedField
from core.dates import DateInputField
from core.serializers import StrictSerializer, enum_choice_field
from customers.models import Customer
from risk.choices import WriteOffState
from risk.models import Recovery, WriteOff, WriteOffLine
from risk.services.write_offs import HISTORY_MAX, LINES_MAX, REASON_MAX, REFERENCE_MAX


class WriteOffLineSerializer(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number", read_only=True)

    class Meta:
        model = WriteOffLine
        fields = ["invoice", "invoice_number", "amount", "allocation"]
        read_only_fields = fields


class WriteOffSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    state = enum_choice_field(WriteOffState, read_only=True)
    lines = WriteOffLineSerializer(many=True, read_only=True)
    recovered = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True, help_text=_("Recovered so far."))

    class Meta:
        model = WriteOff
        fields = [
            "id",
            "customer",
            "customer_name",
            "unit",
            "total",
            "reason",
            "collection_history",
            "grade",
            "state",
            "lines",
            "recovered",
            "created_at",
            "submitted_at",
            "approved_at",
            "written_off_on",
            "reversed_on",
        ]
        read_only_fields = fields


class WriteOffLineInputSerializer(StrictSerializer):
    invoice = serializers.IntegerField(min_value=1, max_value=2**63 - 1, label=_("invoice"))
    # Text: the service's money rule (parse_money) refuses and words every bad amount.
    amount = serializers.CharField(max_length=30, label=_("amount"))


class WriteOffWriteSerializer(StrictSerializer):
    lines = WriteOffLineInputSerializer(many=True, max_length=LINES_MAX, label=_("lines"))
    reason = serializers.CharField(max_length=REASON_MAX, allow_blank=True, label=_("reason"))
    collection_history = serializers.CharField(
        max_length=HISTORY_MAX, required=False, allow_blank=True, default="", label=_("collection history")
    )


class WriteOffCreateSerializer(WriteOffWriteSerializer):
    customer = ScopedPrimaryKeyRelatedField(model=Customer, label=_("customer"))


class WriteOffEmptySerializer(StrictSerializer):
    pass


class WriteOffReverseSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=REASON_MAX, allow_blank=True, label=_("reason for the reversal"))


class RecoverySerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = Recovery
        fields = [
            "id",
            "write_off",
            "customer",
            "customer_name",
            "unit",
            "amount",
            "received_on",
            "reference",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class RecoveryCreateSerializer(StrictSerializer):
    customer = ScopedPrimaryKeyRelatedField(model=Customer, label=_("customer"))
    amount = serializers.CharField(max_length=30, label=_("amount recovered"))
    received_on = DateInputField(label=_("received on"))
    reference = serializers.CharField(
        max_length=REFERENCE_MAX, required=False, allow_blank=True, default="", label=_("reference")
    )
    note = serializers.CharField(max_length=REASON_MAX, required=False, allow_blank=True, default="", label=_("note"))
