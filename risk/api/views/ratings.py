"""The risk API under /api/v1/risk/: customers' and sales staff's current credit grades (branch systems pull
their customers' grades) and the rating schemes. Read-only: schemes are drafted on the pages and decided
through approvals; grades come from the rating run. Reads go through the scope (`ScopedViewSet`)."""

from rest_framework import mixins

from core.api import ScopedViewSet
from risk.api import serializers as s
from risk.filtersets import CustomerRatingFilterSet, SchemeFilterSet, StaffRatingFilterSet
from risk.models import CustomerRating, RatingScheme, StaffRating


class CustomerRatingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Customers' current grades with the factor values behind them."""

    queryset = CustomerRating.objects.all()
    serializer_class = s.CustomerRatingSerializer
    filterset_class = CustomerRatingFilterSet

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer").order_by("id")


class StaffRatingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Sales staff's current grades with the factor values behind them."""

    queryset = StaffRating.objects.all()
    serializer_class = s.StaffRatingSerializer
    filterset_class = StaffRatingFilterSet

    def narrow_queryset(self, queryset):
        return queryset.select_related("staff").order_by("id")


class RatingSchemeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The rating schemes (company policy: every principal inside the organisation reads them)."""

    queryset = RatingScheme.objects.all()
    serializer_class = s.RatingSchemeSerializer
    filterset_class = SchemeFilterSet

    def narrow_queryset(self, queryset):
        return queryset.prefetch_related("factors").order_by("id")
