"""The risk API: special events (list, detail with steps and timeline, report). Reads go through the scope
(`ScopedViewSet`), writes through risk.services; a refusal is JSON naming the field (400/403/409/422)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from core.api import ScopedViewSet
from risk import services
from risk.api import serializers as s
from risk.filtersets import SpecialEventFilterSet
from risk.models import SpecialEvent


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
