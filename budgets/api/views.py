"""The budgets API: budgets (list, detail, set, allocate, budget vs actual) and expenses (list, detail,
record, cancel). Reads go through the scope (`ScopedViewSet`), writes through budgets.services; a
service's refusal is JSON naming the field (400/403/409/422), never a 500."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from budgets import selectors, services
from budgets.api import serializers as s
from budgets.filtersets import BudgetFilterSet, ExpenseFilterSet
from budgets.models import Budget, Expense
from core.api import ScopedViewSet, validated
from core.errors import InvalidInput
from core.periods import parse_input as parse_period
from core.scoping import get_in_scope, scope_of
from regions.models import OrgUnit


class BudgetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Expense budgets (费用预算) by unit, period and category. Lists show current versions unless
    `current=false`; each row carries its spending (the unit's subtree), what remains and the share used."""

    queryset = Budget.objects.all()
    serializer_class = s.BudgetSerializer
    filterset_class = BudgetFilterSet
    change_action = "budget.change"

    def narrow_queryset(self, queryset):
        return selectors.with_spending(queryset.select_related("unit"))

    def filter_queryset(self, queryset):
        # The filters narrow lists; a superseded version stays readable by its id.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_class(self):
        return s.BudgetDetailSerializer if self.action == "retrieve" else s.BudgetSerializer

    @extend_schema(request=s.BudgetWriteSerializer, responses={201: s.BudgetSerializer})
    def create(self, request):
        """Set a budget: a new current version (the first one, or superseding the current one)."""
        data = validated(self, s.BudgetWriteSerializer)
        budget = services.budget_set(**data, by=request.user)
        return Response(s.BudgetSerializer(self.get_queryset().get(pk=budget.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AllocateSerializer, responses={201: s.AllocationResultSerializer})
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def allocate(self, request, pk=None):
        """Allocate the budget to its sub-units, quarters or months; the parts add up exactly."""
        budget = self.get_object()
        data = validated(self, s.AllocateSerializer)
        result = services.budget_allocate(budget=budget, by=request.user, **data)
        rows = {row.pk: row for row in self.get_queryset().filter(pk__in=[b.pk for b in result.budgets])}
        result.budgets = [rows[b.pk] for b in result.budgets if b.pk in rows]
        return Response(s.AllocationResultSerializer(result).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", int, description="Org unit id; defaults to the caller's own unit."),
            OpenApiParameter("period", str, required=True, description="2026, 2026-Q3 or 2026-07."),
        ],
        responses={200: s.BudgetVsActualSerializer},
        filters=False,
    )
    @action(detail=False, methods=["get"], url_path="budget-vs-actual", filterset_class=None, pagination_class=None)
    def budget_vs_actual(self, request):
        """Budget vs actual of a unit (its subtree's spending) for a period, per category, with a total."""
        query = validated(self, s.BudgetVsActualQuerySerializer, data=request.query_params)
        period = parse_period(query["period"])
        unit_id = query.get("unit")
        if unit_id is None:
            unit = getattr(request.user, "scope_unit", None) or getattr(
                getattr(request.user, "staff_profile", None), "unit", None
            )
            if unit is None:
                raise InvalidInput(_("Choose an org unit."), field="unit")
        else:
            unit = get_in_scope(request, OrgUnit, pk=unit_id)
        if not scope_of(request.user).covers_path(unit.path):
            raise Http404
        report = selectors.budget_vs_actual(unit=unit, period=period)
        return Response(s.BudgetVsActualSerializer(report).data)


class ExpenseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Expenses (费用支出): within budget they are recorded; beyond it they wait for an approval and count
    once approved."""

    queryset = Expense.objects.all()
    serializer_class = s.ExpenseSerializer
    filterset_class = ExpenseFilterSet
    change_action = "expense.change"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "recorded_by")

    @extend_schema(request=s.ExpenseWriteSerializer, responses={201: s.ExpenseSerializer})
    def create(self, request):
        """Record an expense; beyond budget (or without one) it is pending and an approval is requested."""
        data = validated(self, s.ExpenseWriteSerializer)
        expense = services.expense_record(**data, by=request.user)
        return Response(s.ExpenseSerializer(self.get_queryset().get(pk=expense.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.EmptySerializer, responses={200: s.ExpenseSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def cancel(self, request, pk=None):
        """Cancel the expense (a pending one is withdrawn from its approval)."""
        expense = self.get_object()
        validated(self, s.EmptySerializer)
        expense = services.expense_cancel(expense=expense, by=request.user)
        return Response(s.ExpenseSerializer(self.get_queryset().get(pk=expense.pk)).data)
