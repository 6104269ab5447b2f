"""The foresight API under /api/v1/risk/forecasts/: each customer's probability of going more than 90 days
overdue within 90 days, with its top reasons and the model behind it. Read-only (the nightly scoring writes
them); reads go through the scope."""

from rest_framework import mixins

from core.api import ScopedViewSet
from risk.api.serializers import CustomerForecastSerializer
from risk.filtersets import CustomerForecastFilterSet
from risk.models import CustomerForecast


class CustomerForecastViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Customers' current default forecasts (the probability is 0–1)."""

    queryset = CustomerForecast.objects.all()
    serializer_class = CustomerForecastSerializer
    filterset_class = CustomerForecastFilterSet

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer", "model").order_by("id")
