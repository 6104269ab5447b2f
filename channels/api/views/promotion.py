"""The promotion-events API under /api/v1/channels/promotion-events/: the archive (filtered by kind, unit, product,
period) with each event's figures computed in the database; create and change an event; POST actions to invite a
guest, capture a lead, attribute a sale and record an expense (through budgets)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from channels import selectors, services
from channels.api.serializers import promotion as s
from channels.filtersets import PromotionEventFilterSet
from channels.models_promotion import PromotionEvent
from core.api import ScopedViewSet, validated


class PromotionEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Promotion events (推广活动): a salesperson reads and holds their own, a manager those of their part of the
    tree. Each carries its leads, converted leads, attributed sales, counted expenses, materials used, cost, cost
    per lead and cost per yuan of sales."""

    queryset = PromotionEvent.objects.all()
    serializer_class = s.PromotionEventSerializer
    filterset_class = PromotionEventFilterSet
    change_action = "expense.change"

    def narrow_queryset(self, queryset):
        queryset = selectors.events_with_results(queryset.select_related("unit").prefetch_related("products"))
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("participants", "leads", "sales")
        return queryset.order_by("-starts_on", "-id")

    def get_serializer_class(self):
        return s.PromotionEventDetailSerializer if self.action == "retrieve" else s.PromotionEventSerializer

    def _answer(self, event, code=status.HTTP_200_OK):
        obj = self.get_queryset().prefetch_related("participants", "leads", "sales").get(pk=event.pk)
        return Response(s.PromotionEventDetailSerializer(obj).data, status=code)

    @extend_schema(request=s.PromotionEventCreateSerializer, responses={201: s.PromotionEventDetailSerializer})
    def create(self, request):
        event = services.promotion_event_create(**validated(self, s.PromotionEventCreateSerializer), by=request.user)
        return self._answer(event, status.HTTP_201_CREATED)

    @extend_schema(request=s.PromotionEventWriteSerializer, responses={200: s.PromotionEventDetailSerializer})
    def partial_update(self, request, pk=None):
        """Change the event's particulars (every field given again; its unit stays)."""
        event = self.get_object()
        services.promotion_event_update(event=event, **validated(self, s.PromotionEventWriteSerializer), by=request.user)
        return self._answer(event)

    @extend_schema(request=s.ParticipantInputSerializer, responses={200: s.PromotionEventDetailSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def participants(self, request, pk=None):
        """Invite a customer or a channel (`attended` once they came)."""
        event = self.get_object()
        services.promotion_participant_add(event=event, **validated(self, s.ParticipantInputSerializer), by=request.user)
        return self._answer(event)

    @extend_schema(request=s.LeadInputSerializer, responses={200: s.PromotionEventDetailSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def leads(self, request, pk=None):
        event = self.get_object()
        services.promotion_lead_capture(event=event, **validated(self, s.LeadInputSerializer), by=request.user)
        return self._answer(event)

    @extend_schema(request=s.SaleInputSerializer, responses={200: s.PromotionEventDetailSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def sales(self, request, pk=None):
        """Attribute a sale; outside the attribution window (settings.PROMOTION_ATTRIBUTION_DAYS) a 400 on `invoice`."""
        event = self.get_object()
        services.promotion_sale_attribute(event=event, **validated(self, s.SaleInputSerializer), by=request.user)
        return self._answer(event)

    @extend_schema(request=s.ExpenseInputSerializer, responses={200: s.PromotionEventDetailSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def expenses(self, request, pk=None):
        """Record an expense of the event through budgets (beyond budget: waits for the over-budget approval)."""
        event = self.get_object()
        services.promotion_expense_record(event=event, **validated(self, s.ExpenseInputSerializer), by=request.user)
        return self._answer(event)
