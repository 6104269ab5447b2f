"""The early-warning API under /api/v1/risk/: the rules (everyone reads them), the proposed changes of the rules
(the center proposes, submits and withdraws them; approvals decides) and the warnings (list, detail, and the POST actions acknowledge / act / close). Reads go through the scope;
writes through risk.services, whose refusals are JSON naming the field (400/403/409/422)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedViewSet, validated
from risk import services
from risk.api import serializers as s
from risk.filtersets import WarningFilterSet, WarningRuleChangeFilterSet
from risk.models import Warning, WarningRule, WarningRuleChange


class WarningRuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Early-warning rules (预警规则), read only: the Development Center changes them by proposing a change
    (warning-rule-changes/) that is applied once approved."""

    queryset = WarningRule.objects.all()
    serializer_class = s.WarningRuleSerializer

    def narrow_queryset(self, queryset):
        return queryset.order_by("kind", "id")


class WarningRuleChangeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Proposed changes of the warning rules (预警规则变更): everyone inside the organisation reads them; the
    Development Center proposes (POST), submits and withdraws them; approvals decides."""

    queryset = WarningRuleChange.objects.all()
    serializer_class = s.WarningRuleChangeSerializer
    filterset_class = WarningRuleChangeFilterSet
    change_action = "risk.policy"

    def narrow_queryset(self, queryset):
        return queryset.select_related("rule", "drafted_by").order_by("-created_at", "-id")

    def _answer(self, change, code=status.HTTP_200_OK):
        return Response(s.WarningRuleChangeSerializer(self.get_queryset().get(pk=change.pk)).data, status=code)

    @extend_schema(request=s.WarningRuleChangeWriteSerializer, responses={201: s.WarningRuleChangeSerializer})
    def create(self, request):
        """Propose a change of `rule` (none: a new rule) as a draft; a value of the wrong kind or range, or no
        reason, is a 400 naming the field."""
        change = services.warning_rule_propose(**validated(self, s.WarningRuleChangeWriteSerializer), by=request.user)
        return self._answer(change, status.HTTP_201_CREATED)

    @extend_schema(request=s.WarningEmptySerializer, responses={200: s.WarningRuleChangeSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def submit(self, request, pk=None):
        """Submit a draft or returned proposal to the Development Center's approval."""
        change = self.get_object()
        validated(self, s.WarningEmptySerializer)
        services.warning_rule_change_submit(change=change, by=request.user)
        return self._answer(change)

    @extend_schema(request=s.WarningEmptySerializer, responses={200: s.WarningRuleChangeSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def withdraw(self, request, pk=None):
        """Withdraw a proposal not decided yet."""
        change = self.get_object()
        validated(self, s.WarningEmptySerializer)
        services.warning_rule_change_withdraw(change=change, by=request.user)
        return self._answer(change)


class WarningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Warnings (预警单): one rule tripped by one customer or district; handled by its owner, supervisor,
    the managers above and the center."""

    queryset = Warning.objects.all()
    serializer_class = s.WarningSerializer
    filterset_class = WarningFilterSet
    change_action = "warning.handle"

    def narrow_queryset(self, queryset):
        return queryset.select_related("rule", "customer", "unit", "owner").order_by("-opened_on", "-id")

    def _answer(self, warning):
        return Response(s.WarningSerializer(self.get_queryset().get(pk=warning.pk)).data)

    @extend_schema(request=s.WarningEmptySerializer, responses={200: s.WarningSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def acknowledge(self, request, pk=None):
        """Acknowledge an open warning."""
        warning = self.get_object()
        validated(self, s.WarningEmptySerializer)
        return self._answer(services.warning_acknowledge(warning=warning, by=request.user))

    @extend_schema(request=s.WarningActSerializer, responses={200: s.WarningSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def act(self, request, pk=None):
        """Record what was done about the warning."""
        warning = self.get_object()
        data = validated(self, s.WarningActSerializer)
        return self._answer(services.warning_record_action(warning=warning, action=data["action"], by=request.user))

    @extend_schema(request=s.WarningCloseSerializer, responses={200: s.WarningSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def close(self, request, pk=None):
        """Close the warning with its resolution (without one: 422 on "resolution")."""
        warning = self.get_object()
        data = validated(self, s.WarningCloseSerializer)
        return self._answer(services.warning_close(warning=warning, resolution=data["resolution"], by=request.user))
