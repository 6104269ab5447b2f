"""The business-reports API: reports (list, detail with the figures), `build` (POST → 202 with the
queued run) and runs/<id>/ to poll a build. Reads go through the scope; the build through
reports.services (409 when a build of the same report is already queued or running)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedViewSet
from core.scoping import get_in_scope
from regions.models import OrgUnit
from reports import services
from reports.api import serializers as s
from reports.filtersets import BusinessReportFilterSet
from reports.models import BusinessReport, ReportRun


class BusinessReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Business reports (业务月报、季报) of regions and of the company, in the caller's scope. The list leaves
    out the figures; the detail has them (`data`) with the manager's analysis."""

    queryset = BusinessReport.objects.all()
    serializer_class = s.BusinessReportSerializer
    filterset_class = BusinessReportFilterSet
    # Building needs the planning right (managers and the center); the service narrows it to the
    # region's manager and the center.
    change_action = "report.build"

    def narrow_queryset(self, queryset):
        queryset = queryset.select_related("unit")
        if self.action == "list":
            queryset = queryset.defer("data", "analysis")
        return queryset

    def get_serializer_class(self):
        return s.BusinessReportDetailSerializer if self.action == "retrieve" else s.BusinessReportSerializer

    @extend_schema(request=s.BuildRequestSerializer, responses={202: s.ReportRunSerializer})
    @action(detail=False, methods=["post"], filterset_class=None, pagination_class=None)
    def build(self, request):
        """Queue a (re)build of a report: 202 with the run to poll at runs/<id>/."""
        serializer = s.BuildRequestSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        unit = get_in_scope(request, OrgUnit, pk=data["unit"])
        run = services.report_request(unit=unit, period=data["period"], kind=data["kind"], by=request.user)
        run.refresh_from_db()
        return Response(s.ReportRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class ReportRunViewSet(mixins.RetrieveModelMixin, ScopedViewSet):
    """One build run of a report: its state and progress (0–100), the message of a failure."""

    queryset = ReportRun.objects.all()
    serializer_class = s.ReportRunSerializer

    def get_object(self):
        return services.run_check_alive(run=super().get_object())  # a build whose worker died shows failed at once
