from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ScopedPrimaryKeyRelatedField
from core.dates import DateInputField
from core.models import ApiKey
from core.roles import Role
from core.serializers import FastReadMixin
from regions.choices import UnitKind
from regions.models import OrgUnit, Position, StaffProfile


class OrgUnitSerializer(FastReadMixin, serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = OrgUnit
        fields = [
            "id",
            "kind",
            "kind_display",
            "code",
            "name",
            "name_en",
            "parent",
            "depth",
            "is_active",
            "closed_on",
            "merged_into",
        ]
        read_only_fields = fields


class OrgUnitCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=UnitKind.choices, label=_("kind"))
    code = serializers.CharField(max_length=20, label=_("code"))
    name = serializers.CharField(max_length=100, label=_("name"))
    name_en = serializers.CharField(max_length=100, required=False, allow_blank=True, default="", label=_("English name"))
    parent = ScopedPrimaryKeyRelatedField(model=OrgUnit, allow_null=True, required=False, default=None, label=_("parent unit"))


class OrgUnitUpdateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20, required=False, label=_("code"))
    name = serializers.CharField(max_length=100, required=False, label=_("name"))
    name_en = serializers.CharField(max_length=100, required=False, allow_blank=True, label=_("English name"))


class OrgUnitMoveSerializer(serializers.Serializer):
    parent = ScopedPrimaryKeyRelatedField(model=OrgUnit, label=_("new parent unit"))


class OrgUnitMergeSerializer(serializers.Serializer):
    target = ScopedPrimaryKeyRelatedField(model=OrgUnit, label=_("merge into"))
    on = DateInputField(required=False, label=_("effective date"))


class OrgUnitCloseSerializer(serializers.Serializer):
    on = DateInputField(required=False, label=_("closed on"))


class OrgUnitTreeNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    is_active = serializers.BooleanField()
    children = serializers.ListField(child=serializers.DictField(), help_text="Nodes of the same shape.")


class PositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Position
        fields = ["unit", "role", "title", "started_on", "ended_on", "note"]
        read_only_fields = fields


class StaffSerializer(FastReadMixin, serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True, default=None)

    class Meta:
        model = StaffProfile
        fields = [
            "id",
            "employee_no",
            "name",
            "unit",
            "unit_name",
            "role",
            "role_display",
            "title",
            "phone",
            "email",
            "hire_date",
            "is_active",
            "left_on",
            "username",
        ]
        read_only_fields = fields


class StaffDetailSerializer(StaffSerializer):
    positions = PositionSerializer(many=True, read_only=True)

    class Meta(StaffSerializer.Meta):
        fields = StaffSerializer.Meta.fields + ["positions"]
        read_only_fields = fields


class StaffCreateSerializer(serializers.Serializer):
    employee_no = serializers.CharField(max_length=20, label=_("employee number"))
    name = serializers.CharField(max_length=50, label=_("full name"))
    unit = ScopedPrimaryKeyRelatedField(model=OrgUnit, label=_("org unit"))
    role = serializers.ChoiceField(choices=Role.choices, label=_("role"))
    title = serializers.CharField(max_length=50, required=False, allow_blank=True, default="", label=_("position"))
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="", label=_("phone"))
    email = serializers.EmailField(required=False, allow_blank=True, default="", label=_("e-mail"))
    hire_date = DateInputField(label=_("hire date"))


class StaffUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False, label=_("full name"))
    title = serializers.CharField(max_length=50, required=False, allow_blank=True, label=_("position"))
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, label=_("phone"))
    email = serializers.EmailField(required=False, allow_blank=True, label=_("e-mail"))


class StaffMoveSerializer(serializers.Serializer):
    unit = ScopedPrimaryKeyRelatedField(model=OrgUnit, label=_("org unit"))
    role = serializers.ChoiceField(choices=Role.choices, label=_("role"))
    title = serializers.CharField(max_length=50, required=False, allow_blank=True, default="", label=_("position"))
    on = DateInputField(required=False, label=_("effective date"))


class ApiKeySerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiKey
        fields = ["id", "name", "unit", "prefix", "created_at", "revoked_at", "last_used_at"]
        read_only_fields = fields


class ApiKeyCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, label=_("name"))
    unit = ScopedPrimaryKeyRelatedField(model=OrgUnit, label=_("org unit"))


class ApiKeyCreatedSerializer(ApiKeySerializer):
    key = serializers.CharField(read_only=True, help_text="The key itself: shown this once, never again.")

    class Meta(ApiKeySerializer.Meta):
        fields = ApiKeySerializer.Meta.fields + ["key"]
        read_only_fields = fields
