"""Reads of channels: figures for pages and the API, computed in the database. Never writes."""

from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Func, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from budgets.choices import COUNTED_STATES
from channels.choices import MovementKind
from channels.models_promotion import EventExpense, EventLead, EventSale, MaterialMovement

MONEY = DecimalField(max_digits=18, decimal_places=2)
RATIO = DecimalField(max_digits=24, decimal_places=6)
ZERO = Decimal("0.00")


class Ratio(Func):
    """a ÷ b in the database, NULL when b is 0. PostgreSQL divides numerics exactly (rounded to RATIO's six places
    when read); SQLite (the zero-setup development database) would divide two whole amounts as integers, so there
    the dividend is made REAL first."""

    arity = 2
    output_field = RATIO

    dividend = "%s"

    def as_sql(self, compiler, connection, **extra):
        a, b = self.get_source_expressions()
        a_sql, a_params = compiler.compile(a)
        b_sql, b_params = compiler.compile(b)
        return f"({self.dividend % a_sql} / NULLIF({b_sql}, 0))", (*a_params, *b_params)

    def as_sqlite(self, compiler, connection, **extra):
        self.dividend = "CAST(%s AS REAL)"
        return self.as_sql(compiler, connection, **extra)


# --- promotional materials ------------------------------------------------------------------------
def stock_with_value(queryset):
    """Stock rows with their item and unit, and `value` = quantity × the item's unit cost (in the database)."""
    return queryset.select_related("unit", "item").annotate(
        value=ExpressionWrapper(F("quantity") * F("item__unit_cost"), output_field=MONEY)
    )


# --- promotion events -----------------------------------------------------------------------------
def _sum(queryset, expression, key):
    """A correlated subquery: the sum of `expression` over `queryset` per `key` (0 when nothing)."""
    rows = queryset.filter(**{key: OuterRef("pk")}).order_by().values(key).annotate(total=Sum(expression)).values("total")
    return Coalesce(Subquery(rows, output_field=MONEY), Value(ZERO), output_field=MONEY)


def events_with_results(queryset):
    """Events with their figures, all computed in the database:
    `lead_count`, `converted_count` (leads that became customers), `sales_total` (attributed sales), `expense_total` (its counted
    expenses: within budget, or beyond it and approved), `material_cost` (the cost of materials used at it),
    `cost` (expense_total + material_cost), `cost_per_lead` (cost ÷ leads) and `cost_per_yuan` (cost ÷ sales; None
    where the divisor is zero)."""
    leads = EventLead.objects.unscoped().filter(event=OuterRef("pk")).order_by().values("event")
    queryset = queryset.annotate(
        lead_count=Coalesce(Subquery(leads.annotate(n=Count("id")).values("n"), output_field=IntegerField()), Value(0)),
        converted_count=Coalesce(
            Subquery(leads.filter(customer__isnull=False).annotate(n=Count("id")).values("n"), output_field=IntegerField()),
            Value(0),
        ),
        sales_total=_sum(EventSale.objects.unscoped(), F("amount"), "event"),
        expense_total=_sum(
            EventExpense.objects.unscoped().filter(expense__state__in=COUNTED_STATES), F("expense__amount"), "event"
        ),
        material_cost=_sum(
            MaterialMovement.objects.unscoped().filter(kind=MovementKind.CONSUMPTION),
            ExpressionWrapper(-F("quantity") * F("item__unit_cost"), output_field=MONEY),
            "event",
        ),
    )
    return queryset.annotate(
        cost=ExpressionWrapper(F("expense_total") + F("material_cost"), output_field=MONEY),
        cost_per_lead=Ratio(F("cost"), F("lead_count")),
        cost_per_yuan=Ratio(F("cost"), F("sales_total")),
    )


def unit_results(events):
    """Per unit, over `events` (already scoped and filtered): events, leads, converted, sales, cost and the two
    ratios — one GROUP BY in the database over the per-event figures."""
    return (
        events_with_results(events.order_by())
        .values("unit_id", "unit__name", "unit__code")
        .annotate(
            events=Count("id"),
            total_leads=Sum("lead_count"),
            total_converted=Sum("converted_count"),
            total_sales=Sum("sales_total"),
            total_cost=Sum("cost"),
        )
        .annotate(cost_per_lead=Ratio(F("total_cost"), F("total_leads")), cost_per_yuan=Ratio(F("total_cost"), F("total_sales")))
        .order_by("unit__code")
    )
