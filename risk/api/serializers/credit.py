"""Serializers of credit control: a credit-limit exception (read, and as written), a credit hold (read) and
the body asking for its release. Writes are strict (unknown
fields, NUL bytes: a 400 naming the field); the customer is looked up in the caller's scope (one outside it is
a reference to nothing, a 400 on `customer`); the services bound the values."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ScopedPrimaryKeyRelatedField
from core.dates import DateInputField
from core.serializers import StrictSerializer, enum_choice_field
from customers.models import Customer
from risk.choices import AtLimitAction, CreditExceptionState, CreditPolicyState, HoldRule, HoldState, SuggestionState
from risk.models import CreditCap, CreditException, CreditHold, CreditLimitSuggestion, CreditPolicy
from risk.services.credit_exceptions import EVIDENCE_MAX, REASON_MAX
from risk.services.credit_holds import REASON_MAX as HOLD_REASON_MAX


class CreditExceptionSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    state = enum_choice_field(CreditExceptionState, read_only=True)

    class Meta:
        model = CreditException
        fields = [
            "id",
            "customer",
            "customer_name",
            "unit",
            "extra_amount",
            "valid_from",
            "valid_to",
            "reason",
            "evidence",
            "grade",
            "state",
            "created_at",
            "submitted_at",
            "approved_at",
            "ended_on",
        ]
        read_only_fields = fields


class CreditExceptionWriteSerializer(StrictSerializer):
    # Text: the service's money rule (parse_money) refuses and words every bad amount.
    extra_amount = serializers.CharField(max_length=30, label=_("extra credit"))
    valid_from = DateInputField(label=_("valid from"))
    valid_to = DateInputField(label=_("valid to"))
    reason = serializers.CharField(max_length=REASON_MAX, allow_blank=True, label=_("reason"))
    evidence = serializers.CharField(max_length=EVIDENCE_MAX, required=False, allow_blank=True, default="", label=_("evidence"))


class CreditExceptionCreateSerializer(CreditExceptionWriteSerializer):
    customer = ScopedPrimaryKeyRelatedField(model=Customer, label=_("customer"))


class CreditExceptionEmptySerializer(StrictSerializer):
    pass


class CreditHoldSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    rule = enum_choice_field(HoldRule, read_only=True)
    state = enum_choice_field(HoldState, read_only=True)

    class Meta:
        model = CreditHold
        fields = ["id", "customer", "customer_name", "unit", "rule", "detail", "placed_on", "state", "released_on"]
        read_only_fields = fields


class CreditHoldReleaseSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=HOLD_REASON_MAX, allow_blank=True, label=_("reason for the release"))


class CreditCapSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = CreditCap
        fields = ["unit", "unit_code", "cap"]
        read_only_fields = fields


class CreditPolicySerializer(serializers.ModelSerializer):
    at_limit_action = enum_choice_field(AtLimitAction, read_only=True)
    state = enum_choice_field(CreditPolicyState, read_only=True)
    caps = CreditCapSerializer(many=True, read_only=True)

    class Meta:
        model = CreditPolicy
        fields = [
            "id",
            "version",
            "previous",
            "name",
            "at_limit_action",
            "hold_grade_d",
            "hold_overdue_days",
            "limits",
            "caps",
            "reason",
            "state",
            "created_at",
            "submitted_at",
            "approved_at",
        ]
        read_only_fields = fields


class CreditPolicyWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120, label=_("name"))
    at_limit_action = serializers.CharField(max_length=20, label=_("at the limit"))  # the service names the choices
    hold_grade_d = serializers.BooleanField(required=False, default=True, label=_("hold customers of grade D"))
    hold_overdue_days = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=-(10**6), max_value=10**6, label=_("hold after days overdue")
    )
    # {grade: {"mode": "multiple", "multiple", "floor", "ceiling"} | {"mode": "fixed", "amount"}}, checked by the service.
    limits = serializers.DictField(child=serializers.DictField(child=serializers.CharField(max_length=30)), label=_("limits"))
    # [{"unit": code or id, "cap": amount}], checked by the service.
    caps = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField(max_length=30)), required=False, default=list, max_length=5000
    )
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="", label=_("reason"))


class LimitSuggestionSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    state = enum_choice_field(SuggestionState, read_only=True)

    class Meta:
        model = CreditLimitSuggestion
        fields = [
            "id",
            "customer",
            "customer_name",
            "unit",
            "policy",
            "grade",
            "monthly_sales",
            "current_limit",
            "suggested_limit",
            "accepted_limit",
            "suggested_on",
            "state",
        ]
        read_only_fields = fields


class LimitAcceptSerializer(StrictSerializer):
    # Text: the service's money rule (parse_money) refuses and words every bad amount; empty: as suggested.
    limit = serializers.CharField(max_length=30, required=False, allow_blank=True, default="", label=_("credit limit"))
