"""The visits API: visits (list, detail, record, change, bulk upsert by external id) and the visit plan (the planned
visits, read only). Reads go through the scope (`ScopedViewSet`), writes through relations.services; a refusal is
JSON naming the field (400/403/409)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedViewSet, validated
from core.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from customers.api import bulk as ledger_bulk
from relations.api.bulk_visits import VisitBulk
from relations.api.serializers.visits import VisitSerializer, VisitWriteSerializer
from relations.filtersets.visits import VisitFilterSet
from relations.models.visits import Visit, VisitState
from relations.rights.visits import VISIT_RIGHT
from relations.services import visits as services

BULK_SCHEMA = {
    "request": ledger_bulk.BulkRequestSerializer,
    "responses": {200: ledger_bulk.BulkResponseSerializer, 400: ledger_bulk.BulkRefusalSerializer},
}


class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Visits (客户走访) to customers and channels: planned or done, with what was discussed, the customer's needs,
    the competitors mentioned and the next step (a task of the visitor's once the visit is done)."""

    queryset = Visit.objects.all()
    serializer_class = VisitSerializer
    filterset_class = VisitFilterSet
    change_action = VISIT_RIGHT

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer", "channel", "unit", "salesperson").order_by("-on", "-id")

    def _answer(self, visit, status_code=status.HTTP_200_OK):
        obj = self.get_queryset().get(pk=visit.pk)
        return Response(VisitSerializer(obj, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(request=VisitWriteSerializer, responses={201: VisitSerializer}, parameters=[IDEMPOTENCY_PARAMETER])
    @idempotent
    def create(self, request):
        """Record a visit (done today by default) or plan one (`state: planned`). A done visit in the future is
        refused on `on`."""
        visit = services.visit_record(by=request.user, **validated(self, VisitWriteSerializer))
        return self._answer(visit, status.HTTP_201_CREATED)

    @extend_schema(request=VisitWriteSerializer, responses={200: VisitSerializer})
    def partial_update(self, request, pk=None):
        """Change a visit: its record, mark a planned visit done (not before its day), or cancel it."""
        visit = self.get_object()
        services.visit_update(by=request.user, visit=visit, **validated(self, VisitWriteSerializer, partial=True))
        return self._answer(visit)

    @extend_schema(**BULK_SCHEMA)
    @action(detail=False, methods=["post"], url_path="bulk", filterset_class=None, pagination_class=None)
    def bulk(self, request):
        """Upsert up to 1,000 visits keyed by `external_id`, all or nothing (the customers' rules)."""
        return VisitBulk(request=request).response()


class VisitPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The visit plan: the planned visits (who visits which customer or channel, when) of the caller's scope. Read
    only; a visit is planned and marked done through /visits/."""

    queryset = Visit.objects.filter(state=VisitState.PLANNED)
    serializer_class = VisitSerializer
    filterset_class = VisitFilterSet

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer", "channel", "unit", "salesperson").order_by("on", "id")
