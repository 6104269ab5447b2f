"""The complaints API under /api/v1/relations/complaints/: list (the FilterSet of the pages), detail (with the SLA
state, the log of steps and the escalations), create, partial update (severity, cause, description), the POST
actions start, step, resolve, close (with the customer's confirmation), reopen and report-breach, and the bulk
upsert by external id for branch systems. Reads go through the scope (`ScopedViewSet`), writes through
relations.services; a refusal is JSON naming the field (400/403/409/422)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedViewSet, validated
from core.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from customers.api import bulk as ledger_bulk
from relations import services
from relations.api.bulk_complaints import ComplaintBulk
from relations.api.serializers import complaints as s
from relations.filtersets.complaints import ComplaintFilterSet
from relations.models.complaints import Complaint

__all__ = ["ComplaintViewSet"]

BULK_SCHEMA = {
    "request": ledger_bulk.BulkRequestSerializer,
    "responses": {200: ledger_bulk.BulkResponseSerializer, 400: ledger_bulk.BulkRefusalSerializer},
}


class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Product and channel complaints (投诉) of the caller's scope: a salesperson's are those of their own customers,
    a manager's those of their part of the tree, a branch system's those of its part."""

    queryset = Complaint.objects.all()
    serializer_class = s.ComplaintSerializer
    filterset_class = ComplaintFilterSet
    change_action = "customer.change"

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer").prefetch_related("steps", "escalations").order_by("-received_on", "-id")

    def _answer(self, complaint, code=status.HTTP_200_OK):
        return Response(s.ComplaintSerializer(self.get_queryset().get(pk=complaint.pk)).data, status=code)

    @extend_schema(
        request=s.ComplaintCreateSerializer, responses={201: s.ComplaintSerializer}, parameters=[IDEMPOTENCY_PARAMETER]
    )
    @idempotent
    def create(self, request):
        """Log a complaint about a product the company sells or a channel in the caller's scope."""
        complaint = services.complaint_create(by=request.user, **validated(self, s.ComplaintCreateSerializer))
        return self._answer(complaint, status.HTTP_201_CREATED)

    @extend_schema(request=s.ComplaintUpdateSerializer, responses={200: s.ComplaintSerializer})
    def partial_update(self, request, pk=None):
        """Change the severity (the SLA's due day follows), cause or description of a complaint not closed."""
        complaint = self.get_object()
        services.complaint_update(
            by=request.user, complaint=complaint, **validated(self, s.ComplaintUpdateSerializer, partial=True)
        )
        return self._answer(complaint)

    @extend_schema(request=s.ComplaintEmptySerializer, responses={200: s.ComplaintSerializer}, filters=False)
    @action(detail=True, methods=["post"], filterset_class=None)
    def start(self, request, pk=None):
        """Open or reopened → in progress."""
        complaint = self.get_object()
        validated(self, s.ComplaintEmptySerializer)
        services.complaint_start(by=request.user, complaint=complaint)
        return self._answer(complaint)

    @extend_schema(request=s.ComplaintStepInputSerializer, responses={200: s.ComplaintSerializer}, filters=False)
    @action(detail=True, methods=["post"], filterset_class=None)
    def step(self, request, pk=None):
        """Record a step taken (an open complaint moves to in progress with it)."""
        complaint = self.get_object()
        data = validated(self, s.ComplaintStepInputSerializer)
        services.complaint_step_add(by=request.user, complaint=complaint, note=data["note"], on=data.get("on"))
        return self._answer(complaint)

    @extend_schema(request=s.ComplaintResultSerializer, responses={200: s.ComplaintSerializer}, filters=False)
    @action(detail=True, methods=["post"], filterset_class=None)
    def resolve(self, request, pk=None):
        """Give the complaint's result (required: 422 on `result` without one)."""
        complaint = self.get_object()
        data = validated(self, s.ComplaintResultSerializer)
        services.complaint_resolve(by=request.user, complaint=complaint, result=data.get("result"), on=data.get("resolved_on"))
        return self._answer(complaint)

    @extend_schema(request=s.ComplaintCloseSerializer, responses={200: s.ComplaintSerializer}, filters=False)
    @action(detail=True, methods=["post"], filterset_class=None)
    def close(self, request, pk=None):
        """Close with the customer's confirmation; a complaint without a result needs `result` (else 422 on it)."""
        complaint = self.get_object()
        data = validated(self, s.ComplaintCloseSerializer)
        services.complaint_close(
            by=request.user,
            complaint=complaint,
            confirmation=data["confirmation"],
            note=data.get("confirmation_note", ""),
            result=data.get("result"),
            on=data.get("closed_on"),
        )
        return self._answer(complaint)

    @extend_schema(request=s.ComplaintReopenSerializer, responses={200: s.ComplaintSerializer}, filters=False)
    @action(detail=True, methods=["post"], filterset_class=None)
    def reopen(self, request, pk=None):
        """Reopen a resolved or closed complaint (the customer is not satisfied), with the reason."""
        complaint = self.get_object()
        services.complaint_reopen(
            by=request.user, complaint=complaint, reason=validated(self, s.ComplaintReopenSerializer)["reason"]
        )
        return self._answer(complaint)

    @extend_schema(request=s.ComplaintBreachSerializer, responses={200: s.ComplaintSerializer}, filters=False)
    @action(detail=True, methods=["post"], url_path="report-breach", filterset_class=None)
    def report_breach(self, request, pk=None):
        """Report that the complaint is past its SLA: it is escalated one level at once (409 when it is closed, has
        its result, is not past its due day, or was escalated today)."""
        complaint = self.get_object()
        data = validated(self, s.ComplaintBreachSerializer)
        services.complaint_report_breach(by=request.user, complaint=complaint, note=data.get("note", ""))
        return self._answer(complaint)

    @extend_schema(**BULK_SCHEMA)
    @action(detail=False, methods=["post"], url_path="bulk", filterset_class=None, pagination_class=None)
    def bulk(self, request):
        """Upsert up to 1,000 complaints keyed by `external_id`, all or nothing (the customers' rules)."""
        return ComplaintBulk(request=request).response()
