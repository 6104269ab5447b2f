"""Serializers of the business-reports API: reports (list without the figures, detail with them), build
runs, and the build request."""

from rest_framework import serializers

from core.serializers import StrictSerializer, enum_choice_field
from reports.choices import ReportKind, ReportState, RunState
from reports.models import BusinessReport, ReportRun


class BusinessReportSerializer(serializers.ModelSerializer):
    period = serializers.CharField(read_only=True)
    kind = enum_choice_field(ReportKind, read_only=True)
    state = enum_choice_field(ReportState, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = BusinessReport
        fields = [
            "id",
            "unit",
            "unit_code",
            "unit_name",
            "period",
            "kind",
            "kind_display",
            "state",
            "state_display",
            "built_at",
            "submitted_at",
            "approved_at",
        ]
        read_only_fields = fields


class BusinessReportDetailSerializer(BusinessReportSerializer):
    class Meta(BusinessReportSerializer.Meta):
        fields = [*BusinessReportSerializer.Meta.fields, "analysis", "data"]
        read_only_fields = fields


class ReportRunSerializer(serializers.ModelSerializer):
    period = serializers.CharField(read_only=True)
    kind = enum_choice_field(ReportKind, read_only=True)
    state = enum_choice_field(RunState, read_only=True)

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "unit",
            "period",
            "kind",
            "state",
            "progress",
            "message",
            "task_id",
            "report",
            "created_at",
            "started_at",
            "finished_at",
            "heartbeat_at",
            "attempts",
        ]
        read_only_fields = fields


class BuildRequestSerializer(StrictSerializer):
    unit = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    period = serializers.CharField(max_length=20)
    kind = enum_choice_field(ReportKind)
