"""The provisions API under /api/v1/risk/: the provision policies (read-only: drafted on the pages, decided
through approvals) and the provision of a unit as of a month end."""

from rest_framework import mixins

from core.api import ScopedViewSet
from risk.api.serializers.provisions import ProvisionPolicySerializer
from risk.filtersets import ProvisionPolicyFilterSet
from risk.models import ProvisionPolicy


class ProvisionPolicyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The provision policies (company policy: every principal inside the organisation reads them)."""

    queryset = ProvisionPolicy.objects.all()
    serializer_class = ProvisionPolicySerializer
    filterset_class = ProvisionPolicyFilterSet

    def narrow_queryset(self, queryset):
        return queryset.order_by("id")
