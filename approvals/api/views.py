"""The approvals API: read requests (scoped, extended for the chain), make the moves on one, decide in
bulk, read the queues; and one's own delegations.

Branch systems (API keys) have no part in approvals: every endpoint answers them 403 (404 outside
their unit, like any probe). Refusals of the services are JSON answers naming the field (400/403/409).
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from approvals import selectors, services
from approvals.api import serializers as s
from approvals.filtersets import ApprovalRequestFilterSet, DelegationFilterSet
from approvals.models import ApprovalRequest, Delegation
from core.api import RolePermission, ScopedViewSet, validated
from core.errors import InvalidInput
from core.pagination import DefaultCursorPagination
from core.rights import NotAllowed, may
from core.roles import BRANCH_SYSTEM, role_of


class ApprovalPermission(RolePermission):
    """Every person with a role may read (within the scope and chain) and attempt a move (the services
    decide who may make which); a branch system may do nothing here."""

    @staticmethod
    def _allowed(request, view):
        role = role_of(request.user)
        return role is not None and role != BRANCH_SYSTEM


class OldestFirstPagination(DefaultCursorPagination):
    ordering = ("submitted_at", "id")


class NewestFirstPagination(DefaultCursorPagination):
    ordering = ("-submitted_at", "-id")


_DETAIL_RELATED = ["previous"]
_DETAIL_PREFETCH = [
    "steps__approver",
    "steps__approver_unit",
    "events__actor",
    "events__actor_staff",
    "events__on_behalf_of",
]


class ApprovalRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Approval requests (报审): each version of a matter with its chain, its decisions and its SLA."""

    queryset = ApprovalRequest.objects.all()
    serializer_class = s.ApprovalRequestSerializer
    filterset_class = ApprovalRequestFilterSet
    permission_classes = [permissions.IsAuthenticated, ApprovalPermission]

    def get_serializer_class(self):
        if self.action == "list" or self.action in ("queue", "waiting", "mine"):
            return s.ApprovalRequestSerializer
        return s.ApprovalRequestDetailSerializer

    def narrow_queryset(self, queryset):
        queryset = queryset.with_overdue(timezone.now()).select_related(*selectors.RELATED)
        if self.detail:
            queryset = queryset.select_related(*_DETAIL_RELATED).prefetch_related(*_DETAIL_PREFETCH)
        return queryset

    def _answer(self, obj, code=status.HTTP_200_OK):
        fresh = self.get_queryset().filter(pk=obj.pk).first() or obj
        return Response(s.ApprovalRequestDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    # ---------------------------------------------------------------------------------- decisions

    @extend_schema(request=s.ApprovalCommentSerializer, responses={200: s.ApprovalRequestDetailSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def approve(self, request, pk=None):
        """Approve the current step (the last one approves the request)."""
        obj = self.get_object()
        data = validated(self, s.ApprovalCommentSerializer)
        services.request_approve(request=obj, by=request.user, comment=data["comment"])
        return self._answer(obj)

    @extend_schema(request=s.ApprovalReasonSerializer, responses={200: s.ApprovalRequestDetailSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return", filterset_class=None)
    def return_(self, request, pk=None):
        """Return for revision (退回修改); a comment is required."""
        obj = self.get_object()
        data = validated(self, s.ApprovalReasonSerializer)
        services.request_return(request=obj, by=request.user, comment=data["comment"])
        return self._answer(obj)

    @extend_schema(request=s.ApprovalReasonSerializer, responses={200: s.ApprovalRequestDetailSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def reject(self, request, pk=None):
        """Reject (驳回), final for this matter; a comment is required."""
        obj = self.get_object()
        data = validated(self, s.ApprovalReasonSerializer)
        services.request_reject(request=obj, by=request.user, comment=data["comment"])
        return self._answer(obj)

    # ---------------------------------------------------------------------------------- submitter's moves

    @extend_schema(request=s.ApprovalEmptySerializer, responses={200: s.ApprovalRequestDetailSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def withdraw(self, request, pk=None):
        """The submitter takes the request back (撤回) while no step was decided."""
        obj = self.get_object()
        validated(self, s.ApprovalEmptySerializer)
        services.request_withdraw(request=obj, by=request.user)
        return self._answer(obj)

    @extend_schema(request=s.ApprovalEmptySerializer, responses={201: s.ApprovalNudgeSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def nudge(self, request, pk=None):
        """The submitter reminds the current approvers (催办), once per working day."""
        obj = self.get_object()
        validated(self, s.ApprovalEmptySerializer)
        event = services.request_nudge(request=obj, by=request.user)
        return Response({"event": event.pk, "at": event.at}, status=status.HTTP_201_CREATED)

    # ---------------------------------------------------------------------------------- approver's moves

    @extend_schema(request=s.ApprovalForwardSerializer, responses={200: s.ApprovalRequestDetailSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def forward(self, request, pk=None):
        """Hand the current step to someone else (转交)."""
        obj = self.get_object()
        data = validated(self, s.ApprovalForwardSerializer)
        services.request_forward(request=obj, by=request.user, to_staff=data["to_staff"], comment=data["comment"])
        return self._answer(obj)

    @extend_schema(request=s.ApprovalAddSignerSerializer, responses={200: s.ApprovalRequestDetailSerializer})
    @action(detail=True, methods=["post"], url_path="add-signer", url_name="add-signer", filterset_class=None)
    def add_signer(self, request, pk=None):
        """Add a reviewer (加签) before or after the current approver."""
        obj = self.get_object()
        data = validated(self, s.ApprovalAddSignerSerializer)
        services.request_add_signer(
            request=obj, by=request.user, staff=data["staff"], before=data["before"], comment=data["comment"]
        )
        return self._answer(obj)

    @extend_schema(responses={200: s.StaffCandidateSerializer(many=True)})
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def candidates(self, request, pk=None):
        """Whom I may forward the current step to or add as a reviewer: people who could hold it by the org
        tree (its unit or above, or the center), less the submitter and its approver — the pages' picker.
        403 unless I may act on the step."""
        obj = self.get_object()
        if not may(request.user, "approval.decide", obj):
            raise NotAllowed(_("Only the approver of the current step, their delegate or the director can act on it."))
        return Response(s.StaffCandidateSerializer(selectors.reviewer_candidates(request=obj), many=True).data)

    # ---------------------------------------------------------------------------------- lists

    @extend_schema(responses={200: s.ApprovalQueueSerializer}, filters=True)
    @action(detail=False, methods=["get"], pagination_class=OldestFirstPagination)
    def queue(self, request):
        """What waits at the Development Center, oldest first, with the number of SLA breaches
        (after the filters); within the reader's scope (a regional manager: their region)."""
        queryset = self.filter_queryset(selectors.at_center(self.get_queryset()))
        breaches = queryset.filter(overdue=True).count()
        page = self.paginate_queryset(queryset)
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        response.data["breach_count"] = breaches
        return response

    @extend_schema(responses={200: s.ApprovalRequestSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=OldestFirstPagination)
    def waiting(self, request):
        """What waits for my decision (待我审批), oldest first."""
        mine = selectors.queue_for(user=request.user).values("pk")
        queryset = self.filter_queryset(self.get_queryset().filter(pk__in=mine))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses={200: s.ApprovalRequestSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=NewestFirstPagination)
    def mine(self, request):
        """My submissions (我的提交), newest first, the latest version of each matter."""
        queryset = self.filter_queryset(self.get_queryset().filter(submitted_by=request.user).latest_versions())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=s.ApprovalBulkSerializer, responses={200: s.ApprovalBulkResponseSerializer})
    @action(detail=False, methods=["post"], filterset_class=None, pagination_class=None)
    def bulk(self, request):
        """Approve, return or reject several requests of one kind with one comment; one result per id."""
        data = validated(self, s.ApprovalBulkSerializer)
        ids = list(dict.fromkeys(data["ids"]))
        found = {r.pk: r for r in ApprovalRequest.objects.for_user(request.user).filter(pk__in=ids)}
        results = {}
        if found:
            for row in services.bulk_decide(
                requests=[found[pk] for pk in ids if pk in found], by=request.user, action=data["action"], comment=data["comment"]
            ):
                results[row["request"]] = row
        elif data["action"] != "approve" and not data["comment"].strip():
            raise InvalidInput(_("Say why in a comment: the submitter needs it to revise or to understand."), field="comment")
        rows = [results.get(pk) or {"request": pk, "ok": False, "error": _("Not found.")} for pk in ids]
        return Response({"results": rows})


class DelegationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Delegations (代理审批): the list holds the ones I gave or received; I create my own and revoke them."""

    queryset = Delegation.objects.all()
    serializer_class = s.DelegationSerializer
    filterset_class = DelegationFilterSet
    permission_classes = [permissions.IsAuthenticated, ApprovalPermission]

    def narrow_queryset(self, queryset):
        queryset = queryset.select_related("from_staff", "to_staff")
        if self.action == "list":
            staff = getattr(self.request.user, "staff_profile", None)
            return queryset.own(staff) if staff is not None else queryset.none()
        return queryset

    @extend_schema(request=s.DelegationWriteSerializer, responses={201: s.DelegationSerializer})
    def create(self, request):
        """Let a colleague act on my steps while I am away."""
        data = validated(self, s.DelegationWriteSerializer)
        staff = getattr(request.user, "staff_profile", None)
        if staff is None:
            raise NotAllowed(_("Only a staff member can delegate their approvals."))
        delegation = services.delegation_create(from_staff=staff, by=request.user, **data)
        return Response(s.DelegationSerializer(delegation).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: s.StaffCandidateSerializer(many=True)})
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def candidates(self, request):
        """Whom I may delegate my approvals to: people whose scope covers mine (my unit or above, or the
        center) — the page's picker."""
        staff = getattr(request.user, "staff_profile", None)
        if staff is None:
            raise NotAllowed(_("Only a staff member can delegate their approvals."))
        return Response(s.StaffCandidateSerializer(selectors.delegate_candidates(staff=staff), many=True).data)

    @extend_schema(request=s.ApprovalEmptySerializer, responses={200: s.DelegationSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def revoke(self, request, pk=None):
        """End the delegation now (the person is back)."""
        delegation = self.get_object()
        validated(self, s.ApprovalEmptySerializer)
        delegation = services.delegation_revoke(delegation=delegation, by=request.user)
        return Response(s.DelegationSerializer(delegation).data)
