"""The API of recruitment (招聘), mounted at /api/v1/team/: headcount requests (create, change, submit,
withdraw), vacancies (cancel) and candidates (record, move, interview, hire). Reading needs the recruitment
right besides the scope (team/rights/recruit.py); the services ask the rules and refuse bad input on its field."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedViewSet, validated
from team import services
from team.api.serializers import recruit as s
from team.filtersets.recruit import CandidateFilterSet, HeadcountRequestFilterSet, VacancyFilterSet
from team.models.recruit import Candidate, HeadcountRequest, Vacancy
from team.rights.recruit import RECRUIT_RIGHT


class RecruitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    view_action = RECRUIT_RIGHT
    change_action = RECRUIT_RIGHT

    def _answer(self, obj, code=status.HTTP_200_OK):
        return Response(self.serializer_class(self.get_queryset().get(pk=obj.pk)).data, status=code)


class HeadcountRequestViewSet(RecruitViewSet):
    """Headcount requests (编制申请): seats of a role at a unit, decided by the chain (the region's manager, then
    the Development Center); each approved seat opens a vacancy."""

    queryset = HeadcountRequest.objects.all()
    serializer_class = s.HeadcountRequestSerializer
    filterset_class = HeadcountRequestFilterSet

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit").prefetch_related("vacancies").order_by("-id")

    @extend_schema(request=s.HeadcountRequestCreateSerializer, responses={201: s.HeadcountRequestSerializer})
    def create(self, request):
        obj = services.headcount_request_create(**validated(self, s.HeadcountRequestCreateSerializer), by=request.user)
        return self._answer(obj, status.HTTP_201_CREATED)

    @extend_schema(request=s.HeadcountRequestWriteSerializer, responses={200: s.HeadcountRequestSerializer})
    def partial_update(self, request, pk=None):
        """Change a draft, returned or withdrawn request (every field given again; the unit stays)."""
        obj = self.get_object()
        services.headcount_request_update(request=obj, **validated(self, s.HeadcountRequestWriteSerializer), by=request.user)
        return self._answer(obj)

    @extend_schema(request=None, responses={200: s.HeadcountRequestSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def submit(self, request, pk=None):
        obj = self.get_object()
        services.headcount_request_submit(request=obj, by=request.user)
        return self._answer(obj)

    @extend_schema(request=None, responses={200: s.HeadcountRequestSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def withdraw(self, request, pk=None):
        obj = self.get_object()
        services.headcount_request_withdraw(request=obj, by=request.user)
        return self._answer(obj)


class VacancyViewSet(RecruitViewSet):
    """Vacancies: one per approved seat, open → filled (a hire) or cancelled, with their days open."""

    queryset = Vacancy.objects.all()
    serializer_class = s.VacancySerializer
    filterset_class = VacancyFilterSet

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit").order_by("state", "opened_on", "id")

    @extend_schema(request=s.VacancyCancelSerializer, responses={200: s.VacancySerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def cancel(self, request, pk=None):
        obj = self.get_object()
        services.vacancy_cancel(vacancy=obj, **validated(self, s.VacancyCancelSerializer), by=request.user)
        return self._answer(obj)


class CandidateViewSet(RecruitViewSet):
    """Candidates of vacancies with their stages (applied → interviewed → offered → hired / withdrawn) and
    interviews. POST `interview` records one; `move` changes the stage; `hire` puts an offered candidate in the
    staff archive through regions' staff_hire (the profile, its first position, a login if asked) and fills the
    vacancy."""

    queryset = Candidate.objects.all()
    serializer_class = s.CandidateSerializer
    filterset_class = CandidateFilterSet

    def narrow_queryset(self, queryset):
        return queryset.select_related("vacancy").prefetch_related("interviews__interviewer").order_by("-applied_on", "-id")

    @extend_schema(request=s.CandidateCreateSerializer, responses={201: s.CandidateSerializer})
    def create(self, request):
        obj = services.candidate_record(**validated(self, s.CandidateCreateSerializer), by=request.user)
        return self._answer(obj, status.HTTP_201_CREATED)

    @extend_schema(request=s.CandidateMoveSerializer, responses={200: s.CandidateSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def move(self, request, pk=None):
        obj = self.get_object()
        services.candidate_move(candidate=obj, **validated(self, s.CandidateMoveSerializer), by=request.user)
        return self._answer(obj)

    @extend_schema(request=s.InterviewCreateSerializer, responses={200: s.CandidateSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def interview(self, request, pk=None):
        obj = self.get_object()
        services.interview_record(candidate=obj, **validated(self, s.InterviewCreateSerializer), by=request.user)
        return self._answer(obj)

    @extend_schema(request=s.CandidateHireSerializer, responses={200: s.CandidateSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def hire(self, request, pk=None):
        obj = self.get_object()
        services.candidate_hire(candidate=obj, **validated(self, s.CandidateHireSerializer), by=request.user)
        return self._answer(obj)
