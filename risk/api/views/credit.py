"""The credit-control API under /api/v1/risk/: credit-limit exceptions — list, detail, create (a draft), update
(a draft or returned one), and the POST actions submit / withdraw. Reads go through the scope; writes through
risk.services, whose refusals are JSON naming the field (400/403/409)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import RolePermission, ScopedViewSet, validated
from core.roles import BRANCH_SYSTEM, role_of
from risk import services
from risk.api import serializers as s
from risk.filtersets import CreditExceptionFilterSet, CreditHoldFilterSet, LimitSuggestionFilterSet
from risk.models import CreditException, CreditHold, CreditLimitSuggestion, CreditPolicy


class CreditPermission(RolePermission):
    """Writes are a person's (the customer's salesperson or a manager above): a branch system's key, which keeps
    the ledger (`customer.change`), asks for no credit — a 403 before its body is read."""

    @staticmethod
    def _allowed(request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return role_of(request.user) != BRANCH_SYSTEM and RolePermission._allowed(request, view)


class CreditExceptionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Credit-limit exceptions (信用额度例外): a salesperson reads and asks for their own customers', a manager
    those of their part of the tree; the chain decides (approvals)."""

    queryset = CreditException.objects.all()
    serializer_class = s.CreditExceptionSerializer
    filterset_class = CreditExceptionFilterSet
    change_action = "customer.change"
    permission_classes = [permissions.IsAuthenticated, CreditPermission]

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer").order_by("-created_at", "-id")

    def _answer(self, exception, code=status.HTTP_200_OK):
        return Response(s.CreditExceptionSerializer(self.get_queryset().get(pk=exception.pk)).data, status=code)

    @extend_schema(request=s.CreditExceptionCreateSerializer, responses={201: s.CreditExceptionSerializer})
    def create(self, request):
        """Draft an exception of `customer` (in the caller's scope); bad amounts, days or overlaps are a 400/409
        naming the field."""
        exception = services.credit_exception_request(**validated(self, s.CreditExceptionCreateSerializer), by=request.user)
        return self._answer(exception, status.HTTP_201_CREATED)

    @extend_schema(request=s.CreditExceptionWriteSerializer, responses={200: s.CreditExceptionSerializer})
    def partial_update(self, request, pk=None):
        """Change a draft or returned exception (every field given again; a returned one is a draft again)."""
        exception = self.get_object()
        services.credit_exception_update(
            exception=exception, **validated(self, s.CreditExceptionWriteSerializer), by=request.user
        )
        return self._answer(exception)

    @extend_schema(request=s.CreditExceptionEmptySerializer, responses={200: s.CreditExceptionSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def submit(self, request, pk=None):
        """Submit a draft or returned exception to its approval chain."""
        exception = self.get_object()
        validated(self, s.CreditExceptionEmptySerializer)
        services.credit_exception_submit(exception=exception, by=request.user)
        return self._answer(exception)

    @extend_schema(request=s.CreditExceptionEmptySerializer, responses={200: s.CreditExceptionSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def withdraw(self, request, pk=None):
        """Withdraw an exception not decided yet."""
        exception = self.get_object()
        validated(self, s.CreditExceptionEmptySerializer)
        services.credit_exception_withdraw(exception=exception, by=request.user)
        return self._answer(exception)


class CreditHoldViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Customers on credit hold (暂停赊销) and why; POST release asks for a hold's release (approvals decides)."""

    queryset = CreditHold.objects.all()
    serializer_class = s.CreditHoldSerializer
    filterset_class = CreditHoldFilterSet
    change_action = "customer.change"
    permission_classes = [permissions.IsAuthenticated, CreditPermission]

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer").order_by("-placed_on", "-id")

    @extend_schema(request=s.CreditHoldReleaseSerializer, responses={200: s.CreditHoldSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def release(self, request, pk=None):
        """Ask for the hold's release, submitted to its chain at once; no reason is a 400, a release already
        waiting a 409."""
        hold = self.get_object()
        services.credit_hold_release_request(hold=hold, **validated(self, s.CreditHoldReleaseSerializer), by=request.user)
        return Response(s.CreditHoldSerializer(self.get_queryset().get(pk=hold.pk)).data)


class CreditPolicyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The credit policy's versions (信用政策): everyone inside the organisation reads them; the Development Center
    drafts (POST), changes a draft (PATCH), submits, withdraws and revises; approvals decides."""

    queryset = CreditPolicy.objects.all()
    serializer_class = s.CreditPolicySerializer
    filterset_class = None
    change_action = "risk.policy"

    def narrow_queryset(self, queryset):
        return queryset.prefetch_related("caps__unit").order_by("-version", "-id")

    def _answer(self, policy, code=status.HTTP_200_OK):
        return Response(s.CreditPolicySerializer(self.get_queryset().get(pk=policy.pk)).data, status=code)

    @extend_schema(request=s.CreditPolicyWriteSerializer, responses={201: s.CreditPolicySerializer})
    def create(self, request):
        """Draft a credit policy; a bad grade rule, cap or day count is a 400 naming the field."""
        policy = services.credit_policy_create(**validated(self, s.CreditPolicyWriteSerializer), by=request.user)
        return self._answer(policy, status.HTTP_201_CREATED)

    @extend_schema(request=s.CreditPolicyWriteSerializer, responses={200: s.CreditPolicySerializer})
    def partial_update(self, request, pk=None):
        """Change a draft (every field given again)."""
        policy = self.get_object()
        services.credit_policy_update(policy=policy, **validated(self, s.CreditPolicyWriteSerializer), by=request.user)
        return self._answer(policy)

    @extend_schema(request=s.CreditExceptionEmptySerializer, responses={200: s.CreditPolicySerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def submit(self, request, pk=None):
        """Submit a draft to the Development Center's approval."""
        policy = self.get_object()
        validated(self, s.CreditExceptionEmptySerializer)
        services.credit_policy_submit(policy=policy, by=request.user)
        return self._answer(policy)

    @extend_schema(request=s.CreditExceptionEmptySerializer, responses={200: s.CreditPolicySerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def withdraw(self, request, pk=None):
        """Take a submitted policy back (a draft again)."""
        policy = self.get_object()
        validated(self, s.CreditExceptionEmptySerializer)
        services.credit_policy_withdraw(policy=policy, by=request.user)
        return self._answer(policy)

    @extend_schema(request=s.CreditExceptionEmptySerializer, responses={201: s.CreditPolicySerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def revise(self, request, pk=None):
        """A new draft version of the policy in force."""
        policy = self.get_object()
        validated(self, s.CreditExceptionEmptySerializer)
        return self._answer(services.credit_policy_revise(policy=policy, by=request.user), status.HTTP_201_CREATED)


class LimitSuggestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Credit limits suggested by the policy (建议信用额度); POST accept (a manager above the district): applied at
    once up to the suggestion, beyond it submitted for approval."""

    queryset = CreditLimitSuggestion.objects.all()
    serializer_class = s.LimitSuggestionSerializer
    filterset_class = LimitSuggestionFilterSet
    change_action = "customer.change"
    permission_classes = [permissions.IsAuthenticated, CreditPermission]

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer").order_by("-suggested_on", "-id")

    @extend_schema(request=s.LimitAcceptSerializer, responses={200: s.LimitSuggestionSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def accept(self, request, pk=None):
        """Accept the suggestion, as suggested or with `limit`."""
        suggestion = self.get_object()
        services.credit_limit_accept(suggestion=suggestion, **validated(self, s.LimitAcceptSerializer), by=request.user)
        return Response(s.LimitSuggestionSerializer(self.get_queryset().get(pk=suggestion.pk)).data)
