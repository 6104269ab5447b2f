"""The provisions API under /api/v1/risk/: the provision policies (read-only: drafted on the pages, decided
through approvals) and the provision of a unit as of a month end."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core import audit
from core.api import ScopedViewSet
from core.errors import InvalidInput
from core.money import SUM_DIGITS
from core.scoping import get_in_scope
from performance.selectors import default_unit
from regions.models import OrgUnit
from risk.api.serializers.provisions import ProvisionPolicySerializer
from risk.filtersets import ProvisionPolicyFilterSet
from risk.forms import ProvisionQueryForm
from risk.models import ProvisionPolicy
from risk.selectors.provisions import provision_report


class ProvisionPolicyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The provision policies (company policy: every principal inside the organisation reads them)."""

    queryset = ProvisionPolicy.objects.all()
    serializer_class = ProvisionPolicySerializer
    filterset_class = ProvisionPolicyFilterSet

    def narrow_queryset(self, queryset):
        return queryset.order_by("id")


class ProvisionRowSerializer(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()
    code = serializers.CharField(allow_null=True)
    open = serializers.DecimalField(max_digits=SUM_DIGITS, decimal_places=2)
    opening = serializers.DecimalField(max_digits=SUM_DIGITS, decimal_places=2)
    change = serializers.DecimalField(max_digits=SUM_DIGITS, decimal_places=2)
    closing = serializers.DecimalField(max_digits=SUM_DIGITS, decimal_places=2)


class ProvisionReportView(APIView):
    """The provision for doubtful debts (坏账准备) of a unit's subtree as the caller sees it, as of the end of
    `month` (YYYY-MM; default the last complete month) and the month end before, one level down (regions,
    provinces, districts, or a district's customers)."""

    permission_classes = [permissions.IsAuthenticated]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        api_key = getattr(request.user, "api_key", None)
        audit.set_door(audit.Door.API, user=None if api_key else request.user, api_key_id=api_key.pk if api_key else None)

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", OpenApiTypes.INT, description="Org unit id; defaults to the caller's own unit."),
            OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM; defaults to the last complete month."),
        ],
        responses={200: OpenApiResponse(description="The provision as of the month end and its movement.")},
    )
    def get(self, request):
        form = ProvisionQueryForm(request.query_params)
        if not form.is_valid():
            name, errors = next(iter(form.errors.items()))
            raise InvalidInput(errors[0], field=name)
        if form.cleaned_data["unit"]:
            unit = get_in_scope(request, OrgUnit, pk=form.cleaned_data["unit"])
        else:
            unit = default_unit(request.user)
            if unit is None:
                audit.log_denial(request, reason="no unit in scope", status=404)
                raise Http404
        report = provision_report(user=request.user, unit=unit, month=form.cleaned_data["month"])
        return Response(
            {
                "unit": unit.pk,
                "unit_code": unit.code,
                "month": str(report.month),
                "as_of": report.as_of.isoformat(),
                "opening_as_of": report.opening_as_of.isoformat(),
                "policy": report.policy.pk if report.policy else None,
                "level": report.level,
                "rows": ProvisionRowSerializer(report.rows, many=True).data,
                "totals": ProvisionRowSerializer(report.totals).data,
            }
        )
