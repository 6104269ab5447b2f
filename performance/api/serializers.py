"""Serializers of the performance API: the attainment and ranking queries and answers."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.errors import InvalidInput
from core.filters import MAX_ID
from core.periods import parse_input as parse_period
from performance.selectors import METRICS

METRIC_CHOICES = [(metric.value, metric.label) for metric in METRICS]


class AttainmentQuerySerializer(serializers.Serializer):
    """The query of the attainment table."""

    unit = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, label=_("org unit"), help_text="Defaults to the caller's own unit."
    )
    period = serializers.CharField(
        required=False,
        max_length=20,
        label=_("period"),
        help_text="2026, 2026-Q3 or 2026-07; not in the future. Defaults to this month.",
    )
    metric = serializers.ChoiceField(choices=METRIC_CHOICES, required=False, label=_("metric"))

    def validate_period(self, value):
        try:
            return parse_period(value, begun=True)
        except InvalidInput as error:
            raise serializers.ValidationError(str(error.message)) from None


class RankingQuerySerializer(AttainmentQuerySerializer):
    metric = serializers.ChoiceField(choices=METRIC_CHOICES, label=_("metric"))


class FigureSerializer(serializers.Serializer):
    target = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    actual = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    rate = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True, help_text="actual ÷ target")
    rank = serializers.IntegerField(allow_null=True, help_text="Among the siblings, by rate (1 = highest).")


class AttainmentRowSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="unit or staff")
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    figures = serializers.DictField(child=FigureSerializer(), help_text="By metric.")


class AttainmentTableSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    period = serializers.CharField()
    metrics = serializers.ListField(child=serializers.CharField(), help_text="The metrics in the figures.")
    child_kind = serializers.CharField(allow_null=True, help_text="unit, staff, or null when there are no children")
    head = AttainmentRowSerializer()
    children = AttainmentRowSerializer(many=True)


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField(help_text="unit or staff")
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    target = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    actual = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    rate = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)


class RankingSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    period = serializers.CharField()
    metric = serializers.CharField()
    rows = RankingRowSerializer(many=True)


class TurnoverQuerySerializer(serializers.Serializer):
    """The query of the receivable turnover (应收周转)."""

    unit = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, label=_("org unit"), help_text="Defaults to the caller's own unit."
    )
    period = serializers.CharField(
        required=False,
        max_length=20,
        label=_("period"),
        help_text="2026, 2026-Q3 or 2026-07 (its months); not in the future. Defaults to the last 12 complete months.",
    )

    def validate_period(self, value):
        try:
            return parse_period(value, begun=True)
        except InvalidInput as error:
            raise serializers.ValidationError(str(error.message)) from None


def _ratio(help_text):
    return serializers.DecimalField(max_digits=24, decimal_places=2, allow_null=True, help_text=help_text)


def _amount(help_text):
    return serializers.DecimalField(max_digits=24, decimal_places=2, help_text=help_text)


class TurnoverFiguresSerializer(serializers.Serializer):
    """One month's receivable turnover; definitions in performance/turnover.py."""

    month = serializers.CharField()
    days = serializers.IntegerField(help_text="Days in the month.")
    sales = _amount("Invoiced in the month, cancelled invoices excluded.")
    open_at_start = _amount("Open receivable at the end of the month before.")
    open_at_end = _amount("Open receivable at the month's last day.")
    average_receivable = _amount("(open_at_start + open_at_end) / 2.")
    turnover_times = _ratio("sales × 12 / average_receivable (annualised); null when the average is 0.")
    turnover_days = _ratio("days × average_receivable / sales; null without sales.")
    sales_3m = _amount("Sales of this month and the two before.")
    days_3m = serializers.IntegerField(help_text="Days of this month and the two before.")
    dso = _ratio("open_at_end / sales_3m × days_3m; null when sales_3m is 0.")


class TurnoverChildSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    current = TurnoverFiguresSerializer(help_text="The last month of the period.")
    previous = TurnoverFiguresSerializer(help_text="The month before it.")


class TurnoverSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    months = TurnoverFiguresSerializer(many=True, help_text="Each month of the period, oldest first.")
    children = TurnoverChildSerializer(many=True, help_text="The active units directly below, in the last month.")


class ChannelSalesQuerySerializer(TurnoverQuerySerializer):
    """The query of the sales by channel: a unit (default the caller's own) and a period (default this month)."""

    period = serializers.CharField(
        required=False,
        max_length=20,
        label=_("period"),
        help_text="2026, 2026-Q3 or 2026-07; not in the future. Defaults to this month.",
    )


class ChannelSalesRowSerializer(serializers.Serializer):
    channel = serializers.IntegerField(source="channel.pk")
    external_id = serializers.CharField(source="channel.external_id", allow_null=True)
    name = serializers.CharField(source="channel.name")
    kind = serializers.CharField(source="channel.kind")
    state = serializers.CharField(source="channel.state")
    unit = serializers.IntegerField(source="channel.unit_id", help_text="The channel's district office.")
    invoiced = _amount("Invoiced through the channel in the period, cancelled invoices excluded.")
    invoice_count = serializers.IntegerField()
    collected = _amount("Allocated to its invoices in the period, not reversed; write-offs excluded.")
    open_at_end = _amount("Open receivable of its invoices at the period's last day.")


class ChannelSalesTotalSerializer(serializers.Serializer):
    invoiced = _amount("Sum of the rows.")
    invoice_count = serializers.IntegerField()
    collected = _amount("Sum of the rows.")
    open_at_end = _amount("Sum of the rows.")


class ChannelSalesSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.pk")
    period = serializers.CharField()
    rows = ChannelSalesRowSerializer(many=True, help_text="One row per channel with figures, by sales (highest first).")
    total = ChannelSalesTotalSerializer()
