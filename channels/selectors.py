"""Reads of channels: figures for pages and the API, computed in the database. Never writes."""

from django.db.models import DecimalField, ExpressionWrapper, F

MONEY = DecimalField(max_digits=18, decimal_places=2)


# --- promotional materials ------------------------------------------------------------------------
def stock_with_value(queryset):
    """Stock rows with their item and unit, and `value` = quantity × the item's unit cost (in the database)."""
    return queryset.select_related("unit", "item").annotate(
        value=ExpressionWrapper(F("quantity") * F("item__unit_cost"), output_field=MONEY)
    )
