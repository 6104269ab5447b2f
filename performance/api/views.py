"""API of the performance app: attainment tables and rankings, read from the monthly summaries."""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from core import audit
from core.periods import MONTH, Period
from core.schema import ErrorSerializer
from core.scoping import get_in_scope
from performance import selectors, turnover
from performance.api import serializers as s
from regions.models import OrgUnit

UNIT = OpenApiParameter("unit", OpenApiTypes.INT, description="Org unit id; defaults to the caller's own unit.")
PERIOD = OpenApiParameter(
    "period", OpenApiTypes.STR, description="2026, 2026-Q3 or 2026-07 (not in the future); defaults to this month."
)

BAD_QUERY = OpenApiResponse(
    ErrorSerializer, description="A malformed or future period, an unknown metric or unit id; `errors` names the field."
)


def _row(row):
    return {key: row[key] for key in ("kind", "id", "code", "name", "figures")}


class _ReportView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    query_serializer = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        api_key = getattr(request.user, "api_key", None)
        audit.set_door(audit.Door.API, user=None if api_key else request.user, api_key_id=api_key.pk if api_key else None)

    def table(self, request, metrics=None):
        query = self.query_serializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        query = query.validated_data
        if query.get("unit") is not None:
            unit = get_in_scope(request, OrgUnit, pk=query["unit"])
        else:
            unit = selectors.default_unit(request.user)
            if unit is None:
                raise Http404
        metric = query.get("metric")
        return selectors.attainment_table(
            user=request.user,
            unit=unit,
            period=query.get("period") or Period.of(timezone.localdate(), MONTH),
            metrics=[metric] if metric else None,
        ), metric


class AttainmentView(_ReportView):
    """Attainment (完成率) of a unit and of the units (or, for a district, the sales staff) directly below
    it, per metric: target, actual, rate and rank among the siblings — from the monthly summaries."""

    query_serializer = s.AttainmentQuerySerializer

    @extend_schema(
        parameters=[UNIT, PERIOD, OpenApiParameter("metric", OpenApiTypes.STR, enum=[m for m, _l in s.METRIC_CHOICES])],
        responses={200: s.AttainmentTableSerializer, 400: BAD_QUERY},
    )
    def get(self, request):
        table, _metric = self.table(request)
        body = {
            "unit": table["unit"].pk,
            "period": str(table["period"]),
            "metrics": [str(m) for m in table["metrics"]],
            "child_kind": table["child_kind"],
            "head": _row(table["head"]),
            "children": [_row(child) for child in table["children"]],
        }
        return Response(s.AttainmentTableSerializer(body).data)


class RankingView(_ReportView):
    """The units (or sales staff) directly below a unit ranked by attainment of one metric in a period."""

    query_serializer = s.RankingQuerySerializer

    @extend_schema(
        parameters=[
            UNIT,
            PERIOD,
            OpenApiParameter("metric", OpenApiTypes.STR, required=True, enum=[m for m, _l in s.METRIC_CHOICES]),
        ],
        responses={200: s.RankingSerializer, 400: BAD_QUERY},
    )
    def get(self, request):
        table, metric = self.table(request)
        rows = [
            {"kind": child["kind"], "id": child["id"], "code": child["code"], "name": child["name"], **child["figures"][metric]}
            for child in selectors.ranking(table, metric)
        ]
        body = {"unit": table["unit"].pk, "period": str(table["period"]), "metric": metric, "rows": rows}
        return Response(s.RankingSerializer(body).data)


class TurnoverView(_ReportView):
    """Receivable turnover (应收周转) of a unit by month — sales, open receivables at the month ends, their
    average, turnover times (annualised), turnover days and DSO — and, for the period's last month, of
    each unit directly below it; from the district month summaries (definitions: performance/turnover.py)."""

    query_serializer = s.TurnoverQuerySerializer

    @extend_schema(
        parameters=[
            UNIT,
            OpenApiParameter(
                "period",
                OpenApiTypes.STR,
                description="2026, 2026-Q3 or 2026-07 (its months; not in the future); defaults to the last 12 complete months.",
            ),
        ],
        responses={200: s.TurnoverSerializer, 400: BAD_QUERY},
    )
    def get(self, request):
        query = self.query_serializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        query = query.validated_data
        if query.get("unit") is not None:
            unit = get_in_scope(request, OrgUnit, pk=query["unit"])
        else:
            unit = selectors.default_unit(request.user)
            if unit is None:
                raise Http404
        period = query.get("period")
        if period is None:
            months = turnover.last_months(Period.of(timezone.localdate(), MONTH).previous(), 12)
        else:
            months = turnover.month_list(period)
        rows = turnover.turnover(user=request.user, unit=unit, months=months)
        children = turnover.turnover_by_child(user=request.user, unit=unit, month=months[-1])["children"]
        body = {"unit": unit.pk, "months": rows, "children": children}
        return Response(s.TurnoverSerializer(body).data)


class ChannelSalesView(_ReportView):
    """Sales through each channel (渠道销售) of a unit's subtree in a period — sales, invoices, collections
    (write-offs excluded) and the open receivable at the period's end — from the per-channel summaries, through
    the caller's scope (the page twin: /channels/sales/)."""

    query_serializer = s.ChannelSalesQuerySerializer

    @extend_schema(
        parameters=[UNIT, PERIOD],
        responses={200: s.ChannelSalesSerializer, 400: BAD_QUERY},
    )
    def get(self, request):
        query = self.query_serializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        query = query.validated_data
        if query.get("unit") is not None:
            unit = get_in_scope(request, OrgUnit, pk=query["unit"])
        else:
            unit = selectors.default_unit(request.user)
            if unit is None:
                raise Http404
        period = query.get("period") or Period.of(timezone.localdate(), MONTH)
        table = selectors.sales_by_channel(user=request.user, unit=unit, period=period)
        return Response(s.ChannelSalesSerializer({**table, "period": str(table["period"])}).data)
