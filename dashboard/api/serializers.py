"""Serializers of the dashboard API: the query and the answer (documented for drf-spectacular)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from performance.api.serializers import TurnoverFiguresSerializer

MONEY = {"max_digits": 18, "decimal_places": 2}
RATE = {"max_digits": 12, "decimal_places": 4}


class DashboardQuerySerializer(serializers.Serializer):
    """The subject of the dashboard: a unit or a salesperson inside the caller's scope."""

    unit = serializers.CharField(
        required=False, max_length=40, label=_("org unit"), help_text="Org unit id; default: the caller's own unit."
    )
    staff = serializers.CharField(
        required=False, max_length=40, label=_("salesperson"), help_text="Salesperson id (drills below a district office)."
    )


class DashboardFigureSerializer(serializers.Serializer):
    target = serializers.DecimalField(**MONEY, allow_null=True)
    actual = serializers.DecimalField(**MONEY, allow_null=True, help_text="null when the metric is not recorded yet.")
    rate = serializers.DecimalField(**RATE, allow_null=True, help_text="actual ÷ target")
    rank = serializers.IntegerField(allow_null=True, help_text="Among the siblings, by rate (1 = highest).")
    recorded = serializers.BooleanField(help_text="False: no facts of this metric are recorded yet (new channels).")


class DashboardFiguresSerializer(serializers.Serializer):
    sales_amount = DashboardFigureSerializer()
    collections = DashboardFigureSerializer()
    new_customers = DashboardFigureSerializer()
    new_channels = DashboardFigureSerializer()


class DashboardChildReceivablesSerializer(serializers.Serializer):
    total = serializers.DecimalField(**MONEY)
    overdue = serializers.DecimalField(**MONEY)
    overdue_share = serializers.DecimalField(**RATE, allow_null=True)


class DashboardSubjectSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="unit or staff")
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    month = DashboardFiguresSerializer()
    year = DashboardFiguresSerializer()


class DashboardChildSerializer(serializers.Serializer):
    """A unit or salesperson directly below (figures and receivables), or a customer of a salesperson
    (year_sales, open_amount, credit_limit)."""

    kind = serializers.CharField(help_text="unit, staff or customer")
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    month = DashboardFiguresSerializer(required=False)
    year = DashboardFiguresSerializer(required=False)
    receivables = DashboardChildReceivablesSerializer(required=False)
    year_sales = serializers.DecimalField(**MONEY, required=False)
    open_amount = serializers.DecimalField(**MONEY, required=False)
    credit_limit = serializers.DecimalField(**MONEY, required=False)
    is_key = serializers.BooleanField(required=False)


class DashboardRankSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    target = serializers.DecimalField(**MONEY, allow_null=True)
    actual = serializers.DecimalField(**MONEY, allow_null=True)
    rate = serializers.DecimalField(**RATE, allow_null=True)
    rank = serializers.IntegerField()


class DashboardRankingsSerializer(serializers.Serializer):
    month = DashboardRankSerializer(many=True)
    year = DashboardRankSerializer(many=True)


class DashboardBucketSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    amount = serializers.DecimalField(**MONEY)
    count = serializers.IntegerField(help_text="Open invoices.")


class DashboardReceivablesSerializer(serializers.Serializer):
    as_of = serializers.DateField(allow_null=True, help_text="The snapshot date; null before the first snapshot.")
    total = serializers.DecimalField(**MONEY)
    overdue = serializers.DecimalField(**MONEY)
    overdue_share = serializers.DecimalField(**RATE, allow_null=True)
    invoice_count = serializers.IntegerField()
    buckets = DashboardBucketSerializer(many=True)


class DashboardOverduePointSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    total = serializers.DecimalField(**MONEY)
    overdue = serializers.DecimalField(**MONEY)
    share = serializers.DecimalField(**RATE, allow_null=True)


class DashboardCreditSerializer(serializers.Serializer):
    customers_over_limit = serializers.IntegerField()
    amount_over_limit = serializers.DecimalField(**MONEY)


class DashboardTrendSerializer(serializers.Serializer):
    month = serializers.CharField()
    sales = serializers.DecimalField(**MONEY)
    sales_mom = serializers.DecimalField(**RATE, allow_null=True, help_text="Change on the month before (0.1 = +10 %).")
    sales_yoy = serializers.DecimalField(**RATE, allow_null=True, help_text="Change on the same month a year before.")
    collections = serializers.DecimalField(**MONEY)
    collections_mom = serializers.DecimalField(**RATE, allow_null=True)
    collections_yoy = serializers.DecimalField(**RATE, allow_null=True)


class DashboardAlertSubjectSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    name = serializers.CharField()
    is_head = serializers.BooleanField()


class DashboardAlertSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="below_pace, overdue_share, over_credit_limit, approvals_overdue, tasks_overdue or early_warning"
    )
    level = serializers.CharField(help_text="warning or danger")
    period = serializers.CharField(allow_null=True)
    subject = DashboardAlertSubjectSerializer(allow_null=True)
    value = serializers.DecimalField(**RATE)
    threshold = serializers.DecimalField(**RATE, allow_null=True)
    message = serializers.CharField()


class DashboardWorklistSerializer(serializers.Serializer):
    waiting = serializers.IntegerField()
    waiting_overdue = serializers.IntegerField()
    submitted = serializers.IntegerField()
    returned = serializers.IntegerField()
    tasks_open = serializers.IntegerField()
    tasks_overdue = serializers.IntegerField()
    unread = serializers.IntegerField()
    events_open = serializers.IntegerField(help_text="Open special events (risk) the person owns.")
    warnings_open = serializers.IntegerField(help_text="Open early warnings (risk) the person owns.")


class DashboardPeriodsSerializer(serializers.Serializer):
    month = serializers.CharField()
    year = serializers.CharField()


class DashboardPaceSerializer(serializers.Serializer):
    month = serializers.DecimalField(**RATE)
    year = serializers.DecimalField(**RATE)


class DashboardTurnoverSerializer(serializers.Serializer):
    """Receivable turnover (应收周转) of the unit, from performance.turnover (definitions there)."""

    month = serializers.CharField(help_text="The last complete month.")
    last = TurnoverFiguresSerializer(help_text="The figures of that month.")
    before = TurnoverFiguresSerializer(help_text="The figures of the month before.")
    dso_change = serializers.DecimalField(max_digits=24, decimal_places=2, allow_null=True, help_text="DSO − the month before's.")
    days_change = serializers.DecimalField(
        max_digits=24, decimal_places=2, allow_null=True, help_text="Turnover days − the month before's."
    )
    times_change = serializers.DecimalField(
        max_digits=24, decimal_places=2, allow_null=True, help_text="Turnover times − the month before's."
    )
    months = TurnoverFiguresSerializer(many=True, help_text="The 12 months up to the last complete one, oldest first.")


class DashboardSerializer(serializers.Serializer):
    today = serializers.DateField()
    level = serializers.CharField(help_text="center, region, province, district or staff")
    unit = serializers.IntegerField()
    staff = serializers.IntegerField(allow_null=True)
    periods = DashboardPeriodsSerializer()
    pace = DashboardPaceSerializer(help_text="Share of the month and of the year elapsed.")
    head = DashboardSubjectSerializer()
    child_kind = serializers.CharField(allow_null=True, help_text="unit, staff, customer or null")
    children = DashboardChildSerializer(many=True)
    rankings = DashboardRankingsSerializer(allow_null=True)
    receivables = DashboardReceivablesSerializer()
    overdue_trend = DashboardOverduePointSerializer(many=True)
    credit = DashboardCreditSerializer()
    trend = DashboardTrendSerializer(many=True)
    turnover = DashboardTurnoverSerializer(allow_null=True, help_text="A unit's receivable turnover; null for a salesperson.")
    own = serializers.BooleanField(
        help_text="True on the caller's own dashboard (their unit, the company for the center, or themself)."
    )
    worklist = DashboardWorklistSerializer(help_text="The caller's own to-dos, whatever unit or person is shown.")
    alerts = DashboardAlertSerializer(
        many=True,
        help_text="Alerts about the unit or person shown; on the caller's own dashboard also their overdue approvals and tasks.",
    )
    viewer_alerts = DashboardAlertSerializer(
        many=True,
        help_text="The caller's own overdue approvals and tasks (approvals_overdue, tasks_overdue), on every dashboard.",
    )
