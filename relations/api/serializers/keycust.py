"""Serializers of the key-customer API: what is read (key customers with their decisions, plans with objectives,
actions and reviews) and the input of each write — shaping only; the services check the rules."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ScopedPrimaryKeyRelatedField
from core.dates import DateInputField
from core.serializers import StrictSerializer, enum_choice_field
from customers.models import Customer, Product
from regions.models import StaffProfile
from relations.models.keycust import (
    KeyCustomerDecision,
    KeyCustomerPlan,
    ObjectiveMetric,
    PlanAction,
    PlanObjective,
    PlanReview,
    PlanReviewLine,
    PlanState,
    ReviewRating,
)
from relations.selectors.keycust import flag_has_decision
from relations.services.keycust import ASSESSMENT_MAX, NOTE_MAX, REASON_MAX, SUMMARY_MAX, TITLE_MAX, UNIT_LABEL_MAX


class KeyCustomerDecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyCustomerDecision
        fields = ["id", "is_key", "reason", "decided_by", "decided_by_name", "decided_on", "created_at"]


class KeyCustomerSerializer(serializers.ModelSerializer):
    district_code = serializers.CharField(source="district.code", read_only=True)
    decisions = KeyCustomerDecisionSerializer(source="key_decisions", many=True, read_only=True)
    decision_on_record = serializers.SerializerMethodField(
        help_text="False when the key flag was set (or cleared) without a decision: by a branch system (the customers' "
        "API, bulk upsert or import) or before decisions were recorded."
    )

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "external_id",
            "district",
            "district_code",
            "salesperson",
            "is_key",
            "decision_on_record",
            "decisions",
        ]

    def get_decision_on_record(self, customer) -> bool:
        latest = next(iter(customer.key_decisions.all()), None)  # prefetched, newest first
        return flag_has_decision(customer.is_key, latest.is_key if latest else None)


class DesignateSerializer(StrictSerializer):
    customer = ScopedPrimaryKeyRelatedField(model=Customer, label=_("customer"))
    reason = serializers.CharField(max_length=REASON_MAX, label=_("reason"))
    decided_on = DateInputField(required=False, label=_("decided on"))


class UndesignateSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=REASON_MAX, label=_("reason"))
    decided_on = DateInputField(required=False, label=_("decided on"))


class PlanObjectiveSerializer(serializers.ModelSerializer):
    metric = enum_choice_field(ObjectiveMetric, read_only=True)

    class Meta:
        model = PlanObjective
        fields = ["id", "title", "metric", "product", "target", "unit_label", "starts_on", "due_on"]


class PlanActionSerializer(serializers.ModelSerializer):
    owner = serializers.IntegerField(source="task.owner_id", read_only=True, allow_null=True)
    due_on = serializers.DateField(source="task.due_on", read_only=True, allow_null=True)
    task_state = serializers.CharField(source="task.state", read_only=True, allow_null=True)

    class Meta:
        model = PlanAction
        fields = ["id", "title", "objective", "task", "owner", "due_on", "task_state"]


class PlanReviewLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanReviewLine
        fields = ["objective", "target", "actual_period", "actual_to_date", "note"]


class PlanReviewSerializer(serializers.ModelSerializer):
    period = serializers.CharField(read_only=True)
    rating = enum_choice_field(ReviewRating, read_only=True)
    lines = PlanReviewLineSerializer(many=True, read_only=True)

    class Meta:
        model = PlanReview
        fields = ["id", "period", "rating", "assessment", "reviewed_by", "reviewed_by_name", "reviewed_on", "lines"]


class KeyCustomerPlanSerializer(serializers.ModelSerializer):
    state = enum_choice_field(PlanState, read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = KeyCustomerPlan
        fields = ["id", "customer", "customer_name", "title", "starts_on", "ends_on", "summary", "state", "closed_reason"]


class KeyCustomerPlanDetailSerializer(KeyCustomerPlanSerializer):
    objectives = PlanObjectiveSerializer(many=True, read_only=True)
    actions = PlanActionSerializer(many=True, read_only=True)
    reviews = PlanReviewSerializer(many=True, read_only=True)

    class Meta(KeyCustomerPlanSerializer.Meta):
        fields = [*KeyCustomerPlanSerializer.Meta.fields, "objectives", "actions", "reviews"]


class PlanWriteSerializer(StrictSerializer):
    title = serializers.CharField(max_length=TITLE_MAX, allow_blank=True, label=_("title"))
    starts_on = DateInputField(label=_("starts on"))
    ends_on = DateInputField(label=_("ends on"))
    summary = serializers.CharField(max_length=SUMMARY_MAX, allow_blank=True, required=False, label=_("summary"))


class KeyPlanCreateSerializer(PlanWriteSerializer):
    customer = ScopedPrimaryKeyRelatedField(model=Customer, label=_("customer"))


class PlanCloseSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=500, label=_("reason for closing"))


class ObjectiveWriteSerializer(StrictSerializer):
    title = serializers.CharField(max_length=TITLE_MAX, label=_("objective"))
    metric = serializers.ChoiceField(choices=ObjectiveMetric.choices, label=_("measured by"))
    target = serializers.CharField(max_length=30, label=_("target figure"))
    product = serializers.PrimaryKeyRelatedField(
        queryset=Product.objects.all(), required=False, allow_null=True, label=_("product")
    )
    unit_label = serializers.CharField(max_length=UNIT_LABEL_MAX, required=False, allow_blank=True, label=_("unit of the figure"))
    starts_on = DateInputField(required=False, allow_null=True, label=_("counted from"))
    due_on = DateInputField(label=_("due on"))


class ActionWriteSerializer(StrictSerializer):
    title = serializers.CharField(max_length=TITLE_MAX, label=_("action"))
    owner = ScopedPrimaryKeyRelatedField(model=StaffProfile, label=_("person responsible"))
    due_on = DateInputField(label=_("due on"))
    objective = ScopedPrimaryKeyRelatedField(model=PlanObjective, required=False, allow_null=True, label=_("objective"))
    description = serializers.CharField(max_length=SUMMARY_MAX, required=False, allow_blank=True, label=_("description"))


class ReviewWriteSerializer(StrictSerializer):
    period = serializers.CharField(max_length=7, label=_("quarter"))
    rating = serializers.ChoiceField(choices=ReviewRating.choices, label=_("rating"))
    assessment = serializers.CharField(max_length=ASSESSMENT_MAX, label=_("assessment"))
    stated = serializers.DictField(
        child=serializers.CharField(max_length=30, allow_blank=True),
        required=False,
        label=_("figures of manual objectives"),
        help_text=_("{objective id: figure to date} for objectives measured by the reviewer."),
    )
    notes = serializers.DictField(
        child=serializers.CharField(max_length=NOTE_MAX, allow_blank=True), required=False, label=_("notes per objective")
    )

    def validate(self, attrs):
        for name in ("stated", "notes"):
            values = attrs.get(name) or {}
            try:
                attrs[name] = {int(key): value for key, value in values.items()}
            except (TypeError, ValueError):
                raise serializers.ValidationError({name: [_("Keys are objective ids.")]}) from None
        return attrs
