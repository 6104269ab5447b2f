"""Serializers of the appraisal API. Reads use only what the views select or prefetch (a list costs a
constant number of queries); writes are strict (unknown fields, NUL bytes, wrong types are a 400 naming
the field) and resolve references through the caller's scope. The services check the business rules."""

from rest_framework import serializers

from appraisal.choices import (
    AppraisedRole,
    IncentiveSubject,
    ItemKind,
    PeriodKind,
    ProposalState,
    RewardKind,
    SchemeState,
    ScoringRule,
)
from appraisal.models import (
    AppraisalRun,
    AppraisalScheme,
    AppraisalScore,
    IncentiveScheme,
    IncentiveTier,
    RewardProposal,
    ScaleClass,
    SchemeItem,
    ScoreItem,
)
from core.api import ScopedPrimaryKeyRelatedField
from core.dates import DateInputField
from core.serializers import MoneyInputField, StrictSerializer, enum_choice_field
from regions.models import OrgUnit, StaffProfile

PERIOD = r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"


# ----------------------------------------------------------------------------------------------- read
class SchemeItemSerializer(serializers.ModelSerializer):
    kind = enum_choice_field(ItemKind, read_only=True)
    rule = enum_choice_field(ScoringRule, read_only=True)

    class Meta:
        model = SchemeItem
        fields = ["id", "kind", "label", "weight", "rule", "cap", "tiers", "order"]
        read_only_fields = fields


class SchemeSerializer(serializers.ModelSerializer):
    role = enum_choice_field(AppraisedRole, read_only=True)
    period_kind = enum_choice_field(PeriodKind, read_only=True)
    state = enum_choice_field(SchemeState, read_only=True)
    items = SchemeItemSerializer(many=True, read_only=True)

    class Meta:
        model = AppraisalScheme
        fields = [
            "id",
            "name",
            "role",
            "period_kind",
            "valid_from",
            "unit",
            "state",
            "version",
            "previous",
            "description",
            "items",
            "created_at",
            "submitted_at",
            "approved_at",
        ]
        read_only_fields = fields


class RunSerializer(serializers.ModelSerializer):
    period = serializers.CharField(read_only=True)
    scheme_name = serializers.CharField(source="scheme.name", read_only=True)
    role = enum_choice_field(AppraisedRole, source="scheme.role", read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = AppraisalRun
        fields = ["id", "scheme", "scheme_name", "role", "period", "unit", "unit_code", "unit_name", "people", "computed_at"]
        read_only_fields = fields


class ScoreItemSerializer(serializers.ModelSerializer):
    kind = enum_choice_field(ItemKind, source="item.kind", read_only=True)
    label = serializers.CharField(source="item.display_label", read_only=True)
    weight = serializers.DecimalField(source="item.weight", max_digits=5, decimal_places=2, read_only=True)

    class Meta:
        model = ScoreItem
        fields = ["id", "item", "kind", "label", "weight", "target", "actual", "rate", "item_score", "manual_score", "comment"]
        read_only_fields = fields


class ScoreSerializer(serializers.ModelSerializer):
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    employee_no = serializers.CharField(source="staff.employee_no", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    items = ScoreItemSerializer(many=True, read_only=True)

    class Meta:
        model = AppraisalScore
        fields = [
            "id",
            "run",
            "staff",
            "staff_name",
            "employee_no",
            "unit",
            "unit_name",
            "peer_unit",
            "total",
            "rank_peers",
            "rank_company",
            "items",
        ]
        read_only_fields = fields


class TierSerializer(serializers.ModelSerializer):
    class Meta:
        model = IncentiveTier
        fields = ["id", "min_attainment", "bonus_rate", "fixed_amount"]
        read_only_fields = fields


class ScaleClassSerializer(serializers.ModelSerializer):
    tiers = TierSerializer(many=True, read_only=True)

    class Meta:
        model = ScaleClass
        fields = ["id", "name", "min_sales", "tiers"]
        read_only_fields = fields


class IncentiveSchemeSerializer(serializers.ModelSerializer):
    subject = enum_choice_field(IncentiveSubject, read_only=True)
    classes = ScaleClassSerializer(many=True, read_only=True)

    class Meta:
        model = IncentiveScheme
        fields = ["id", "name", "subject", "unit", "valid_from", "is_active", "classes", "created_at"]
        read_only_fields = fields


class SuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    last_year_sales = serializers.DecimalField(max_digits=18, decimal_places=2)
    scale_class = serializers.CharField(source="scale_class.name", default=None)
    target = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    sales = serializers.DecimalField(max_digits=18, decimal_places=2)
    rate = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    tier = serializers.DecimalField(source="tier.min_attainment", max_digits=7, decimal_places=2, default=None)
    bonus = serializers.DecimalField(max_digits=18, decimal_places=2)


class RewardSerializer(serializers.ModelSerializer):
    kind = enum_choice_field(RewardKind, read_only=True)
    state = enum_choice_field(ProposalState, read_only=True)
    period = serializers.CharField(read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    staff_name = serializers.CharField(source="staff.name", read_only=True, default=None)

    class Meta:
        model = RewardProposal
        fields = [
            "id",
            "kind",
            "unit",
            "unit_name",
            "staff",
            "staff_name",
            "period",
            "amount",
            "reason",
            "state",
            "created_at",
            "submitted_at",
            "decided_at",
        ]
        read_only_fields = fields


# ---------------------------------------------------------------------------------------------- write
# Choices are plain text here, checked by the services (with a message naming the field): an enum per
# write field would collide in the OpenAPI schema with the read enums of the same name.
def _choices(choices):
    return "One of: " + ", ".join(choices.values) + "."


class ItemWriteSerializer(StrictSerializer):
    kind = serializers.CharField(max_length=30, help_text=_choices(ItemKind))
    label = serializers.CharField(max_length=100, required=False, allow_blank=True)
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    rule = serializers.CharField(max_length=30, required=False, help_text=_choices(ScoringRule))
    cap = serializers.DecimalField(max_digits=7, decimal_places=2, required=False)
    tiers = serializers.ListField(child=serializers.DictField(), required=False)


class SchemeWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    role = serializers.CharField(max_length=30, help_text=_choices(AppraisedRole))
    period_kind = serializers.CharField(max_length=30, help_text=_choices(PeriodKind))
    valid_from = DateInputField()
    unit = ScopedPrimaryKeyRelatedField(model=OrgUnit, required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True)
    items = ItemWriteSerializer(many=True)


class SchemePatchSerializer(SchemeWriteSerializer):
    """Any of a draft's fields; `items`, if given, replaces the whole list."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class RunWriteSerializer(StrictSerializer):
    scheme = ScopedPrimaryKeyRelatedField(model=AppraisalScheme)
    period = serializers.CharField(max_length=7)
    unit = ScopedPrimaryKeyRelatedField(model=OrgUnit, required=False, allow_null=True)


class ManualScoreSerializer(StrictSerializer):
    item = serializers.IntegerField(min_value=1, help_text="The scheme item (a manual one).")
    score = serializers.DecimalField(max_digits=5, decimal_places=2)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class TierWriteSerializer(StrictSerializer):
    min_attainment = serializers.DecimalField(max_digits=7, decimal_places=2)
    bonus_rate = serializers.DecimalField(max_digits=7, decimal_places=4, required=False)
    fixed_amount = MoneyInputField(required=False)


class ClassWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=50)
    min_sales = MoneyInputField()
    tiers = TierWriteSerializer(many=True)


class IncentiveSchemeWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    subject = serializers.CharField(max_length=30, help_text=_choices(IncentiveSubject))
    valid_from = DateInputField()
    unit = ScopedPrimaryKeyRelatedField(model=OrgUnit, required=False, allow_null=True)
    classes = ClassWriteSerializer(many=True)


class SuggestQuerySerializer(StrictSerializer):
    period = serializers.CharField(max_length=7)
    unit = serializers.IntegerField(min_value=1, required=False)


class RewardWriteSerializer(StrictSerializer):
    kind = serializers.CharField(max_length=30, help_text=_choices(RewardKind))
    unit = ScopedPrimaryKeyRelatedField(model=OrgUnit)
    staff = ScopedPrimaryKeyRelatedField(model=StaffProfile, required=False, allow_null=True)
    period = serializers.CharField(max_length=7)
    amount = MoneyInputField()
    reason = serializers.CharField(max_length=5000)


class RewardPatchSerializer(RewardWriteSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class EmptySerializer(StrictSerializer):
    pass
