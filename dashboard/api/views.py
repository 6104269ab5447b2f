"""API of the dashboard: the same figures as the page, as JSON."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from core import audit
from core.db_router import ReplicaReadMixin
from core.schema import ErrorSerializer
from core.scoping import log_out_of_scope
from dashboard import selectors
from dashboard.api import serializers as s
from regions.models import OrgUnit, StaffProfile


class DashboardView(ReplicaReadMixin, APIView):
    """The dashboard (驾驶舱) of a unit or a salesperson: attainment this month and this year, receivables
    and ageing, rankings of what is directly below, 24-month trends and alerts — from the summaries."""

    permission_classes = [permissions.IsAuthenticated]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        api_key = getattr(request.user, "api_key", None)
        audit.set_door(audit.Door.API, user=None if api_key else request.user, api_key_id=api_key.pk if api_key else None)

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", OpenApiTypes.INT, description="Org unit id; default: the caller's own unit."),
            OpenApiParameter("staff", OpenApiTypes.INT, description="Salesperson id: their figures and customers."),
        ],
        responses={
            200: s.DashboardSerializer,
            400: OpenApiResponse(ErrorSerializer, description="A malformed id; `errors` names the field."),
            404: OpenApiResponse(ErrorSerializer, description="No such unit or salesperson in the caller's scope."),
        },
    )
    def get(self, request):
        query = s.DashboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        raw_unit, raw_staff = query.validated_data.get("unit"), query.validated_data.get("staff")
        try:
            unit, staff = selectors.resolve_subject(request.user, unit=raw_unit, staff=raw_staff)
        except Http404:
            for raw, model in ((raw_unit, OrgUnit), (raw_staff, StaffProfile)):
                if raw and log_out_of_scope(request, model, pk=str(raw).strip()):
                    break
            raise
        data = selectors.dashboard(user=request.user, unit=unit, staff=staff)
        body = {**data, "unit": unit.pk, "staff": staff.pk if staff else None}
        return Response(s.DashboardSerializer(body).data)
