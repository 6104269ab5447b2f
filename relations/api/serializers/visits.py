"""Serializers of the visits API. Reads only what the views select; writes are strict (unknown fields, NUL bytes,
wrong types are a 400 naming the field) and resolve the customer, channel and visitor through the caller's scope.
The services check the business rules (a done visit not in the future, the next step with its day…)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from channels.models import Channel
from core.api import ScopedPrimaryKeyRelatedField
from core.dates import DateInputField
from core.serializers import StrictSerializer, enum_choice_field
from customers.choices import CustomerKind
from customers.models import Customer
from regions.models import StaffProfile
from relations.models.visits import Visit, VisitKind, VisitRule, VisitSegment, VisitState
from relations.services.visits import TEXT_MAX

FIELDS = [
    "id",
    "external_id",
    "customer",
    "customer_name",
    "channel",
    "channel_name",
    "unit",
    "unit_code",
    "salesperson",
    "salesperson_name",
    "on",
    "kind",
    "state",
    "participants",
    "notes",
    "needs",
    "competitors",
    "next_step",
    "next_on",
    "task",
    "created_at",
    "updated_at",
]


class VisitSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True, allow_null=True, default=None)
    channel_name = serializers.CharField(source="channel.name", read_only=True, allow_null=True, default=None)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    salesperson_name = serializers.CharField(source="salesperson.name", read_only=True, allow_null=True, default=None)
    kind = enum_choice_field(VisitKind, read_only=True)
    state = enum_choice_field(VisitState, read_only=True)

    class Meta:
        model = Visit
        fields = FIELDS
        read_only_fields = FIELDS


def _text(name, **kwargs):
    return serializers.CharField(max_length=TEXT_MAX[name], required=False, allow_blank=True, **kwargs)


class VisitWriteSerializer(StrictSerializer):
    """A visit to record or change. `state` done (the default) needs a day not in the future; planned is a visit
    of the plan. `next_step` with `next_on` gives the visitor a task once the visit is done."""

    customer = ScopedPrimaryKeyRelatedField(model=Customer, required=False, allow_null=True)
    channel = ScopedPrimaryKeyRelatedField(model=Channel, required=False, allow_null=True)
    salesperson = ScopedPrimaryKeyRelatedField(
        model=StaffProfile, required=False, allow_null=True, help_text="Who visited (default: the customer's salesperson)."
    )
    external_id = serializers.CharField(max_length=64, required=False, allow_null=True, allow_blank=True)
    on = DateInputField(required=False, help_text="The day of the visit (default: today).")
    kind = serializers.ChoiceField(choices=VisitKind.choices, required=False)
    state = serializers.ChoiceField(choices=VisitState.choices, required=False)
    participants = _text("participants")
    notes = _text("notes")
    needs = _text("needs")
    competitors = _text("competitors")
    next_step = _text("next_step")
    next_on = DateInputField(required=False, allow_null=True, label=_("next step by"))


class VisitRuleSerializer(serializers.ModelSerializer):
    segment = enum_choice_field(VisitSegment, read_only=True)

    class Meta:
        model = VisitRule
        fields = ["id", "segment", "customer_kind", "interval_days", "updated_at"]
        read_only_fields = fields


class VisitRuleWriteSerializer(StrictSerializer):
    """A visit rule to set: the class of customers, optionally one type of customer (empty: every type), and the
    interval in days (1–366). A rule for the same class and type is replaced."""

    segment = serializers.ChoiceField(choices=VisitSegment.choices)
    customer_kind = serializers.ChoiceField(choices=[("", "every type"), *CustomerKind.choices], required=False, allow_blank=True)
    interval_days = serializers.IntegerField(min_value=1, max_value=366)


class VisitRuleChangeSerializer(StrictSerializer):
    """A rule's new interval (its class and type stay: set another rule for another class)."""

    interval_days = serializers.IntegerField(min_value=1, max_value=366)
