"""Serializers of market reports: a report with its tags and the special event it was raised as; strict writes
whose references (unit, product) are checked by the service (an unknown product or unit is a 400 on its field)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ScopedPrimaryKeyRelatedField
from core.dates import DateInputField
from core.serializers import StrictSerializer, enum_choice_field
from regions.models import OrgUnit
from relations.choices_market import DemandSignal, MarketReportKind, MarketSource, Reliability
from relations.models.market import MarketReport


class MarketReportSerializer(serializers.ModelSerializer):
    kind = enum_choice_field(MarketReportKind, read_only=True)
    reliability = enum_choice_field(Reliability, read_only=True)
    source = enum_choice_field(MarketSource, read_only=True)
    demand_signal = enum_choice_field(DemandSignal, read_only=True, allow_blank=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    region_code = serializers.CharField(source="region.code", read_only=True)
    product_code = serializers.CharField(source="product.code", read_only=True, allow_null=True, default=None)
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = MarketReport
        fields = [
            "id",
            "kind",
            "title",
            "unit",
            "unit_code",
            "region",
            "region_code",
            "reporter",
            "observed_on",
            "competitor",
            "competitor_product",
            "product",
            "product_code",
            "price_level",
            "price_change",
            "policy",
            "demand_signal",
            "description",
            "source",
            "source_note",
            "reliability",
            "is_major",
            "tags",
            "special_event_id",
            "raised_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MarketReportWriteSerializer(StrictSerializer):
    kind = enum_choice_field(MarketReportKind, label=_("kind"))
    title = serializers.CharField(max_length=200, label=_("title"))
    observed_on = DateInputField(label=_("observed on"))
    competitor = serializers.CharField(max_length=100, required=False, allow_blank=True, default="", label=_("competitor"))
    competitor_product = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", label=_("competitor's product")
    )
    product = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, allow_null=True, default=None, label=_("our product concerned")
    )
    # As text: the service parses them (core.money), so "1e999" or "12.345" is refused on its field, not rounded.
    price_level = serializers.CharField(
        max_length=30, required=False, allow_null=True, allow_blank=True, default=None, label=_("competitor's price")
    )
    price_change = serializers.CharField(
        max_length=30, required=False, allow_null=True, allow_blank=True, default=None, label=_("price change %")
    )
    policy = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="", label=_("competitor's policy"))
    demand_signal = enum_choice_field(DemandSignal, required=False, allow_blank=True, default="", label=_("demand signal"))
    description = serializers.CharField(max_length=5000, label=_("what was learnt"))
    source = enum_choice_field(MarketSource, label=_("source"))
    source_note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", label=_("source details"))
    reliability = enum_choice_field(Reliability, label=_("reliability"))
    is_major = serializers.BooleanField(required=False, default=False, label=_("major problem"))
    tags = serializers.ListField(
        child=serializers.CharField(max_length=30, allow_blank=True), max_length=10, required=False, default=list, label=_("tags")
    )


class MarketReportCreateSerializer(MarketReportWriteSerializer):
    unit = ScopedPrimaryKeyRelatedField(model=OrgUnit, label=_("org unit"))
