"""Serializers of the budgets API. Reads only what the views prefetch or annotate (a list costs a constant
number of queries); writes are strict (unknown fields, NUL bytes, wrong types are a 400 naming the field)
and resolve every reference through the caller's scope. The services check the business rules."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from budgets.choices import AllocationMethod, AllocationTarget, ExpenseCategory, ExpenseState
from budgets.models import Budget, Expense
from budgets.selectors import allocation_check, used_percent
from core.api import ScopedPrimaryKeyRelatedField
from core.dates import DateInputField
from core.filters import MAX_ID
from core.money import SUM_DIGITS
from core.serializers import FastReadMixin, MoneyInputField, StrictSerializer, enum_choice_field
from regions.models import OrgUnit

POSITIVE = Decimal("0.01")
PERIOD = r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"


# ----------------------------------------------------------------------------------------------- read
class BudgetSerializer(FastReadMixin, serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    period = serializers.CharField(read_only=True)
    category = enum_choice_field(ExpenseCategory, read_only=True)
    method = enum_choice_field(AllocationMethod, read_only=True)
    spent = serializers.DecimalField(
        max_digits=18, decimal_places=2, read_only=True, help_text="Counted spending of the unit's subtree in the period."
    )
    pending = serializers.DecimalField(
        max_digits=18, decimal_places=2, read_only=True, help_text="Spending beyond budget waiting for approval."
    )
    remaining = serializers.SerializerMethodField()
    used_percent = serializers.SerializerMethodField()

    class Meta:
        model = Budget
        fields = [
            "id",
            "unit",
            "unit_code",
            "unit_name",
            "period",
            "category",
            "amount",
            "starts_on",
            "ends_on",
            "version",
            "is_current",
            "parent",
            "method",
            "created_at",
            "spent",
            "pending",
            "remaining",
            "used_percent",
        ]
        read_only_fields = fields

    def get_remaining(self, obj) -> Decimal:
        return f"{obj.amount - obj.spent:.2f}"

    def get_used_percent(self, obj) -> Decimal | None:
        value = used_percent(obj.spent, obj.amount)
        return None if value is None else f"{value:.1f}"


class AllocationProblemSerializer(serializers.Serializer):
    level = enum_choice_field(AllocationTarget, read_only=True)
    expected = serializers.DecimalField(max_digits=SUM_DIGITS, decimal_places=2)
    actual = serializers.DecimalField(max_digits=SUM_DIGITS, decimal_places=2)
    difference = serializers.DecimalField(max_digits=SUM_DIGITS, decimal_places=2)
    missing = serializers.ListField(child=serializers.CharField())


class BudgetDetailSerializer(BudgetSerializer):
    allocation_check = serializers.SerializerMethodField(help_text="Where the current children do not add up (empty: all do).")

    class Meta(BudgetSerializer.Meta):
        fields = [*BudgetSerializer.Meta.fields, "allocation_check"]
        read_only_fields = fields

    def get_allocation_check(self, obj) -> AllocationProblemSerializer(many=True):
        return AllocationProblemSerializer(allocation_check(obj), many=True).data


class ExpenseSerializer(FastReadMixin, serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    category = enum_choice_field(ExpenseCategory, read_only=True)
    state = enum_choice_field(ExpenseState, read_only=True)
    recorded_by_name = serializers.CharField(source="recorded_by.name", read_only=True)

    class Meta:
        model = Expense
        fields = [
            "id",
            "unit",
            "unit_code",
            "unit_name",
            "category",
            "spent_on",
            "amount",
            "description",
            "recorded_by",
            "recorded_by_name",
            "state",
            "budget",
            "approval_request",
            "created_at",
        ]
        read_only_fields = fields


class CategoryFigureSerializer(serializers.Serializer):
    category = enum_choice_field(ExpenseCategory, read_only=True)
    label = serializers.CharField()
    budget = serializers.DecimalField(max_digits=SUM_DIGITS, decimal_places=2, allow_null=True)
    budget_id = serializers.IntegerField(allow_null=True)
    spent = serializers.DecimalField(max_digits=SUM_DIGITS, decimal_places=2)
    pending = serializers.DecimalField(max_digits=SUM_DIGITS, decimal_places=2)
    remaining = serializers.DecimalField(max_digits=SUM_DIGITS, decimal_places=2, allow_null=True)
    used_percent = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)


class TotalFigureSerializer(serializers.Serializer):
    budget = serializers.DecimalField(max_digits=SUM_DIGITS, decimal_places=2)
    spent = serializers.DecimalField(max_digits=SUM_DIGITS, decimal_places=2)
    pending = serializers.DecimalField(max_digits=SUM_DIGITS, decimal_places=2)
    remaining = serializers.DecimalField(max_digits=SUM_DIGITS, decimal_places=2)
    used_percent = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)


class BudgetVsActualSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.pk")
    unit_name = serializers.CharField(source="unit.name")
    period = serializers.CharField()
    rows = CategoryFigureSerializer(many=True)
    total = TotalFigureSerializer()


# ---------------------------------------------------------------------------------------------- write
class BudgetWriteSerializer(StrictSerializer):
    unit = ScopedPrimaryKeyRelatedField(model=OrgUnit, label=_("org unit"))
    period = serializers.RegexField(PERIOD, max_length=7, label=_("period"), help_text="2026, 2026-Q3 or 2026-07.")
    category = enum_choice_field(ExpenseCategory, label=_("category"))
    amount = MoneyInputField(min_value=Decimal(0), label=_("budget amount"))


class AllocateSerializer(StrictSerializer):
    to = enum_choice_field(AllocationTarget, required=False, default=AllocationTarget.UNITS, label=_("allocate to"))
    method = enum_choice_field(
        AllocationMethod,
        required=False,
        default=AllocationMethod.SHARES,
        label=_("allocation method"),
        help_text="shares, equal or manual (`set` is not an allocation).",
    )
    shares = serializers.DictField(
        child=serializers.CharField(max_length=40),
        required=False,
        allow_null=True,
        default=None,
        help_text="Weights by child: unit id, or period (2026-03) / month or quarter number.",
    )
    values = serializers.DictField(
        child=serializers.CharField(max_length=40),
        required=False,
        allow_null=True,
        default=None,
        help_text="Amounts by child (method manual); they must add up to the budget exactly.",
    )


class AllocationResultSerializer(serializers.Serializer):
    parent = serializers.IntegerField(source="parent.pk")
    to = serializers.CharField()
    method = serializers.CharField()
    budgets = BudgetSerializer(many=True)


class ExpenseWriteSerializer(StrictSerializer):
    unit = ScopedPrimaryKeyRelatedField(
        model=OrgUnit, required=False, label=_("org unit"), help_text="Defaults to the recorder's own unit."
    )
    category = enum_choice_field(ExpenseCategory, label=_("category"))
    spent_on = DateInputField(label=_("spent on"))
    amount = MoneyInputField(min_value=POSITIVE, label=_("amount"))
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="", label=_("description"))


class EmptySerializer(StrictSerializer):
    """No input: only unknown fields are refused."""


# Query strings are not strict: proxies and browsers add parameters of their own.
class BudgetVsActualQuerySerializer(serializers.Serializer):
    unit = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, label=_("org unit"), help_text="Defaults to the caller's own unit."
    )
    period = serializers.RegexField(PERIOD, max_length=7, label=_("period"), help_text="2026, 2026-Q3 or 2026-07.")
