"""Serializers of the improvement plans API (read only): a plan with its unit, measures (and their tasks'
states) and expected figures."""

from rest_framework import serializers

from core.serializers import enum_choice_field
from risk.choices import ImprovementMetric, ImprovementState
from risk.models import ImprovementMeasure, ImprovementPlan, ImprovementTarget


class ImprovementPlanSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    state = enum_choice_field(ImprovementState, read_only=True)
    drafted_by_name = serializers.CharField(source="drafted_by.name", read_only=True)

    class Meta:
        model = ImprovementPlan
        fields = [
            "id",
            "unit",
            "unit_code",
            "unit_name",
            "title",
            "diagnosis",
            "state",
            "drafted_by",
            "drafted_by_name",
            "created_at",
            "submitted_at",
            "approved_at",
            "closed_at",
            "review",
        ]
        read_only_fields = fields


class ImprovementMeasureSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    task_state = serializers.CharField(source="task.state", read_only=True, default=None)

    class Meta:
        model = ImprovementMeasure
        fields = ["id", "description", "owner", "owner_name", "due_on", "task", "task_state"]
        read_only_fields = fields


class ImprovementTargetSerializer(serializers.ModelSerializer):
    metric = enum_choice_field(ImprovementMetric, read_only=True)

    class Meta:
        model = ImprovementTarget
        fields = ["month", "metric", "expected"]
        read_only_fields = fields


class ImprovementPlanDetailSerializer(ImprovementPlanSerializer):
    measures = ImprovementMeasureSerializer(many=True, read_only=True)
    targets = ImprovementTargetSerializer(many=True, read_only=True)

    class Meta(ImprovementPlanSerializer.Meta):
        fields = [*ImprovementPlanSerializer.Meta.fields, "measures", "targets"]
        read_only_fields = fields
