"""Serializers of promotional materials: reads of the catalogue, stock, ledger, dispatches and requirement plans;
strict writes (unknown fields, NUL bytes: a 400 naming the field) whose references are resolved through the
caller's scope. The services check the business rules (a unit never gives out what it does not hold)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from channels.choices import DispatchState, MaterialRequestState, MovementKind
from channels.models_promotion import (
    MaterialDispatch,
    MaterialItem,
    MaterialMovement,
    MaterialRequest,
    MaterialRequestLine,
    MaterialStock,
    PromotionEvent,
)
from core.api import ScopedPrimaryKeyRelatedField
from core.dates import DateInputField
from core.serializers import StrictSerializer, enum_choice_field
from regions.models import OrgUnit

MAX_PIECES = 10**9 - 1


# ----------------------------------------------------------------------------------------------- read
class MaterialItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = MaterialItem
        fields = ["id", "code", "name", "uom", "unit_cost", "is_active"]
        read_only_fields = fields


class MaterialStockSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    item_code = serializers.CharField(source="item.code", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)
    uom = serializers.CharField(source="item.uom", read_only=True)
    value = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True, help_text=_("Quantity × unit cost."))

    class Meta:
        model = MaterialStock
        fields = [
            "id",
            "unit",
            "unit_code",
            "unit_name",
            "item",
            "item_code",
            "item_name",
            "uom",
            "quantity",
            "value",
            "updated_at",
        ]
        read_only_fields = fields


class MaterialMovementSerializer(serializers.ModelSerializer):
    kind = enum_choice_field(MovementKind, read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    item_code = serializers.CharField(source="item.code", read_only=True)

    class Meta:
        model = MaterialMovement
        fields = [
            "id",
            "unit",
            "unit_code",
            "item",
            "item_code",
            "kind",
            "quantity",
            "balance_after",
            "on",
            "dispatch",
            "event",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class MaterialDispatchSerializer(serializers.ModelSerializer):
    state = enum_choice_field(DispatchState, read_only=True)
    from_unit_code = serializers.CharField(source="from_unit.code", read_only=True)
    to_unit_code = serializers.CharField(source="to_unit.code", read_only=True)
    item_code = serializers.CharField(source="item.code", read_only=True)

    class Meta:
        model = MaterialDispatch
        fields = [
            "id",
            "from_unit",
            "from_unit_code",
            "to_unit",
            "to_unit_code",
            "item",
            "item_code",
            "quantity",
            "request_line",
            "state",
            "sent_on",
            "received_on",
        ]
        read_only_fields = fields


class MaterialRequestLineSerializer(serializers.ModelSerializer):
    item_code = serializers.CharField(source="item.code", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)

    class Meta:
        model = MaterialRequestLine
        fields = ["id", "item", "item_code", "item_name", "quantity", "purpose", "dispatched"]
        read_only_fields = fields


class MaterialRequestSerializer(serializers.ModelSerializer):
    state = enum_choice_field(MaterialRequestState, read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    lines = MaterialRequestLineSerializer(many=True, read_only=True)

    class Meta:
        model = MaterialRequest
        fields = ["id", "unit", "unit_code", "period", "title", "note", "state", "lines", "created_at", "approved_at"]
        read_only_fields = fields


# ---------------------------------------------------------------------------------------------- write
class MaterialItemWriteSerializer(StrictSerializer):
    code = serializers.CharField(max_length=30, label=_("code"))
    name = serializers.CharField(max_length=100, label=_("name"))
    uom = serializers.CharField(max_length=20, label=_("unit of measure"))
    unit_cost = serializers.CharField(max_length=30, label=_("unit cost"))  # the service's money rule words it


class MaterialRequestLineInputSerializer(StrictSerializer):
    item = serializers.IntegerField(min_value=1, max_value=2**63 - 1, label=_("material"))
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_PIECES, label=_("quantity"))
    purpose = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", label=_("purpose"))


class MaterialRequestWriteSerializer(StrictSerializer):
    period = serializers.CharField(max_length=10, label=_("period"))
    title = serializers.CharField(max_length=200, label=_("title"))
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="", label=_("note"))
    lines = MaterialRequestLineInputSerializer(many=True, max_length=200, label=_("lines"))

    def validate_lines(self, value):
        return [dict(line) for line in value]


class MaterialRequestCreateSerializer(MaterialRequestWriteSerializer):
    unit = ScopedPrimaryKeyRelatedField(model=OrgUnit, label=_("org unit"))


class EmptySerializer(StrictSerializer):
    pass


class MaterialDispatchCreateSerializer(StrictSerializer):
    from_unit = ScopedPrimaryKeyRelatedField(model=OrgUnit, label=_("from"))
    to_unit = ScopedPrimaryKeyRelatedField(model=OrgUnit, label=_("to"))
    item = serializers.IntegerField(min_value=1, max_value=2**63 - 1, label=_("material"))
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_PIECES, label=_("quantity"))
    request_line = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, allow_null=True, default=None, label=_("requirement plan line")
    )
    on = DateInputField(required=False, allow_null=True, default=None, label=_("sent on"))


class MaterialReceiveSerializer(StrictSerializer):
    on = DateInputField(required=False, allow_null=True, default=None, label=_("received on"))


class StockChangeSerializer(StrictSerializer):
    """A receipt from a supplier (quantity > 0) or an adjustment (quantity ≠ 0, with a note)."""

    unit = ScopedPrimaryKeyRelatedField(model=OrgUnit, label=_("org unit"))
    item = serializers.IntegerField(min_value=1, max_value=2**63 - 1, label=_("material"))
    quantity = serializers.IntegerField(min_value=-MAX_PIECES, max_value=MAX_PIECES, label=_("quantity"))
    on = DateInputField(required=False, allow_null=True, default=None, label=_("on"))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", label=_("note"))


class ConsumptionSerializer(StrictSerializer):
    event = ScopedPrimaryKeyRelatedField(model=PromotionEvent, label=_("promotion event"))
    item = serializers.IntegerField(min_value=1, max_value=2**63 - 1, label=_("material"))
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_PIECES, label=_("quantity"))
    on = DateInputField(required=False, allow_null=True, default=None, label=_("on"))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", label=_("note"))
