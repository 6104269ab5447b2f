"""The plans API: targets (read, with attainment), plans (drafts, lines, check, submit, withdraw,
revise, versions, diff) and seasonal distributions (list, read, create-or-replace).

Every viewset reads through the scope (`ScopedViewSet`) and writes through `plans.services`; every
refusal is a DomainError answered as JSON naming the field (400/403/404/409/422), never a 500.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedViewSet, validated
from core.errors import InvalidInput
from plans import selectors, services
from plans.api import serializers as s
from plans.filtersets import PlanFilterSet, SeasonalDistributionFilterSet, TargetFilterSet
from plans.models import Plan, SeasonalDistribution, Target


class TargetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Targets (业务目标) of units and salespeople, every version; `current=true` for the current ones.
    The detail carries the attainment (actual, rate). Targets change only through plans and splits."""

    queryset = Target.objects.all()
    serializer_class = s.TargetSerializer
    filterset_class = TargetFilterSet

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "staff")

    def get_serializer_class(self):
        return s.TargetDetailSerializer if self.action == "retrieve" else s.TargetSerializer


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Plans (计划): drafts with target, split, action and budget lines, submitted for approval.

    Drafts are changed (PATCH/PUT, `lines`) by their author or the manager of the plan's unit, only before
    submission or after a return/withdrawal; `submit` freezes a version and opens the approval request."""

    queryset = Plan.objects.all()
    serializer_class = s.PlanSerializer
    filterset_class = PlanFilterSet
    change_action = "plan.change"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "author")

    def get_serializer_class(self):
        return s.PlanSerializer if self.action == "list" else s.PlanDetailSerializer

    def _detail(self, plan, code=status.HTTP_200_OK):
        plan = Plan.objects.select_related("unit", "author").get(pk=plan.pk)
        return Response(s.PlanDetailSerializer(plan, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=s.PlanCreateSerializer, responses={201: s.PlanDetailSerializer})
    def create(self, request):
        data = validated(self, s.PlanCreateSerializer)
        plan = services.plan_create(by=request.user, **data)
        return self._detail(plan, status.HTTP_201_CREATED)

    @extend_schema(request=s.PlanUpdateSerializer, responses={200: s.PlanDetailSerializer})
    def partial_update(self, request, pk=None):
        plan = self.get_object()
        data = validated(self, s.PlanUpdateSerializer, partial=True)
        return self._detail(services.plan_update(plan=plan, by=request.user, **data))

    @extend_schema(request=s.PlanUpdateSerializer, responses={200: s.PlanDetailSerializer})
    def update(self, request, pk=None):
        return self.partial_update(request, pk=pk)

    @extend_schema(request=s.PlanLinesSerializer, responses={200: s.PlanDetailSerializer})
    @action(detail=True, methods=["put"], filterset_class=None, pagination_class=None)
    def lines(self, request, pk=None):
        """Replace the draft's target (with splits), action and budget lines; each group given is replaced."""
        plan = self.get_object()
        data = validated(self, s.PlanLinesSerializer)
        services.plan_lines_save(plan=plan, by=request.user, **data)
        return self._detail(plan)

    @extend_schema(request=s.PlanSplitSuggestSerializer, responses={200: s.PlanDetailSerializer})
    @action(detail=True, methods=["post"], url_path="split-suggest", filterset_class=None, pagination_class=None)
    def split_suggest(self, request, pk=None):
        """Fill one target line's split to children (by shares or last year's actuals) and months."""
        plan = self.get_object()
        data = validated(self, s.PlanSplitSuggestSerializer)
        services.plan_split_suggest(plan=plan, by=request.user, **data)
        return self._detail(plan)

    @extend_schema(request=None, responses={200: s.PlanCheckSerializer}, filters=False)
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def check(self, request, pk=None):
        """Whether every target line's children and months add up; if not, by how much and where."""
        plan = self.get_object()
        mismatches = services.plan_check(plan=plan)
        return Response(s.PlanCheckSerializer({"ok": not mismatches, "mismatches": mismatches}).data)

    @extend_schema(request=None, responses={200: s.PlanDetailSerializer})
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def submit(self, request, pk=None):
        """Submit for approval: 422 with `mismatches` when the targets do not add up."""
        plan = self.get_object()
        services.plan_submit(plan=plan, by=request.user)
        return self._detail(plan)

    @extend_schema(request=None, responses={200: s.PlanDetailSerializer})
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def withdraw(self, request, pk=None):
        plan = self.get_object()
        services.plan_withdraw(plan=plan, by=request.user)
        return self._detail(plan)

    @extend_schema(request=None, responses={200: s.PlanDetailSerializer, 201: s.PlanDetailSerializer})
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def revise(self, request, pk=None):
        """Reopen an approved plan as a draft (200) or rewrite a rejected one as a new plan (201)."""
        plan = self.get_object()
        draft = services.plan_revise(plan=plan, by=request.user)
        return self._detail(draft, status.HTTP_200_OK if draft.pk == plan.pk else status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.PlanVersionSerializer(many=True)}, filters=False)
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def versions(self, request, pk=None):
        plan = self.get_object()
        return Response(s.PlanVersionSerializer(selectors.plan_versions(plan), many=True).data)

    @extend_schema(parameters=[s.DiffQuerySerializer], request=None, responses={200: dict}, filters=False)
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def diff(self, request, pk=None):
        """What changed between two versions (`old`, `new`; default the last two)."""
        plan = self.get_object()
        query = validated(self, s.DiffQuerySerializer, data=request.query_params)
        result = selectors.plan_diff(plan, old=query.get("old"), new=query.get("new"))
        if result is None:
            raise InvalidInput(_("There are not two such versions to compare."), field="old")
        return Response(_jsonable(result))


def _jsonable(value):
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


class SeasonalDistributionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Seasonal distributions (季节性分布). Company-wide ones (no unit) are read by everyone and written by
    the Development Center; a unit's are read in its scope and written with `target.change`. POST creates,
    or replaces the twelve values of the one with the same name and unit."""

    queryset = SeasonalDistribution.objects.all()
    serializer_class = s.DistributionSerializer
    filterset_class = SeasonalDistributionFilterSet
    change_action = "target.change"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit").prefetch_related("months")

    @extend_schema(request=s.DistributionWriteSerializer, responses={201: s.DistributionSerializer})
    def create(self, request):
        data = validated(self, s.DistributionWriteSerializer)
        distribution = services.distribution_save(
            name=data["name"], kind=data["kind"], values=[str(v) for v in data["values"]], unit=data.get("unit"), by=request.user
        )
        distribution = SeasonalDistribution.objects.prefetch_related("months").select_related("unit").get(pk=distribution.pk)
        return Response(s.DistributionSerializer(distribution).data, status=status.HTTP_201_CREATED)
