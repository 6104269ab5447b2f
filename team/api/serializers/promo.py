"""Serializers of capability assessment and promotion recommendations (issue 19): reads, and strict writes (unknown
fields, NUL bytes: a 400 naming the field) whose references to people go through the caller's scope. The services
check the business rules (levels inside the model, direct reports only, the effective-date window)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ScopedPrimaryKeyRelatedField
from core.dates import DateInputField
from core.roles import Role
from core.serializers import StrictSerializer, enum_choice_field
from regions.models import StaffProfile
from team.models.promo import (
    Assessment,
    AssessmentCycle,
    AssessmentScore,
    CapabilityModel,
    Competency,
    PromotionRecommendation,
)

ID_MAX = 2**63 - 1


# ----------------------------------------------------------------------------------------------- read
class CompetencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Competency
        fields = ["id", "code", "name", "description", "levels", "level_descriptions", "order"]
        read_only_fields = fields


class CapabilityModelSerializer(serializers.ModelSerializer):
    competencies = CompetencySerializer(many=True, read_only=True)

    class Meta:
        model = CapabilityModel
        fields = ["id", "role", "version", "name", "note", "state", "previous", "created_at", "approved_at", "competencies"]
        read_only_fields = fields


class AssessmentCycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentCycle
        fields = ["id", "code", "name", "starts_on", "ends_on", "state", "opened_at", "closed_at"]
        read_only_fields = fields


class AssessmentScoreSerializer(serializers.ModelSerializer):
    competency_code = serializers.CharField(source="competency.code", read_only=True)
    competency_name = serializers.CharField(source="competency.name", read_only=True)
    result = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = AssessmentScore
        fields = [
            "competency",
            "competency_code",
            "competency_name",
            "self_level",
            "manager_level",
            "calibrated_level",
            "calibration_reason",
            "result",
        ]
        read_only_fields = fields


class AssessmentSerializer(serializers.ModelSerializer):
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    cycle_code = serializers.CharField(source="cycle.code", read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    scores = AssessmentScoreSerializer(many=True, read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "cycle",
            "cycle_code",
            "staff",
            "staff_name",
            "unit",
            "unit_code",
            "role",
            "model",
            "state",
            "self_comment",
            "self_assessed_at",
            "manager",
            "manager_comment",
            "manager_assessed_at",
            "scores",
        ]
        read_only_fields = fields


class PromotionRecommendationSerializer(serializers.ModelSerializer):
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    from_unit_code = serializers.CharField(source="from_unit.code", read_only=True)
    to_unit_code = serializers.CharField(source="to_unit.code", read_only=True)

    class Meta:
        model = PromotionRecommendation
        fields = [
            "id",
            "staff",
            "staff_name",
            "from_unit",
            "from_unit_code",
            "from_role",
            "to_unit",
            "to_unit_code",
            "to_role",
            "to_title",
            "effective_on",
            "reason",
            "evidence",
            "state",
            "recommended_by",
            "created_at",
            "submitted_at",
            "approved_at",
            "applied_at",
            "position",
        ]
        read_only_fields = fields


# ----------------------------------------------------------------------------------------------- write
class EmptySerializer(StrictSerializer):
    pass


class CompetencyInputSerializer(StrictSerializer):
    code = serializers.CharField(max_length=30, label=_("code"))
    name = serializers.CharField(max_length=100, label=_("name"))
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="", label=_("description"))
    levels = serializers.IntegerField(min_value=2, max_value=10, default=5, label=_("highest level"))
    level_descriptions = serializers.ListField(
        child=serializers.CharField(max_length=500, allow_blank=True), required=False, default=list, max_length=10
    )


class CapabilityModelWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200, label=_("name"))
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="", label=_("note"))
    competencies = CompetencyInputSerializer(many=True, label=_("competencies"))


class CapabilityModelCreateSerializer(CapabilityModelWriteSerializer):
    role = enum_choice_field(Role, label=_("role"))


class AssessmentCycleCreateSerializer(StrictSerializer):
    code = serializers.CharField(max_length=20, label=_("code"))
    name = serializers.CharField(max_length=100, label=_("name"))
    starts_on = DateInputField(label=_("starts on"))
    ends_on = DateInputField(label=_("ends on"))


LEVELS_HELP = _("{competency id or code: level}, one for every competency of the model.")


class SelfAssessmentSerializer(StrictSerializer):
    cycle = serializers.IntegerField(min_value=1, max_value=ID_MAX, label=_("cycle"))
    levels = serializers.DictField(child=serializers.IntegerField(min_value=-(2**31), max_value=2**31), help_text=LEVELS_HELP)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="", label=_("comment"))


class ManagerAssessmentSerializer(SelfAssessmentSerializer):
    staff = ScopedPrimaryKeyRelatedField(model=StaffProfile, label=_("staff member"))


class CalibrationSerializer(StrictSerializer):
    competency = serializers.CharField(max_length=30, label=_("competency (id or code)"))
    level = serializers.IntegerField(min_value=-(2**31), max_value=2**31, label=_("level"))
    reason = serializers.CharField(max_length=500, label=_("reason"))


class PromotionWriteSerializer(StrictSerializer):
    to_unit = serializers.CharField(max_length=20, label=_("new unit (id or code)"))
    to_role = enum_choice_field(Role, label=_("new role"))
    to_title = serializers.CharField(max_length=50, required=False, allow_blank=True, default="", label=_("new position title"))
    effective_on = DateInputField(label=_("effective on"))
    reason = serializers.CharField(max_length=4000, label=_("reason"))


class PromotionCreateSerializer(PromotionWriteSerializer):
    staff = ScopedPrimaryKeyRelatedField(model=StaffProfile, label=_("staff member"))
