"""The market-intelligence API under /api/v1/relations/market-reports/: list (the same filters as the page: text,
kind, competitor, product, tag, reliability, demand signal, unit, region, period, major, raised), read, write,
change (every field given again; unit and author stay) and delete (not once raised as a special event: 409). The overview per region and period is a page
(relations:market_overview) over the same FilterSet."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from core.api import ScopedViewSet, validated
from core.rights import ensure
from relations import services
from relations.api.serializers import market as s
from relations.filtersets.market import MarketReportFilterSet
from relations.models.market import MarketReport
from relations.rights.market import WRITE_RIGHT


class MarketReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Market reports (市场信息): a salesperson reads and writes their own, a manager those of their part of the
    tree, the center all."""

    queryset = MarketReport.objects.all()
    serializer_class = s.MarketReportSerializer
    filterset_class = MarketReportFilterSet
    change_action = WRITE_RIGHT

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "region", "product").prefetch_related("tags").order_by("-observed_on", "-id")

    def _answer(self, report, code=status.HTTP_200_OK):
        return Response(s.MarketReportSerializer(self.get_queryset().get(pk=report.pk)).data, status=code)

    @extend_schema(request=s.MarketReportCreateSerializer, responses={201: s.MarketReportSerializer})
    def create(self, request):
        # The right first (a branch key holds the role's right but writes no reports): 403 whatever the body names.
        ensure(request.user, "market_report.create")
        report = services.market_report_create(**validated(self, s.MarketReportCreateSerializer), by=request.user)
        return self._answer(report, status.HTTP_201_CREATED)

    @extend_schema(request=s.MarketReportWriteSerializer, responses={200: s.MarketReportSerializer})
    def partial_update(self, request, pk=None):
        """Change the report's particulars (every field given again; its unit and author stay)."""
        report = self.get_object()
        services.market_report_update(report=report, **validated(self, s.MarketReportWriteSerializer), by=request.user)
        return self._answer(report)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        """Delete a report written by mistake (not one raised as a special event: 409)."""
        services.market_report_delete(report=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
