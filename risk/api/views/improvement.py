"""The improvement plans API (read only): the plans of the caller's scope; the detail carries the measures
(with their tasks' states) and the expected figures. Reads go through the scope (`ScopedViewSet`)."""

from rest_framework import mixins

from core.api import ScopedViewSet
from risk.api import serializers as s
from risk.filtersets import ImprovementPlanFilterSet
from risk.models import ImprovementPlan


class ImprovementPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Improvement plans (整改方案) of under-performing units."""

    queryset = ImprovementPlan.objects.all()
    serializer_class = s.ImprovementPlanSerializer
    filterset_class = ImprovementPlanFilterSet

    def narrow_queryset(self, queryset):
        queryset = queryset.select_related("unit", "drafted_by")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("measures__owner", "measures__task", "targets")
        return queryset.order_by("-created_at", "-id")

    def get_serializer_class(self):
        return s.ImprovementPlanDetailSerializer if self.action == "retrieve" else s.ImprovementPlanSerializer
