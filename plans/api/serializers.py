"""Serializers of the plans API: targets (with attainment on the detail), plans with their lines,
versions and diffs, the plan moves' input, and seasonal distributions."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import ScopedPrimaryKeyRelatedField
from core.money import SUM_DIGITS
from core.serializers import StrictSerializer, enum_choice_field
from plans import selectors
from plans.choices import DistributionKind, PlanKind
from plans.models import Plan, PlanVersion, SeasonalDistribution, Target
from regions.models import OrgUnit


class TargetSerializer(serializers.ModelSerializer):
    metric_display = serializers.CharField(source="get_metric_display", read_only=True)
    period = serializers.CharField(read_only=True)
    unit_name = serializers.CharField(source="unit.name", default=None, read_only=True)
    staff_name = serializers.CharField(source="staff.name", default=None, read_only=True)

    class Meta:
        model = Target
        fields = [
            "id",
            "metric",
            "metric_display",
            "period",
            "unit",
            "unit_name",
            "staff",
            "staff_name",
            "owner_unit",
            "value",
            "version",
            "is_current",
            "parent",
            "split_method",
            "distribution",
            "created_at",
        ]


class AttainmentSerializer(serializers.Serializer):
    target = serializers.DecimalField(max_digits=18, decimal_places=2)
    actual = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    rate = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)


class TargetDetailSerializer(TargetSerializer):
    attainment = serializers.SerializerMethodField()

    class Meta(TargetSerializer.Meta):
        fields = [*TargetSerializer.Meta.fields, "attainment"]

    @extend_schema_field(AttainmentSerializer)
    def get_attainment(self, target):
        return AttainmentSerializer(selectors.attainment(target=target)).data


class PlanSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    period = serializers.CharField(read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    author_name = serializers.CharField(source="author.name", read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "kind",
            "kind_display",
            "unit",
            "unit_name",
            "period",
            "title",
            "author",
            "author_name",
            "state",
            "state_display",
            "revises",
            "submitted_at",
            "approved_at",
            "created_at",
            "updated_at",
        ]


class PlanDetailSerializer(PlanSerializer):
    body = serializers.CharField(read_only=True)
    lines = serializers.SerializerMethodField()
    request = serializers.SerializerMethodField()
    versions = serializers.SerializerMethodField()

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "body", "lines", "request", "versions"]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_lines(self, plan):
        return selectors.plan_lines(plan)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_request(self, plan):
        request = selectors.plan_request(plan)
        if request is None:
            return None
        return {"id": request.pk, "version": request.version, "state": request.state, "due_at": request.due_at}

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_versions(self, plan):
        return list(plan.versions.order_by("number").values_list("number", flat=True))


class PlanCreateSerializer(StrictSerializer):
    kind = enum_choice_field(PlanKind)
    unit = ScopedPrimaryKeyRelatedField(model=OrgUnit)
    period = serializers.CharField(max_length=7)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, max_length=100000)


class PlanUpdateSerializer(StrictSerializer):
    title = serializers.CharField(required=False, max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, max_length=100000)
    period = serializers.CharField(required=False, max_length=7)


class PlanLinesSerializer(StrictSerializer):
    """Each group given replaces that group; a group left out is kept. See plans.services.plan_lines_save."""

    targets = serializers.ListField(child=serializers.DictField(), required=False, max_length=500)
    actions = serializers.ListField(child=serializers.DictField(), required=False, max_length=500)
    budget = serializers.ListField(child=serializers.DictField(), required=False, max_length=500)


class PlanSplitSuggestSerializer(StrictSerializer):
    metric = serializers.CharField(max_length=30)
    period = serializers.CharField(required=False, max_length=7)
    method = serializers.ChoiceField(choices=["shares", "last_year"], required=False, allow_null=True)
    shares = serializers.DictField(required=False)
    distribution = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    months = serializers.BooleanField(required=False, default=True)


class MismatchSerializer(serializers.Serializer):
    """A line whose split does not add up (level children, staff or months), or targets of different
    period levels that would disagree once the plan is approved (level periods)."""

    metric = serializers.CharField()
    period = serializers.CharField()
    level = serializers.CharField()
    expected = serializers.DecimalField(max_digits=SUM_DIGITS, decimal_places=2)
    actual = serializers.DecimalField(max_digits=SUM_DIGITS, decimal_places=2)
    difference = serializers.DecimalField(max_digits=SUM_DIGITS, decimal_places=2)
    missing = serializers.ListField(child=serializers.CharField())
    message = serializers.CharField()
    owner = serializers.CharField(help_text="The unit or salesperson whose targets disagree.")
    lines = serializers.ListField(
        child=serializers.CharField(), help_text="The plan's lines (and approved targets) that take part."
    )


class PlanCheckSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    mismatches = MismatchSerializer(many=True)


class PlanVersionSerializer(serializers.ModelSerializer):
    request_state = serializers.CharField(source="request.state", default=None, read_only=True)

    class Meta:
        model = PlanVersion
        fields = ["id", "number", "title", "body", "lines", "totals", "request", "request_state", "created_at"]


class DiffQuerySerializer(StrictSerializer):
    old = serializers.IntegerField(required=False, min_value=1, max_value=100000)
    new = serializers.IntegerField(required=False, min_value=1, max_value=100000)


class DistributionSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", default=None, read_only=True)
    values = serializers.SerializerMethodField()

    class Meta:
        model = SeasonalDistribution
        fields = ["id", "name", "unit", "unit_name", "kind", "values", "updated_at"]

    @extend_schema_field(serializers.ListField(child=serializers.DecimalField(max_digits=18, decimal_places=2)))
    def get_values(self, distribution):
        weights = {row.month: row.value for row in distribution.months.all()}
        return [f"{weights.get(month, 0):.2f}" for month in range(1, 13)]


class DistributionWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100)
    unit = ScopedPrimaryKeyRelatedField(model=OrgUnit, required=False, allow_null=True)
    kind = enum_choice_field(DistributionKind)
    values = serializers.ListField(
        child=serializers.DecimalField(max_digits=18, decimal_places=2, min_value=0), min_length=12, max_length=12
    )
