"""The appraisal API under /api/v1/appraisal/: schemes, runs, scores, incentive schemes and reward
proposals. Reads go through the scope (`ScopedViewSet`); writes through appraisal.services; a refusal
is JSON naming the field (400/403/409/422), never a 500. Branch systems (API keys) read nothing here."""

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from appraisal import selectors, services
from appraisal.api import serializers as s
from appraisal.filtersets import IncentiveSchemeFilterSet, RewardFilterSet, RunFilterSet, SchemeFilterSet, ScoreFilterSet
from appraisal.models import (
    AppraisalRun,
    AppraisalScheme,
    AppraisalScore,
    IncentiveScheme,
    IncentiveTier,
    RewardProposal,
    ScaleClass,
    ScoreItem,
)
from core.api import RolePermission, ScopedViewSet, validated
from core.errors import InvalidInput
from core.periods import parse_input as parse_period
from core.roles import can
from core.scoping import get_in_scope
from performance.selectors import default_unit
from regions.models import OrgUnit


class AppraisalPermission(RolePermission):
    """RolePermission over this app's rights table (appraisal.rights): reading needs a person's role,
    changing the view's `change_action`."""

    @staticmethod
    def _allowed(request, view):
        if request.method in permissions.SAFE_METHODS:
            return can(request.user, "appraisal.view")
        return can(request.user, getattr(view, "change_action", None))


class AppraisalViewSet(ScopedViewSet):
    permission_classes = [permissions.IsAuthenticated, AppraisalPermission]


def _plain(rows):
    return [{key: (str(value) if hasattr(value, "as_tuple") else value) for key, value in dict(row).items()} for row in rows]


class SchemeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AppraisalViewSet):
    """Appraisal schemes (考核办法): drafted by the Development Center, approved by the center's chain."""

    queryset = AppraisalScheme.objects.all()
    serializer_class = s.SchemeSerializer
    filterset_class = SchemeFilterSet
    change_action = "appraisal.scheme"

    def narrow_queryset(self, queryset):
        return queryset.prefetch_related("items")

    @extend_schema(request=s.SchemeWriteSerializer, responses={201: s.SchemeSerializer})
    def create(self, request):
        """Draft a scheme with its items (the weights must add up to exactly 100)."""
        data = validated(self, s.SchemeWriteSerializer)
        data["items"] = _plain(data["items"])
        scheme = services.scheme_create(**data, by=request.user)
        return Response(s.SchemeSerializer(self.get_queryset().get(pk=scheme.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.SchemePatchSerializer, responses={200: s.SchemeSerializer})
    def partial_update(self, request, pk=None):
        """Change a draft: any of its fields and, if given, the whole list of items (weights adding up to 100)."""
        scheme = self.get_object()
        data = validated(self, s.SchemePatchSerializer)
        if "items" in data:
            data["items"] = _plain(data["items"])
        services.scheme_update(scheme=scheme, by=request.user, **data)
        return Response(s.SchemeSerializer(self.get_queryset().get(pk=scheme.pk)).data)

    @extend_schema(request=s.EmptySerializer, responses={200: s.SchemeSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def submit(self, request, pk=None):
        """Submit the draft to the Development Center's approval."""
        scheme = self.get_object()
        validated(self, s.EmptySerializer)
        services.scheme_submit(scheme=scheme, by=request.user)
        return Response(s.SchemeSerializer(self.get_queryset().get(pk=scheme.pk)).data)

    @extend_schema(request=s.EmptySerializer, responses={201: s.SchemeSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def revise(self, request, pk=None):
        """Start the next version of an approved scheme (a draft with the same items); approving it retires
        this one. 409 if the scheme is not approved or a revision is already in progress."""
        scheme = self.get_object()
        validated(self, s.EmptySerializer)
        draft = services.scheme_revise(scheme=scheme, by=request.user)
        return Response(s.SchemeSerializer(self.get_queryset().get(pk=draft.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.EmptySerializer, responses={200: s.SchemeSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def retire(self, request, pk=None):
        """Retire an approved scheme: no new runs are computed with it (409 if it is not approved)."""
        scheme = self.get_object()
        validated(self, s.EmptySerializer)
        services.scheme_retire(scheme=scheme, by=request.user)
        return Response(s.SchemeSerializer(self.get_queryset().get(pk=scheme.pk)).data)


class RunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AppraisalViewSet):
    """Appraisal runs: a scheme scored for a period over a unit. POST computes (or recomputes) one."""

    queryset = AppraisalRun.objects.all()
    serializer_class = s.RunSerializer
    filterset_class = RunFilterSet
    change_action = "appraisal.scheme"

    def narrow_queryset(self, queryset):
        return queryset.select_related("scheme", "unit")

    @extend_schema(request=s.RunWriteSerializer, responses={201: s.RunSerializer})
    def create(self, request):
        """Compute the run of an approved scheme for a period (again: recompute, keeping manual scores)."""
        data = validated(self, s.RunWriteSerializer)
        run = services.run_compute(**data, by=request.user)
        return Response(s.RunSerializer(self.get_queryset().get(pk=run.pk)).data, status=status.HTTP_201_CREATED)


class ScoreViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AppraisalViewSet):
    """People's appraisal scores with their items; a salesperson reads their own."""

    queryset = AppraisalScore.objects.all()
    serializer_class = s.ScoreSerializer
    filterset_class = ScoreFilterSet
    change_action = "appraisal.score"

    def narrow_queryset(self, queryset):
        items = Prefetch("items", queryset=ScoreItem.objects.select_related("item").order_by("item__order", "item_id"))
        return queryset.select_related("staff", "unit").prefetch_related(items)

    @extend_schema(request=s.ManualScoreSerializer, responses={200: s.ScoreSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def manual(self, request, pk=None):
        """Score a manual item of this person (their manager or a higher one), 0 to 100, with a comment."""
        score = self.get_object()
        data = validated(self, s.ManualScoreSerializer)
        line = ScoreItem.objects.filter(score=score, item_id=data["item"]).first()
        if line is None:
            raise InvalidInput(_("This scheme has no such item."), field="item")
        services.score_manual_set(score_item=line, manual_score=data["score"], comment=data.get("comment", ""), by=request.user)
        return Response(s.ScoreSerializer(self.get_queryset().get(pk=score.pk)).data)


class IncentiveSchemeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AppraisalViewSet):
    """Incentive schemes (激励办法) for branches of different scale, and the incentives they suggest."""

    queryset = IncentiveScheme.objects.all()
    serializer_class = s.IncentiveSchemeSerializer
    filterset_class = IncentiveSchemeFilterSet
    change_action = "appraisal.scheme"

    def narrow_queryset(self, queryset):
        classes = Prefetch(
            "classes",
            queryset=ScaleClass.objects.order_by("min_sales").prefetch_related(
                Prefetch("tiers", queryset=IncentiveTier.objects.order_by("min_attainment"))
            ),
        )
        return queryset.prefetch_related(classes)

    @extend_schema(request=s.IncentiveSchemeWriteSerializer, responses={201: s.IncentiveSchemeSerializer})
    def create(self, request):
        """Set an incentive scheme: scale classes (thresholds of last year's sales) with attainment tiers."""
        data = validated(self, s.IncentiveSchemeWriteSerializer)
        data["classes"] = [{**dict(c), "tiers": _plain(c["tiers"])} for c in data["classes"]]
        scheme = services.incentive_scheme_create(**data, by=request.user)
        return Response(s.IncentiveSchemeSerializer(self.get_queryset().get(pk=scheme.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("period", str, required=True, description="2026, 2026-Q3 or 2026-07."),
            OpenApiParameter("unit", int, description="Org unit id; defaults to the caller's own unit."),
        ],
        responses={200: s.SuggestionSerializer(many=True)},
        filters=False,
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def suggested(self, request, pk=None):
        """The suggested incentive of every district office (or salesperson) inside the unit for a period."""
        scheme = self.get_object()
        query = validated(self, s.SuggestQuerySerializer, data=request.query_params)
        period = parse_period(query["period"], begun=True)
        unit = _unit_for(request, query.get("unit"))
        return Response(
            s.SuggestionSerializer(selectors.suggested_incentives(scheme=scheme, period=period, unit=unit), many=True).data
        )


def _unit_for(request, unit_id):
    """The unit asked for, inside the caller's scope (outside: 404); none asked: their own unit."""
    if unit_id is None:
        unit = default_unit(request.user)
        if unit is None:
            raise Http404
        return unit
    return get_in_scope(request, OrgUnit, pk=unit_id)


class RewardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AppraisalViewSet):
    """Reward proposals and special awards (奖励 / 专项奖励), decided through the approvals chain."""

    queryset = RewardProposal.objects.all()
    serializer_class = s.RewardSerializer
    filterset_class = RewardFilterSet
    change_action = "reward.propose"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "staff")

    @extend_schema(request=s.RewardWriteSerializer, responses={201: s.RewardSerializer})
    def create(self, request):
        """Draft a reward or special award for a unit or a person inside your scope."""
        data = validated(self, s.RewardWriteSerializer)
        proposal = services.reward_propose(**data, by=request.user)
        return Response(s.RewardSerializer(self.get_queryset().get(pk=proposal.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RewardPatchSerializer, responses={200: s.RewardSerializer})
    def partial_update(self, request, pk=None):
        """Change a draft proposal."""
        proposal = self.get_object()
        data = validated(self, s.RewardPatchSerializer)
        services.reward_update(proposal=proposal, by=request.user, **data)
        return Response(s.RewardSerializer(self.get_queryset().get(pk=proposal.pk)).data)

    @extend_schema(request=s.EmptySerializer, responses={200: s.RewardSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def submit(self, request, pk=None):
        """Submit the draft for approval (the center; above the threshold the director decides last)."""
        proposal = self.get_object()
        validated(self, s.EmptySerializer)
        services.reward_submit(proposal=proposal, by=request.user)
        return Response(s.RewardSerializer(self.get_queryset().get(pk=proposal.pk)).data)
