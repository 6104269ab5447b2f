"""The key-customer API under /api/v1/relations/:

- key-customers/: the key customers of the caller's scope (and the formerly key, with `is_key` false) with their
  decisions; POST designates a customer (reason), POST {id}/undesignate/ ends it (reason);
- key-customer-plans/: plans with their objectives, actions (tasks) and reviews; POST opens one for a key
  customer, PATCH changes title/summary/term, POST {id}/close/, {id}/objectives/, {id}/actions/, {id}/reviews/.

Reads go through the scope (`ScopedViewSet`), writes through relations.services, whose refusals are JSON naming
the field (400/409) or a 403 without the right."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedViewSet, validated
from core.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from customers.models import Customer
from relations import services
from relations.api.serializers import keycust as s
from relations.filtersets import KeyCustomerFilterSet, KeyCustomerPlanFilterSet
from relations.models.keycust import KeyCustomerDecision, KeyCustomerPlan, PlanReview
from relations.selectors.keycust import key_customers

CHANGE = "customer.change"


class KeyCustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Key customers (重点客户) with the decisions that made them key or ended it (reason, who, when)."""

    queryset = Customer.objects.all()
    serializer_class = s.KeyCustomerSerializer
    filterset_class = KeyCustomerFilterSet
    change_action = CHANGE

    def narrow_queryset(self, queryset):
        decisions = Prefetch("key_decisions", queryset=KeyCustomerDecision.objects.order_by("-created_at", "-id"))
        queryset = key_customers(self.request.user).filter(pk__in=queryset.values("pk"))
        return queryset.select_related("district").prefetch_related(decisions).order_by("-is_key", "name", "pk")

    def _answer(self, customer, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=customer.pk)).data, status=code)

    @extend_schema(request=s.DesignateSerializer, responses={201: s.KeyCustomerSerializer}, parameters=[IDEMPOTENCY_PARAMETER])
    @idempotent
    def create(self, request):
        """Make `customer` (in the caller's scope) a key customer, for `reason`."""
        data = validated(self, s.DesignateSerializer)
        decision = services.key_customer_designate(
            by=request.user, customer=data["customer"], reason=data["reason"], on=data.get("decided_on")
        )
        return self._answer(decision.customer, status.HTTP_201_CREATED)

    @extend_schema(request=s.UndesignateSerializer, responses={200: s.KeyCustomerSerializer})
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def undesignate(self, request, pk=None):
        """The customer is no longer a key customer, for `reason` (its active plans close)."""
        customer = self.get_object()
        data = validated(self, s.UndesignateSerializer)
        services.key_customer_undesignate(by=request.user, customer=customer, reason=data["reason"], on=data.get("decided_on"))
        return self._answer(customer)


class KeyCustomerPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Long-term plans of key customers (客户长期规划): objectives with figures and dates, actions given as tasks,
    quarterly reviews of each objective's target against the actual from the ledger."""

    queryset = KeyCustomerPlan.objects.all()
    serializer_class = s.KeyCustomerPlanSerializer
    filterset_class = KeyCustomerPlanFilterSet
    change_action = CHANGE

    def narrow_queryset(self, queryset):
        queryset = queryset.select_related("customer")
        if self.action != "list":
            reviews = Prefetch("reviews", queryset=PlanReview.objects.prefetch_related("lines").order_by("-period", "-id"))
            queryset = queryset.prefetch_related("objectives", "actions__task", reviews)
        return queryset.order_by("-starts_on", "-id")

    def get_serializer_class(self):
        return s.KeyCustomerPlanSerializer if self.action == "list" else s.KeyCustomerPlanDetailSerializer

    def _answer(self, plan, code=status.HTTP_200_OK):
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(s.KeyCustomerPlanDetailSerializer(plan, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        request=s.KeyPlanCreateSerializer, responses={201: s.KeyCustomerPlanDetailSerializer}, parameters=[IDEMPOTENCY_PARAMETER]
    )
    @idempotent
    def create(self, request):
        """Open a plan for a key customer over a term (a customer that is not key: 409)."""
        data = validated(self, s.KeyPlanCreateSerializer)
        plan = services.key_plan_create(by=request.user, **data)
        return self._answer(plan, status.HTTP_201_CREATED)

    @extend_schema(request=s.PlanWriteSerializer, responses={200: s.KeyCustomerPlanDetailSerializer})
    def partial_update(self, request, pk=None):
        """Change the title, summary or term (every objective must stay inside it)."""
        plan = self.get_object()
        services.key_plan_update(by=request.user, plan=plan, **validated(self, s.PlanWriteSerializer, partial=True))
        return self._answer(plan)

    @extend_schema(request=s.PlanCloseSerializer, responses={200: s.KeyCustomerPlanDetailSerializer})
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def close(self, request, pk=None):
        plan = self.get_object()
        services.key_plan_close(by=request.user, plan=plan, reason=validated(self, s.PlanCloseSerializer)["reason"])
        return self._answer(plan)

    @extend_schema(request=s.ObjectiveWriteSerializer, responses={201: s.KeyCustomerPlanDetailSerializer})
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def objectives(self, request, pk=None):
        """Add an objective: a target figure of a metric counted from a day to a due day inside the term."""
        plan = self.get_object()
        services.key_plan_objective_add(by=request.user, plan=plan, **validated(self, s.ObjectiveWriteSerializer))
        return self._answer(plan, status.HTTP_201_CREATED)

    @extend_schema(request=s.ActionWriteSerializer, responses={201: s.KeyCustomerPlanDetailSerializer})
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def actions(self, request, pk=None):
        """Add an action, given to `owner` as a task due on `due_on` (inside the term)."""
        plan = self.get_object()
        services.key_plan_action_add(by=request.user, plan=plan, **validated(self, s.ActionWriteSerializer))
        return self._answer(plan, status.HTTP_201_CREATED)

    @extend_schema(request=s.ReviewWriteSerializer, responses={201: s.KeyCustomerPlanDetailSerializer})
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def reviews(self, request, pk=None):
        """Review the plan for a quarter that has begun (once per quarter): the actuals are read from the ledger."""
        plan = self.get_object()
        services.key_plan_review_write(by=request.user, plan=plan, **validated(self, s.ReviewWriteSerializer))
        return self._answer(plan, status.HTTP_201_CREATED)
