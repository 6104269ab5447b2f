"""The training API under /api/v1/team/: the course catalogue (courses/, kept by the center), sessions
(training-sessions/, with their seats; POST …/cancel/) and enrolments (enrolments/: POST to enrol — oneself without
`person` —, POST …/cancel/ and …/record/ for attendance and score).

Reads follow the scope (a salesperson: the sessions open to them and their own enrolments; a manager: their
subtree's). A session or a person outside the caller's scope is a 404; the rules of team/rights/training.py decide
the writes (403), the services refuse bad input on its field (400) and a full session (409)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import RolePermission, ScopedViewSet, validated
from core.errors import InvalidInput
from core.rights import may
from core.roles import staff_of
from core.scoping import get_in_scope
from regions.models import StaffProfile
from team import services
from team.api.serializers import training as s
from team.filtersets.training import CourseFilterSet, EnrolmentFilterSet, TrainingSessionFilterSet
from team.models.training import Course, Enrolment, TrainingSession
from team.selectors.training import sessions_with_seats


class RulePermission(RolePermission):
    """Reading needs the scope only; a write needs the view's `change_rule` (team/rights/training.py), asked of no
    object first (may this person do it at all?) and again by the service of the object found in scope."""

    @staticmethod
    def _allowed(request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return may(request.user, view.change_rule)


class TrainingViewSet(ScopedViewSet):
    permission_classes = [permissions.IsAuthenticated, RulePermission]
    change_rule = None


class CourseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TrainingViewSet):
    """The course catalogue (课程): everyone inside the organisation reads it; the Development Center keeps it."""

    queryset = Course.objects.all()
    serializer_class = s.CourseSerializer
    filterset_class = CourseFilterSet
    change_rule = "course.change"

    @extend_schema(request=s.CourseWriteSerializer, responses={201: s.CourseSerializer})
    def create(self, request):
        course = services.course_create(by=request.user, **validated(self, s.CourseWriteSerializer))
        return Response(s.CourseSerializer(course).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CourseUpdateSerializer, responses={200: s.CourseSerializer})
    def partial_update(self, request, pk=None):
        """Change a course (every field given again)."""
        course = services.course_update(by=request.user, course=self.get_object(), **validated(self, s.CourseUpdateSerializer))
        return Response(s.CourseSerializer(course).data)


class TrainingSessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TrainingViewSet):
    """Training sessions (培训班次) with their seats: those run for the caller's part of the organisation and those of
    the units above it."""

    queryset = TrainingSession.objects.all()
    serializer_class = s.TrainingSessionSerializer
    filterset_class = TrainingSessionFilterSet
    change_rule = "training_session.change"

    def narrow_queryset(self, queryset):
        return sessions_with_seats(queryset.select_related("course", "unit")).order_by("-starts_at", "-id")

    def _answer(self, session, code=status.HTTP_200_OK):
        return Response(s.TrainingSessionSerializer(self.get_queryset().get(pk=session.pk)).data, status=code)

    @extend_schema(request=s.TrainingSessionCreateSerializer, responses={201: s.TrainingSessionSerializer})
    def create(self, request):
        session = services.training_session_create(by=request.user, **validated(self, s.TrainingSessionCreateSerializer))
        return self._answer(session, status.HTTP_201_CREATED)

    @extend_schema(request=s.TrainingSessionWriteSerializer, responses={200: s.TrainingSessionSerializer})
    def partial_update(self, request, pk=None):
        """Change the session (every field given again; the unit that runs it stays)."""
        session = self.get_object()
        services.training_session_update(by=request.user, session=session, **validated(self, s.TrainingSessionWriteSerializer))
        return self._answer(session)

    @extend_schema(request=None, responses={200: s.TrainingSessionSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def cancel(self, request, pk=None):
        """Cancel a session that has not started (the people enrolled are told)."""
        session = self.get_object()
        services.training_session_cancel(by=request.user, session=session)
        return self._answer(session)


class EnrolmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TrainingViewSet):
    """Enrolments (报名) with attendance and scores: a salesperson's own, a manager's subtree's people's."""

    queryset = Enrolment.objects.all()
    serializer_class = s.EnrolmentSerializer
    filterset_class = EnrolmentFilterSet
    change_rule = "enrolment.create"

    def get_permissions(self):
        self.change_rule = {"cancel": "enrolment.cancel", "record": "enrolment.record"}.get(self.action, "enrolment.create")
        return super().get_permissions()

    def narrow_queryset(self, queryset):
        return queryset.select_related("person", "session").order_by("-session__starts_at", "-id")

    @extend_schema(request=s.EnrolmentCreateSerializer, responses={201: s.EnrolmentSerializer})
    def create(self, request):
        """Enrol `person` (without it: oneself) on `session`. A session or person outside the caller's scope: 404;
        a person the session is not for: 400 on `person`; no seat left: 409 on `session`."""
        data = validated(self, s.EnrolmentCreateSerializer)
        session = get_in_scope(request, TrainingSession, pk=data["session"])
        if data.get("person") is not None:
            person = get_in_scope(request, StaffProfile, pk=data["person"])
        else:
            person = staff_of(request.user, active=True)
            if person is None:
                raise InvalidInput(_("Choose the person to enrol."), field="person")
        enrolment = services.enrolment_create(by=request.user, session=session, person=person)
        return Response(s.EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.EnrolmentSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def cancel(self, request, pk=None):
        enrolment = services.enrolment_cancel(by=request.user, enrolment=self.get_object())
        return Response(s.EnrolmentSerializer(enrolment).data)

    @extend_schema(request=s.EnrolmentRecordSerializer, responses={200: s.EnrolmentSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def record(self, request, pk=None):
        """Attendance and score (0–100) once the session has begun."""
        enrolment = self.get_object()
        enrolment = services.enrolment_record(
            by=request.user, enrolment=enrolment, **validated(self, s.EnrolmentRecordSerializer)
        )
        return Response(s.EnrolmentSerializer(enrolment).data)
