"""The API of capability assessment and promotion recommendations under /api/v1/team/ (issue 19):
capability models (the center drafts, changes and submits a version), assessment cycles (the center opens and
closes them), assessments (POST: one's own self-assessment; `manager`: a direct manager's assessment; `calibrate`:
a level adjusted with a reason) and promotion recommendations (draft, change, submit; decided on the approval
endpoints). Reads go through the scope; writes through team.services.promo, whose refusals name the field."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedViewSet, validated
from team.api.serializers import promo as s
from team.filtersets.promo import (
    AssessmentCycleFilterSet,
    AssessmentFilterSet,
    CapabilityModelFilterSet,
    PromotionRecommendationFilterSet,
)
from team.models.promo import Assessment, AssessmentCycle, CapabilityModel, PromotionRecommendation
from team.services import promo as services


class _Answer:
    def _answer(self, obj, code=status.HTTP_200_OK):
        return Response(self.serializer_class(self.get_queryset().get(pk=obj.pk)).data, status=code)


class CapabilityModelViewSet(_Answer, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Capability models per role, every version (the approved one is current): everyone reads them; the
    Development Center drafts a version, changes it while a draft and submits it for approval."""

    queryset = CapabilityModel.objects.all()
    serializer_class = s.CapabilityModelSerializer
    filterset_class = CapabilityModelFilterSet
    change_action = "appraisal.scheme"

    def narrow_queryset(self, queryset):
        return queryset.prefetch_related("competencies").order_by("role", "-version")

    @extend_schema(request=s.CapabilityModelCreateSerializer, responses={201: s.CapabilityModelSerializer})
    def create(self, request):
        data = validated(self, s.CapabilityModelCreateSerializer)
        return self._answer(services.capability_model_create(by=request.user, **data), status.HTTP_201_CREATED)

    @extend_schema(request=s.CapabilityModelWriteSerializer, responses={200: s.CapabilityModelSerializer})
    def partial_update(self, request, pk=None):
        """Change a draft, returned or withdrawn version (every field given again)."""
        model = self.get_object()
        services.capability_model_update(by=request.user, model=model, **validated(self, s.CapabilityModelWriteSerializer))
        return self._answer(model)

    @extend_schema(request=s.EmptySerializer, responses={200: s.CapabilityModelSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def submit(self, request, pk=None):
        model = self.get_object()
        validated(self, s.EmptySerializer)
        services.capability_model_submit(by=request.user, model=model)
        return self._answer(model)


class AssessmentCycleViewSet(_Answer, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Assessment cycles (e.g. 2026-H2): everyone reads them; the Development Center opens and closes them."""

    queryset = AssessmentCycle.objects.all()
    serializer_class = s.AssessmentCycleSerializer
    filterset_class = AssessmentCycleFilterSet
    change_action = "appraisal.scheme"

    @extend_schema(request=s.AssessmentCycleCreateSerializer, responses={201: s.AssessmentCycleSerializer})
    def create(self, request):
        cycle = services.assessment_cycle_open(by=request.user, **validated(self, s.AssessmentCycleCreateSerializer))
        return self._answer(cycle, status.HTTP_201_CREATED)

    @extend_schema(request=s.EmptySerializer, responses={200: s.AssessmentCycleSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def close(self, request, pk=None):
        cycle = self.get_object()
        validated(self, s.EmptySerializer)
        services.assessment_cycle_close(by=request.user, cycle=cycle)
        return self._answer(cycle)


class AssessmentViewSet(_Answer, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Capability assessments in the reader's scope (a salesperson: their own). POST: the caller's own
    self-assessment in an open cycle (201 when made, 200 when revised); POST `manager`: the direct manager's
    assessment of a report who has assessed themselves; POST `{id}/calibrate`: one competency's level adjusted with
    a reason before the cycle closes."""

    queryset = Assessment.objects.all()
    serializer_class = s.AssessmentSerializer
    filterset_class = AssessmentFilterSet

    @property
    def change_action(self):
        # Everyone who works assesses themselves; managers assess and calibrate (the services ask the precise rule).
        return "appraisal.view" if self.action == "create" else "appraisal.score"

    def narrow_queryset(self, queryset):
        return queryset.select_related("cycle", "staff", "unit").prefetch_related("scores__competency")

    @extend_schema(request=s.SelfAssessmentSerializer, responses={201: s.AssessmentSerializer})
    def create(self, request):
        assessment, created = services.assessment_self_submit(by=request.user, **validated(self, s.SelfAssessmentSerializer))
        return self._answer(assessment, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=s.ManagerAssessmentSerializer, responses={200: s.AssessmentSerializer})
    @action(detail=False, methods=["post"], filterset_class=None, pagination_class=None)
    def manager(self, request):
        assessment = services.assessment_manager_submit(by=request.user, **validated(self, s.ManagerAssessmentSerializer))
        return self._answer(assessment)

    @extend_schema(request=s.CalibrationSerializer, responses={200: s.AssessmentSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def calibrate(self, request, pk=None):
        assessment = self.get_object()
        services.assessment_calibrate(by=request.user, assessment=assessment, **validated(self, s.CalibrationSerializer))
        return self._answer(assessment)


class PromotionRecommendationViewSet(_Answer, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Promotion recommendations (晋升建议) of the reader's subtree (the person's unit when recommended; a
    salesperson: their own), with their evidence. A manager drafts one for a person of their subtree, changes it
    while a draft and submits it to the chain; the decision is on /api/v1/approvals/."""

    queryset = PromotionRecommendation.objects.all()
    serializer_class = s.PromotionRecommendationSerializer
    filterset_class = PromotionRecommendationFilterSet
    change_action = "reward.propose"

    def narrow_queryset(self, queryset):
        return queryset.select_related("staff", "from_unit", "to_unit")

    @extend_schema(request=s.PromotionCreateSerializer, responses={201: s.PromotionRecommendationSerializer})
    def create(self, request):
        data = validated(self, s.PromotionCreateSerializer)
        return self._answer(services.promotion_create(by=request.user, **data), status.HTTP_201_CREATED)

    @extend_schema(request=s.PromotionWriteSerializer, responses={200: s.PromotionRecommendationSerializer})
    def partial_update(self, request, pk=None):
        """Change a draft, returned or withdrawn recommendation (every field given again)."""
        recommendation = self.get_object()
        services.promotion_update(by=request.user, recommendation=recommendation, **validated(self, s.PromotionWriteSerializer))
        return self._answer(recommendation)

    @extend_schema(request=s.EmptySerializer, responses={200: s.PromotionRecommendationSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def submit(self, request, pk=None):
        recommendation = self.get_object()
        validated(self, s.EmptySerializer)
        services.promotion_submit(by=request.user, recommendation=recommendation)
        return self._answer(recommendation)
