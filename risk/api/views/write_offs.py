"""The bad-debt API under /api/v1/risk/: write-offs — list, detail, create (a draft), update (a draft or returned
one), and the POST actions submit / withdraw / reverse (ask for a reversal) — and recoveries (list, detail,
create). Reads go through the scope; writes through risk.services, whose refusals are JSON naming the field."""

from django.db.models import OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedViewSet, validated
from core.money import ZERO
from customers.selectors import MONEY
from risk import services
from risk.api import serializers as s
from risk.api.views.credit import CreditPermission
from risk.filtersets import RecoveryFilterSet, WriteOffFilterSet
from risk.models import Recovery, WriteOff


class WriteOffViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Write-offs of bad debt (坏账核销): a salesperson reads and proposes their own customers', a manager those of
    their part of the tree; the chain decides (approvals), up to the director for large sums."""

    queryset = WriteOff.objects.all()
    serializer_class = s.WriteOffSerializer
    filterset_class = WriteOffFilterSet
    change_action = "customer.change"
    permission_classes = [permissions.IsAuthenticated, CreditPermission]

    def narrow_queryset(self, queryset):
        recovered = Recovery.objects.unscoped().filter(write_off=OuterRef("pk")).order_by().values("write_off")
        recovered = recovered.annotate(s=Sum("amount")).values("s")
        return (
            queryset.select_related("customer")
            .prefetch_related("lines__invoice")
            .annotate(recovered=Coalesce(Subquery(recovered, output_field=MONEY), Value(ZERO), output_field=MONEY))
            .order_by("-created_at", "-id")
        )

    def _answer(self, write_off, code=status.HTTP_200_OK):
        return Response(s.WriteOffSerializer(self.get_queryset().get(pk=write_off.pk)).data, status=code)

    @extend_schema(request=s.WriteOffCreateSerializer, responses={201: s.WriteOffSerializer})
    def create(self, request):
        """Draft a write-off of `customer` (in the caller's scope): `lines` of invoices and amounts, the reason and
        the collection history; an amount above what is open, an invoice of another customer: a 400 on `lines`."""
        write_off = services.write_off_propose(**validated(self, s.WriteOffCreateSerializer), by=request.user)
        return self._answer(write_off, status.HTTP_201_CREATED)

    @extend_schema(request=s.WriteOffWriteSerializer, responses={200: s.WriteOffSerializer})
    def partial_update(self, request, pk=None):
        """Change a draft or returned write-off (every field given again; a returned one is a draft again)."""
        write_off = self.get_object()
        services.write_off_update(write_off=write_off, **validated(self, s.WriteOffWriteSerializer), by=request.user)
        return self._answer(write_off)

    @extend_schema(request=s.WriteOffEmptySerializer, responses={200: s.WriteOffSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def submit(self, request, pk=None):
        """Submit a draft or returned write-off to its approval chain."""
        write_off = self.get_object()
        validated(self, s.WriteOffEmptySerializer)
        services.write_off_submit(write_off=write_off, by=request.user)
        return self._answer(write_off)

    @extend_schema(request=s.WriteOffEmptySerializer, responses={200: s.WriteOffSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def withdraw(self, request, pk=None):
        """Withdraw a write-off not decided yet."""
        write_off = self.get_object()
        validated(self, s.WriteOffEmptySerializer)
        services.write_off_withdraw(write_off=write_off, by=request.user)
        return self._answer(write_off)

    @extend_schema(request=s.WriteOffReverseSerializer, responses={200: s.WriteOffSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def reverse(self, request, pk=None):
        """Ask for an approved write-off to be reversed (submitted at once: the region, then the center); one with
        recoveries, or with a reversal already on its way, is a 409."""
        write_off = self.get_object()
        services.write_off_reversal_request(write_off=write_off, **validated(self, s.WriteOffReverseSerializer), by=request.user)
        return self._answer(write_off)


class RecoveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Money recovered on written-off debt (坏账收回), reported apart from collections. POST records it against the
    customer's write-offs in force, oldest first (a 400 on `customer` when it has none, on `amount` beyond them)."""

    queryset = Recovery.objects.all()
    serializer_class = s.RecoverySerializer
    filterset_class = RecoveryFilterSet
    change_action = "customer.change"
    permission_classes = [permissions.IsAuthenticated, CreditPermission]

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer").order_by("-received_on", "-id")

    @extend_schema(request=s.RecoveryCreateSerializer, responses={201: s.RecoverySerializer(many=True)})
    def create(self, request):
        rows = services.recovery_record(**validated(self, s.RecoveryCreateSerializer), by=request.user)
        data = s.RecoverySerializer(self.get_queryset().filter(pk__in=[row.pk for row in rows]).order_by("id"), many=True).data
        return Response(data, status=status.HTTP_201_CREATED)
