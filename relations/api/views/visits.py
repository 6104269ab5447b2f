"""The visits API: visits (list, detail, record, change, bulk upsert by external id), the visit plan (the planned
visits, read only), the visit rules (everyone reads them, the center sets them) and the coverage of key customers of
a unit (figures, not objects: the unit is looked up in the caller's scope, 404 outside). Reads go through the scope
(`ScopedViewSet`), writes through relations.services; a refusal is JSON naming the field (400/403/409)."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core import audit
from core.api import ScopedViewSet, validated
from core.errors import InvalidInput
from core.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from core.roles import staff_of
from core.scoping import get_in_scope
from customers.api import bulk as ledger_bulk
from regions.models import OrgUnit
from relations.api.bulk_visits import VisitBulk
from relations.api.serializers.visits import (
    VisitRuleChangeSerializer,
    VisitRuleSerializer,
    VisitRuleWriteSerializer,
    VisitSerializer,
    VisitWriteSerializer,
)
from relations.filtersets.visits import VisitFilterSet
from relations.models.visits import Visit, VisitRule, VisitState
from relations.rights.visits import VISIT_RIGHT
from relations.selectors.visits import coverage
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


class VisitRuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The visit rules (走访频次): how often a class of customers — key customers, customers with an open receivable,
    the other active customers — is due a visit, optionally for one type of customer. Everyone inside the
    organisation reads them; the Development Center sets (POST: a rule for the same class and type is replaced),
    changes the interval of (PATCH) and removes (DELETE: the general rule, else the default applies) them."""

    queryset = VisitRule.objects.all()
    serializer_class = VisitRuleSerializer
    change_action = VISIT_RIGHT

    def narrow_queryset(self, queryset):
        return queryset.order_by("segment", "customer_kind", "id")

    def _answer(self, rule, status_code=status.HTTP_200_OK):
        return Response(VisitRuleSerializer(self.get_queryset().get(pk=rule.pk)).data, status=status_code)

    @extend_schema(request=VisitRuleWriteSerializer, responses={201: VisitRuleSerializer})
    def create(self, request):
        rule = services.visit_rule_set(by=request.user, **validated(self, VisitRuleWriteSerializer))
        return self._answer(rule, status.HTTP_201_CREATED)

    @extend_schema(request=VisitRuleChangeSerializer, responses={200: VisitRuleSerializer})
    def partial_update(self, request, pk=None):
        rule = self.get_object()
        changes = validated(self, VisitRuleChangeSerializer)
        services.visit_rule_set(by=request.user, segment=rule.segment, customer_kind=rule.customer_kind, **changes)
        return self._answer(rule)

    def destroy(self, request, pk=None):
        services.visit_rule_delete(by=request.user, rule=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


def _coverage_row(row):
    return {
        "key": getattr(row.key, "pk", row.key),
        "label": row.label,
        "customers": row.customers,
        "visited_this_month": row.visited_this_month,
        "never_visited": row.never_visited,
        "overdue": row.overdue,
        "days_average": row.days_average,
        "days_max": row.days_max,
    }


class VisitCoverageView(APIView):
    """Coverage of key customers (重点客户走访覆盖) in a unit's subtree as the caller sees it, as of today: per child
    unit (`by=unit`; a district's salespeople) or per salesperson (`by=person`) — key customers, visited this
    month, never visited, overdue, days since the last visit (average, longest) — the total, and each key customer
    with its last visit and due day, most overdue first. The same figures as the page /relations/visits/coverage/.
    A unit outside the caller's scope is a 404."""

    permission_classes = [permissions.IsAuthenticated]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        api_key = getattr(request.user, "api_key", None)
        audit.set_door(audit.Door.API, user=None if api_key else request.user, api_key_id=api_key.pk if api_key else None)

    def _unit(self, request):
        raw = request.query_params.get("unit") or ""
        if raw:
            if not raw.isdigit():
                raise InvalidInput(_("Give the unit's id."), field="unit")
            return get_in_scope(request, OrgUnit, pk=int(raw))
        staff = staff_of(request.user)
        unit = staff.unit if staff is not None else OrgUnit.objects.for_user(request.user).order_by("path").first()
        if unit is None:
            audit.log_denial(request, reason="no unit in scope", status=404)
            raise Http404
        return unit

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", OpenApiTypes.INT, description="Org unit id; defaults to the caller's own unit."),
            OpenApiParameter(
                "by", OpenApiTypes.STR, enum=["unit", "person"], description="Rows per child unit (default) or per salesperson."
            ),
        ],
        responses={200: OpenApiResponse(description="Coverage of the unit's key customers.")},
    )
    def get(self, request):
        by = request.query_params.get("by") or "unit"
        if by not in ("unit", "person"):
            raise InvalidInput(_("Choose unit or person."), field="by")
        unit = self._unit(request)
        today = timezone.localdate()
        table = coverage(user=request.user, unit=unit, as_of=today, by=by)
        return Response(
            {
                "unit": unit.pk,
                "unit_code": unit.code,
                "as_of": today.isoformat(),
                "month_start": table["month_start"].isoformat(),
                "by": "person" if table["by_person"] else "unit",
                "rows": [_coverage_row(row) for row in table["rows"]],
                "total": _coverage_row(table["total"]),
                "customers": [
                    {
                        "customer": row.customer_id,
                        "name": row.name,
                        "district": row.district_id,
                        "salesperson": row.salesperson_id,
                        "last_on": row.last_on.isoformat() if row.last_on else None,
                        "days_since": row.days_since(today),
                        "due_on": row.due_on.isoformat(),
                        "days_overdue": max((today - row.due_on).days, 0),
                    }
                    for row in table["customers"]
                ],
            }
        )
