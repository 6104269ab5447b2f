"""The risk API under /api/v1/risk/: customers' and sales staff's current credit grades (branch systems pull
their customers' grades) and the rating schemes. Read-only: schemes are drafted on the pages and decided
through approvals; grades come from the rating run. Reads go through the scope (`ScopedViewSet`)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from core.api import ScopedViewSet
from risk import services
from risk.api import serializers as s
from risk.filtersets import CustomerRatingFilterSet, SchemeFilterSet, SpecialEventFilterSet, StaffRatingFilterSet
from risk.models import CustomerRating, RatingScheme, SpecialEvent, StaffRating


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


class SpecialEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Special events (突发事件): reported by anyone for a unit in their scope; the regional manager and the
    Development Center are told at once. The detail carries the procedure (steps) and the timeline."""

    queryset = SpecialEvent.objects.all()
    serializer_class = s.SpecialEventSerializer
    filterset_class = SpecialEventFilterSet
    change_action = "event.report"

    def narrow_queryset(self, queryset):
        queryset = queryset.select_related("unit", "owner", "reported_by")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("customers", "products", "steps__owner", "entries__by")
        return queryset.order_by("-occurred_on", "-id")

    def get_serializer_class(self):
        return s.SpecialEventDetailSerializer if self.action == "retrieve" else s.SpecialEventSerializer

    @extend_schema(request=s.SpecialEventWriteSerializer, responses={201: s.SpecialEventDetailSerializer})
    def create(self, request):
        """Report a special event; its owner is the unit's manager."""
        serializer = s.SpecialEventWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        event = services.event_report(**serializer.validated_data, by=request.user)
        obj = SpecialEvent.objects.filter(pk=event.pk).select_related("unit", "owner", "reported_by").get()
        return Response(
            s.SpecialEventDetailSerializer(obj, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )
