"""Serializers of early warnings: the rules and the warnings (read), a proposed rule change (read, and as
written) and the bodies of a warning's actions. Writes are strict (unknown fields, NUL bytes: a 400 naming the field); the services bound
the values."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.serializers import StrictSerializer, enum_choice_field
from risk.choices import RuleChangeState, WarningClosedReason, WarningKind, WarningLevel, WarningSeverity, WarningState
from risk.models import Warning, WarningRule, WarningRuleChange
from risk.services.rule_changes import REASON_MAX
from risk.services.warnings import NAME_MAX, TEXT_MAX


class WarningRuleSerializer(serializers.ModelSerializer):
    kind = enum_choice_field(WarningKind, read_only=True)
    level = enum_choice_field(WarningLevel, read_only=True)
    severity = enum_choice_field(WarningSeverity, read_only=True)

    class Meta:
        model = WarningRule
        fields = ["id", "name", "kind", "level", "threshold", "window", "severity", "deadline_days", "is_active", "created_at"]
        read_only_fields = fields


class WarningRuleWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=NAME_MAX, label=_("name"))
    kind = serializers.CharField(max_length=40, label=_("kind"))  # the service names the choices
    level = serializers.CharField(max_length=20, required=False, allow_blank=True, label=_("level"))
    threshold = serializers.CharField(max_length=30, label=_("threshold"))  # bounded per kind by the service
    window = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=10_000, label=_("window"))
    severity = serializers.CharField(max_length=20, label=_("severity"))
    deadline_days = serializers.IntegerField(min_value=1, max_value=10_000, label=_("deadline (working days)"))
    is_active = serializers.BooleanField(required=False, default=True, label=_("active"))


class WarningSerializer(serializers.ModelSerializer):
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    kind = enum_choice_field(WarningKind, source="rule.kind", read_only=True)
    subject = serializers.CharField(source="subject_name", read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    severity = enum_choice_field(WarningSeverity, read_only=True)
    state = enum_choice_field(WarningState, read_only=True)
    closed_reason = enum_choice_field(WarningClosedReason, read_only=True, allow_blank=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True)

    class Meta:
        model = Warning
        fields = [
            "id",
            "rule",
            "rule_name",
            "kind",
            "customer",
            "unit",
            "unit_code",
            "subject",
            "severity",
            "value",
            "owner",
            "owner_name",
            "supervisor",
            "opened_on",
            "due_on",
            "state",
            "acknowledged_at",
            "action",
            "action_at",
            "resolution",
            "closed_reason",
            "closed_on",
            "closed_by",
            "escalated_to",
            "escalation_level",
            "escalated_on",
        ]
        read_only_fields = fields


class WarningActSerializer(StrictSerializer):
    action = serializers.CharField(max_length=TEXT_MAX, label=_("action taken"))


class WarningCloseSerializer(StrictSerializer):
    # Blank allowed here: the service refuses it with a 422 on "resolution" (one rule, page and API).
    resolution = serializers.CharField(max_length=TEXT_MAX, allow_blank=True, required=False, default="", label=_("resolution"))


class WarningEmptySerializer(StrictSerializer):
    pass


class WarningRuleChangeSerializer(serializers.ModelSerializer):
    rule_name = serializers.CharField(source="rule.name", read_only=True, allow_null=True)
    kind = enum_choice_field(WarningKind, read_only=True)
    level = enum_choice_field(WarningLevel, read_only=True)
    severity = enum_choice_field(WarningSeverity, read_only=True)
    state = enum_choice_field(RuleChangeState, read_only=True)
    drafted_by_name = serializers.CharField(source="drafted_by.name", read_only=True, allow_null=True)

    class Meta:
        model = WarningRuleChange
        fields = [
            "id",
            "rule",
            "rule_name",
            "name",
            "kind",
            "level",
            "threshold",
            "window",
            "severity",
            "deadline_days",
            "is_active",
            "reason",
            "state",
            "drafted_by",
            "drafted_by_name",
            "created_at",
            "submitted_at",
            "approved_at",
        ]
        read_only_fields = fields


class WarningRuleChangeWriteSerializer(WarningRuleWriteSerializer):
    """A proposal as written: the rule it changes (none: a new rule), the values, the reason (the service refuses
    a missing one on "reason", as the page does)."""

    rule = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**31 - 1, label=_("rule"))
    reason = serializers.CharField(max_length=REASON_MAX, required=False, allow_blank=True, default="", label=_("reason"))
