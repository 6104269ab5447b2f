"""Tasks in the API: list, read, create, change (title, description, due date), and the moves
complete / reopen / cancel / reassign; the team summary with completion rates.

Reads go through the scope (`ScopedViewSet`); writes through workflow.services, whose refusals come
back as JSON naming the field (400), the missing right (403) or the illegal transition (409).
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedViewSet, validated
from core.errors import InvalidInput
from core.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from core.roles import can
from workflow import selectors, services
from workflow.api import serializers as s
from workflow.filtersets import TaskFilterSet
from workflow.models import Task


class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Tasks (任务): every one has an owner, a supervisor and a deadline."""

    queryset = Task.objects.all()
    serializer_class = s.TaskSerializer
    filterset_class = TaskFilterSet
    change_action = "task.change"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def narrow_queryset(self, queryset):
        return (
            queryset.select_related("owner", "supervisor", "unit", "content_type")
            .prefetch_related("source")
            .with_overdue(timezone.localdate())
            .order_by("due_on", "id")
        )

    def _answer(self, task, code=status.HTTP_200_OK):
        return Response(s.TaskSerializer(self.get_queryset().get(pk=task.pk)).data, status=code)

    @extend_schema(request=s.TaskCreateSerializer, responses={201: s.TaskSerializer}, parameters=[IDEMPOTENCY_PARAMETER])
    @idempotent
    def create(self, request):
        data = validated(self, s.TaskCreateSerializer)
        if "owner" not in data:
            data["owner"] = getattr(request.user, "staff_profile", None)
            if data["owner"] is None:
                raise InvalidInput(_("Name the owner of the task."), field="owner")
        task = services.task_create(by=request.user, **data)
        return self._answer(task, status.HTTP_201_CREATED)

    @extend_schema(request=s.TaskUpdateSerializer, responses={200: s.TaskSerializer})
    def partial_update(self, request, pk=None):
        task = self.get_object()
        data = validated(self, s.TaskUpdateSerializer, partial=True)
        services.task_update(task=task, by=request.user, **data)
        return self._answer(task)

    @extend_schema(request=s.TaskCompleteSerializer, responses={200: s.TaskSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def complete(self, request, pk=None):
        """The owner (or the supervisor) marks the task done, with an optional note."""
        task = self.get_object()
        data = validated(self, s.TaskCompleteSerializer)
        return self._answer(services.task_complete(task=task, by=request.user, **data))

    @extend_schema(request=s.TaskReasonSerializer, responses={200: s.TaskSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def reopen(self, request, pk=None):
        """The supervisor reopens a done or cancelled task."""
        task = self.get_object()
        data = validated(self, s.TaskReasonSerializer)
        return self._answer(services.task_reopen(task=task, by=request.user, **data))

    @extend_schema(request=s.TaskCancelSerializer, responses={200: s.TaskSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def cancel(self, request, pk=None):
        """The creator or the supervisor cancels an open task (a reason is required)."""
        task = self.get_object()
        data = validated(self, s.TaskCancelSerializer)
        return self._answer(services.task_cancel(task=task, by=request.user, **data))

    @extend_schema(request=s.TaskReassignSerializer, responses={200: s.TaskSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def reassign(self, request, pk=None):
        """A manager hands the task to someone else in their scope."""
        task = self.get_object()
        data = validated(self, s.TaskReassignSerializer)
        return self._answer(services.task_reassign(task=task, by=request.user, **data))

    @extend_schema(parameters=[s.SummaryQuerySerializer], responses={200: s.TeamSummarySerializer})
    @action(detail=False, methods=["get"], url_path="team-summary", filterset_class=None, pagination_class=None)
    def team_summary(self, request):
        """Open, overdue, done on time, due and completion rate per person and per sub-unit of the caller's team."""
        if not can(request.user, "task.assign"):
            self.permission_denied(request, message=_("You have no right to see the team summary."))
        query = s.SummaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        period = selectors.parse_period(query.validated_data["period"])
        if period is None:
            raise InvalidInput(_("Write a period such as 2026, 2026-Q3 or 2026-07."), field="period")
        summary = selectors.team_summary(request.user, period=period)
        return Response(s.TeamSummarySerializer({**summary, "period": str(period)}).data)
