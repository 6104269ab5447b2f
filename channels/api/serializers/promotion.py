"""Serializers of promotion events: an event with its figures (computed in the database), its guests, leads and
attributed sales; strict writes whose references (unit, owner, customers, channels, invoices, plans, budgets)
are resolved through the caller's scope. The services check the business rules."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from budgets.models import Budget
from channels.choices import PromotionKind
from channels.models import Channel
from channels.models_promotion import EventLead, EventParticipant, EventSale, PromotionEvent
from core.api import ScopedPrimaryKeyRelatedField
from core.dates import DateInputField
from core.serializers import StrictSerializer, enum_choice_field
from customers.models import Customer, Invoice
from plans.models import Plan
from regions.models import OrgUnit, StaffProfile


class EventParticipantSerializer(serializers.ModelSerializer):
    class Meta:
        model = EventParticipant
        fields = ["id", "customer", "channel", "attended"]
        read_only_fields = fields


class EventLeadSerializer(serializers.ModelSerializer):
    class Meta:
        model = EventLead
        fields = ["id", "name", "contact", "customer", "converted_on"]
        read_only_fields = fields


class EventSaleSerializer(serializers.ModelSerializer):
    class Meta:
        model = EventSale
        fields = ["id", "invoice", "amount"]
        read_only_fields = fields


class PromotionEventSerializer(serializers.ModelSerializer):
    kind = enum_choice_field(PromotionKind, read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    lead_count = serializers.IntegerField(read_only=True)
    converted_count = serializers.IntegerField(read_only=True)
    sales_total = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    expense_total = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True, help_text=_("Counted expenses."))
    material_cost = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    cost = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    cost_per_lead = serializers.DecimalField(max_digits=24, decimal_places=6, read_only=True, allow_null=True)
    cost_per_yuan = serializers.DecimalField(max_digits=24, decimal_places=6, read_only=True, allow_null=True)

    class Meta:
        model = PromotionEvent
        fields = [
            "id",
            "kind",
            "title",
            "unit",
            "unit_code",
            "owner",
            "starts_on",
            "ends_on",
            "place",
            "products",
            "plan",
            "budget",
            "note",
            "lead_count",
            "converted_count",
            "sales_total",
            "expense_total",
            "material_cost",
            "cost",
            "cost_per_lead",
            "cost_per_yuan",
        ]
        read_only_fields = fields


class PromotionEventDetailSerializer(PromotionEventSerializer):
    participants = EventParticipantSerializer(many=True, read_only=True)
    leads = EventLeadSerializer(many=True, read_only=True)
    sales = EventSaleSerializer(many=True, read_only=True)

    class Meta(PromotionEventSerializer.Meta):
        fields = [*PromotionEventSerializer.Meta.fields, "participants", "leads", "sales"]
        read_only_fields = fields


class PromotionEventWriteSerializer(StrictSerializer):
    kind = enum_choice_field(PromotionKind, label=_("kind"))
    title = serializers.CharField(max_length=200, label=_("title"))
    owner = ScopedPrimaryKeyRelatedField(model=StaffProfile, required=False, allow_null=True, default=None, label=_("owner"))
    starts_on = DateInputField(label=_("starts on"))
    ends_on = DateInputField(label=_("ends on"))
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", label=_("place"))
    products = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        max_length=50,
        required=False,
        default=list,
        label=_("products"),
    )
    plan = ScopedPrimaryKeyRelatedField(model=Plan, required=False, allow_null=True, default=None, label=_("promotion plan"))
    budget = ScopedPrimaryKeyRelatedField(model=Budget, required=False, allow_null=True, default=None, label=_("expense budget"))
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="", label=_("note"))


class PromotionEventCreateSerializer(PromotionEventWriteSerializer):
    unit = ScopedPrimaryKeyRelatedField(model=OrgUnit, label=_("org unit"))


class ParticipantInputSerializer(StrictSerializer):
    customer = ScopedPrimaryKeyRelatedField(model=Customer, required=False, allow_null=True, default=None, label=_("customer"))
    channel = ScopedPrimaryKeyRelatedField(model=Channel, required=False, allow_null=True, default=None, label=_("channel"))
    attended = serializers.BooleanField(required=False, default=False, label=_("attended"))


class LeadInputSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100, label=_("name"))
    contact = serializers.CharField(max_length=100, label=_("contact"))


class SaleInputSerializer(StrictSerializer):
    invoice = ScopedPrimaryKeyRelatedField(model=Invoice, label=_("invoice"))


class ExpenseInputSerializer(StrictSerializer):
    amount = serializers.CharField(max_length=30, label=_("amount"))
    spent_on = DateInputField(label=_("spent on"))
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="", label=_("description"))
