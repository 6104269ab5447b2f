"""Serializers of the complaints API: read (with the SLA state as of today, the log of steps and the escalations) and
as written — strict (unknown fields, NUL bytes, wrong types: a 400 naming the field); the customer and the channel are
looked up in the caller's scope. The services check the business rules (a product not sold, a closed complaint…)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from channels.models import Channel
from core.api import ScopedPrimaryKeyRelatedField
from core.dates import DateInputField
from core.serializers import StrictSerializer, enum_choice_field
from customers.models import Customer, Product
from relations.choices_complaints import (
    ComplaintCause,
    ComplaintKind,
    ComplaintSeverity,
    ComplaintState,
    CustomerConfirmation,
)
from relations.models.complaints import Complaint, ComplaintEscalation, ComplaintStep
from relations.selectors.complaints import sla_state
from relations.services.complaints import CONFIRMATION_NOTE_MAX, DESCRIPTION_MAX, NOTE_MAX, RESULT_MAX

__all__ = [
    "ComplaintBreachSerializer",
    "ComplaintCloseSerializer",
    "ComplaintCreateSerializer",
    "ComplaintEmptySerializer",
    "ComplaintReopenSerializer",
    "ComplaintResultSerializer",
    "ComplaintSerializer",
    "ComplaintStepInputSerializer",
    "ComplaintUpdateSerializer",
]

CHANNEL_UNKNOWN = _("Unknown channel, or one outside your scope.")


class ComplaintStepSerializer(serializers.ModelSerializer):
    # A step that is not a move (a note, an escalation) has no states: "" must be in the schema's enum.
    from_state = enum_choice_field(ComplaintState, read_only=True, allow_blank=True)
    to_state = enum_choice_field(ComplaintState, read_only=True, allow_blank=True)

    class Meta:
        model = ComplaintStep
        fields = ["id", "kind", "on", "note", "from_state", "to_state", "created_at"]
        read_only_fields = fields


class ComplaintEscalationSerializer(serializers.ModelSerializer):
    class Meta:
        model = ComplaintEscalation
        fields = ["id", "on", "level", "from_owner", "to_owner", "reason"]
        read_only_fields = fields


class ComplaintSerializer(serializers.ModelSerializer):
    kind = enum_choice_field(ComplaintKind, read_only=True)
    severity = enum_choice_field(ComplaintSeverity, read_only=True)
    cause = enum_choice_field(ComplaintCause, read_only=True)
    state = enum_choice_field(ComplaintState, read_only=True)
    confirmation = enum_choice_field(CustomerConfirmation, read_only=True, allow_blank=True)
    sla_state = serializers.SerializerMethodField(help_text="Where the complaint stands against its SLA today.")
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    steps = ComplaintStepSerializer(many=True, read_only=True)
    escalations = ComplaintEscalationSerializer(many=True, read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "external_id",
            "kind",
            "severity",
            "cause",
            "customer",
            "customer_name",
            "product",
            "channel",
            "unit",
            "salesperson",
            "owner",
            "description",
            "received_on",
            "due_on",
            "state",
            "sla_state",
            "result",
            "resolved_on",
            "confirmation",
            "confirmation_note",
            "closed_on",
            "handling_days",
            "escalation_level",
            "escalated_on",
            "steps",
            "escalations",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_sla_state(self, complaint) -> str:
        return str(sla_state(complaint))


class ComplaintCreateSerializer(StrictSerializer):
    external_id = serializers.CharField(max_length=64, required=False, allow_null=True, allow_blank=True, label=_("external id"))
    kind = serializers.ChoiceField(choices=ComplaintKind.choices, label=_("complaint type"))
    severity = serializers.ChoiceField(choices=ComplaintSeverity.choices, label=_("severity"))
    cause = serializers.ChoiceField(choices=ComplaintCause.choices, required=False, label=_("cause"))
    customer = ScopedPrimaryKeyRelatedField(model=Customer, label=_("customer"))
    product = serializers.PrimaryKeyRelatedField(
        queryset=Product.objects.all(), required=False, allow_null=True, label=_("product")
    )
    channel = ScopedPrimaryKeyRelatedField(
        model=Channel,
        required=False,
        allow_null=True,
        label=_("channel"),
        error_messages={"does_not_exist": CHANNEL_UNKNOWN},
    )
    description = serializers.CharField(max_length=DESCRIPTION_MAX, allow_blank=True, label=_("description"))
    received_on = DateInputField(required=False, allow_null=True, label=_("received on"))


class ComplaintUpdateSerializer(StrictSerializer):
    severity = serializers.ChoiceField(choices=ComplaintSeverity.choices, required=False, label=_("severity"))
    cause = serializers.ChoiceField(choices=ComplaintCause.choices, required=False, label=_("cause"))
    description = serializers.CharField(max_length=DESCRIPTION_MAX, required=False, allow_blank=True, label=_("description"))


class ComplaintStepInputSerializer(StrictSerializer):
    note = serializers.CharField(max_length=NOTE_MAX, allow_blank=True, label=_("step taken"))
    on = DateInputField(required=False, allow_null=True, label=_("on"))


class ComplaintResultSerializer(StrictSerializer):
    result = serializers.CharField(max_length=RESULT_MAX, required=False, allow_blank=True, label=_("result"))
    resolved_on = DateInputField(required=False, allow_null=True, label=_("result given on"))


class ComplaintCloseSerializer(StrictSerializer):
    confirmation = serializers.ChoiceField(choices=CustomerConfirmation.choices, label=_("customer's confirmation"))
    confirmation_note = serializers.CharField(
        max_length=CONFIRMATION_NOTE_MAX, required=False, allow_blank=True, label=_("confirmation note")
    )
    result = serializers.CharField(
        max_length=RESULT_MAX,
        required=False,
        allow_blank=True,
        label=_("result"),
        help_text="The result, for a complaint that has none yet (closing without a result is refused).",
    )
    closed_on = DateInputField(required=False, allow_null=True, label=_("closed on"))


class ComplaintReopenSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=NOTE_MAX, allow_blank=True, label=_("why it is reopened"))


class ComplaintBreachSerializer(StrictSerializer):
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, label=_("note"))


class ComplaintEmptySerializer(StrictSerializer):
    pass
