"""The promotional-materials API under /api/v1/channels/: the catalogue, stock and the ledger (read; receipts,
adjustments and use at events are POSTs that write a ledger row), dispatches (send, receive) and requirement
plans (draft, change, submit, withdraw). Reads go through the scope; writes through channels.services, whose
refusals are JSON naming the field."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from channels import selectors, services
from channels.api.serializers import materials as s
from channels.filtersets import (
    MaterialDispatchFilterSet,
    MaterialItemFilterSet,
    MaterialMovementFilterSet,
    MaterialRequestFilterSet,
    MaterialStockFilterSet,
)
from channels.models_promotion import MaterialDispatch, MaterialItem, MaterialMovement, MaterialRequest, MaterialStock
from core.api import ScopedViewSet, validated


class MaterialItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The catalogue of promotional materials: everyone reads it; the Development Center adds to it."""

    queryset = MaterialItem.objects.all()
    serializer_class = s.MaterialItemSerializer
    filterset_class = MaterialItemFilterSet
    change_action = "product.change"

    @extend_schema(request=s.MaterialItemWriteSerializer, responses={201: s.MaterialItemSerializer})
    def create(self, request):
        item = services.material_item_create(**validated(self, s.MaterialItemWriteSerializer), by=request.user)
        return Response(s.MaterialItemSerializer(item).data, status=status.HTTP_201_CREATED)


class MaterialStockViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Each unit's stock of each material, with its value (quantity × unit cost). Read only: stock changes
    through the ledger's receipts, adjustments, dispatches and use at events."""

    queryset = MaterialStock.objects.all()
    serializer_class = s.MaterialStockSerializer
    filterset_class = MaterialStockFilterSet

    def narrow_queryset(self, queryset):
        return selectors.stock_with_value(queryset).order_by("unit__path", "item__code")


class MaterialMovementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The ledger of every change of stock. POST `receipt` (from a supplier), `adjustment` (stock-take, ±, with
    a note) and `consumption` (used at a promotion event) each write one row; taking a stock below zero is a
    400 on `quantity` with nothing written."""

    queryset = MaterialMovement.objects.all()
    serializer_class = s.MaterialMovementSerializer
    filterset_class = MaterialMovementFilterSet
    change_action = "expense.change"  # the services ask the precise rule (material.stock / material.consume)

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "item").order_by("-id")

    def _created(self, movement):
        return Response(
            s.MaterialMovementSerializer(self.get_queryset().get(pk=movement.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=s.StockChangeSerializer, responses={201: s.MaterialMovementSerializer})
    @action(detail=False, methods=["post"], filterset_class=None, pagination_class=None)
    def receipt(self, request):
        data = validated(self, s.StockChangeSerializer)
        return self._created(services.material_receive(**data, by=request.user))

    @extend_schema(request=s.StockChangeSerializer, responses={201: s.MaterialMovementSerializer})
    @action(detail=False, methods=["post"], filterset_class=None, pagination_class=None)
    def adjustment(self, request):
        data = validated(self, s.StockChangeSerializer)
        return self._created(services.material_adjust(**data, by=request.user))

    @extend_schema(request=s.ConsumptionSerializer, responses={201: s.MaterialMovementSerializer})
    @action(detail=False, methods=["post"], filterset_class=None, pagination_class=None)
    def consumption(self, request):
        data = validated(self, s.ConsumptionSerializer)
        return self._created(services.material_consume(**data, by=request.user))


class MaterialDispatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Dispatches from the center's or a region's stock to a unit below it; the receiver confirms receipt."""

    queryset = MaterialDispatch.objects.all()
    serializer_class = s.MaterialDispatchSerializer
    filterset_class = MaterialDispatchFilterSet
    change_action = "budget.change"

    def narrow_queryset(self, queryset):
        return queryset.select_related("from_unit", "to_unit", "item").order_by("-id")

    def _answer(self, dispatch, code=status.HTTP_200_OK):
        return Response(s.MaterialDispatchSerializer(self.get_queryset().get(pk=dispatch.pk)).data, status=code)

    @extend_schema(request=s.MaterialDispatchCreateSerializer, responses={201: s.MaterialDispatchSerializer})
    def create(self, request):
        dispatch = services.material_dispatch(**validated(self, s.MaterialDispatchCreateSerializer), by=request.user)
        return self._answer(dispatch, status.HTTP_201_CREATED)

    @extend_schema(request=s.MaterialReceiveSerializer, responses={200: s.MaterialDispatchSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def receive(self, request, pk=None):
        dispatch = self.get_object()
        services.material_dispatch_receive(dispatch=dispatch, **validated(self, s.MaterialReceiveSerializer), by=request.user)
        return self._answer(dispatch)


class MaterialRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Requirement plans for promotional materials (推广用品需求计划) by unit and period, decided by the Development
    Center; approved plans are dispatched against (their lines count what has been sent)."""

    queryset = MaterialRequest.objects.all()
    serializer_class = s.MaterialRequestSerializer
    filterset_class = MaterialRequestFilterSet
    change_action = "budget.change"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit").prefetch_related("lines__item").order_by("-id")

    def _answer(self, plan, code=status.HTTP_200_OK):
        return Response(s.MaterialRequestSerializer(self.get_queryset().get(pk=plan.pk)).data, status=code)

    @extend_schema(request=s.MaterialRequestCreateSerializer, responses={201: s.MaterialRequestSerializer})
    def create(self, request):
        plan = services.material_request_create(**validated(self, s.MaterialRequestCreateSerializer), by=request.user)
        return self._answer(plan, status.HTTP_201_CREATED)

    @extend_schema(request=s.MaterialRequestWriteSerializer, responses={200: s.MaterialRequestSerializer})
    def partial_update(self, request, pk=None):
        """Change a draft, returned or withdrawn plan (every field given again)."""
        plan = self.get_object()
        services.material_request_update(request=plan, **validated(self, s.MaterialRequestWriteSerializer), by=request.user)
        return self._answer(plan)

    @extend_schema(request=s.EmptySerializer, responses={200: s.MaterialRequestSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def submit(self, request, pk=None):
        plan = self.get_object()
        validated(self, s.EmptySerializer)
        services.material_request_submit(request=plan, by=request.user)
        return self._answer(plan)

    @extend_schema(request=s.EmptySerializer, responses={200: s.MaterialRequestSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def withdraw(self, request, pk=None):
        plan = self.get_object()
        validated(self, s.EmptySerializer)
        services.material_request_withdraw(request=plan, by=request.user)
        return self._answer(plan)
