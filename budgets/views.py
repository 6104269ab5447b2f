"""Pages of expense budgets and spending: budgets with budget vs actual, a budget's versions, children
and spending, setting and allocating budgets, the budget-vs-actual report, expenses and recording them.

Every read goes through `for_user` (the Scoped* base views, or explicitly for related rows); every write
through budgets.services; a refused write shows the service's message on its field.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from budgets import selectors, services
from budgets.choices import AllocationMethod, AllocationTarget, ExpenseState
from budgets.filtersets import BudgetFilterSet, ExpenseFilterSet
from budgets.forms import (
    AllocateForm,
    BudgetAmountForm,
    BudgetSetForm,
    BudgetVsActualForm,
    ConfirmForm,
    ExpenseForm,
    ExpenseResubmitForm,
)
from budgets.models import Budget, Expense
from core.errors import DomainError
from core.periods import Period
from core.rights import may
from core.ui import approval_url
from core.views import ScopedDetailView, ScopedListView, ScopedViewMixin, apply_domain_error
from regions.models import OrgUnit

# ------------------------------------------------------------------------------------------- budgets


class BudgetListView(ScopedListView):
    model = Budget
    change_action = "budget.change"
    filterset_class = BudgetFilterSet
    unit_tree = OrgUnit
    title = gettext_lazy("Expense budgets")
    template_name = "budgets/budget_list.html"

    def narrow_queryset(self, queryset):
        queryset = super().narrow_queryset(queryset.select_related("unit"))
        return selectors.with_spending(queryset).order_by("unit__path", "period", "category", "-version")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for budget in context["object_list"]:
            budget.remaining = budget.amount - budget.spent
            budget.used_percent = selectors.used_percent(budget.spent, budget.amount)
        return context


def _totals(rows):
    amount = sum((row.amount for row in rows), Decimal("0.00"))
    spent = sum((row.spent for row in rows), Decimal("0.00"))
    return {"amount": amount, "spent": spent, "used_percent": selectors.used_percent(spent, amount)}


class BudgetDetailView(ScopedDetailView):
    model = Budget
    change_action = "budget.change"
    template_name = "budgets/budget_detail.html"

    def narrow_queryset(self, queryset):
        return selectors.with_spending(queryset.select_related("unit", "parent__unit", "created_by"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        budget = self.object
        budget.remaining = budget.amount - budget.spent
        budget.used_percent = selectors.used_percent(budget.spent, budget.amount)
        context["versions"] = (
            Budget.objects.for_user(self.request.user)
            .filter(unit_id=budget.unit_id, period=str(budget.period), category=budget.category)
            .select_related("created_by")
            .order_by("-version")
        )
        children = selectors.allocation_children(budget)
        for rows in children.values():
            for row in rows:
                row.used_percent = selectors.used_percent(row.spent, row.amount)
        context["child_units"] = children[AllocationTarget.UNITS]
        context["child_quarters"] = children[AllocationTarget.QUARTERS]
        context["child_months"] = children[AllocationTarget.MONTHS]
        # An allocation adds up to its budget, so each children table gets a totals row to check it by eye.
        context["child_units_total"] = _totals(context["child_units"])
        context["child_quarters_total"] = _totals(context["child_quarters"])
        context["child_months_total"] = _totals(context["child_months"])
        context["problems"] = selectors.allocation_check(budget)
        context["expenses"] = (
            selectors.expenses_against(budget)
            .filter(pk__in=Expense.objects.for_user(self.request.user).values("pk"))
            .select_related("unit", "recorded_by")
            .order_by("-spent_on", "-id")[:50]
        )
        context["may_allocate"] = budget.is_current and may(self.request.user, "budget.allocate", budget)
        context["allocate_to"] = [
            (target, label)
            for target, label in AllocationTarget.choices
            if (target == AllocationTarget.UNITS and budget.unit.children.filter(is_active=True).exists())
            or (target == AllocationTarget.QUARTERS and budget.period.kind == "year")
            or (target == AllocationTarget.MONTHS and budget.period.kind in ("year", "quarter"))
        ]
        if budget.is_current and may(self.request.user, "budget.set", budget.unit):
            context.setdefault("amount_form", BudgetAmountForm(initial={"amount": budget.amount}))
        context["expense_list_url"] = reverse("budgets:expense_list") + f"?budget={budget.pk}"
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        return self.form_action(
            form=BudgetAmountForm(request.POST),
            context_name="amount_form",
            action=lambda data: services.budget_set(
                unit=self.object.unit,
                period=self.object.period,
                category=self.object.category,
                amount=data["amount"],
                by=request.user,
            ),
            success_message=_("The budget was set; the new version is current."),
        )


class BudgetCreateView(ScopedViewMixin, View):
    """Set a budget (a new version if one exists)."""

    model = Budget
    change_action = "budget.change"
    template_name = "budgets/budget_form.html"

    def get(self, request, *args, **kwargs):
        self.require_change()
        return render(request, self.template_name, {"form": BudgetSetForm(user=request.user)})

    def post(self, request, *args, **kwargs):
        self.require_change()
        form = BudgetSetForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                budget = services.budget_set(**form.cleaned_data, by=request.user)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The budget was set."))
                return redirect("budgets:budget_detail", pk=budget.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class BudgetAllocateView(ScopedDetailView):
    """Allocate a current budget to its sub-units, quarters or months (`?to=`)."""

    model = Budget
    change_action = "budget.change"
    template_name = "budgets/budget_allocate.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit")

    def _setup(self):
        self.object = self.get_object()
        self.require_change()
        to = self.request.GET.get("to") or AllocationTarget.UNITS
        if to not in AllocationTarget.values:
            raise Http404
        self.to = to
        try:
            self.children = services.allocation_slots(self.object, to)
        except DomainError as error:
            self.children = []
            self.refusal = str(error.message)
        else:
            self.refusal = None

    def _render(self, form, status=200):
        context = self.get_context_data(object=self.object, form=form, to=self.to, refusal=self.refusal)
        context["to_label"] = AllocationTarget(self.to).label
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        self._setup()
        return self._render(AllocateForm(children=self.children))

    def post(self, request, *args, **kwargs):
        self._setup()
        form = AllocateForm(request.POST, children=self.children)
        if self.refusal is None and form.is_valid():
            method = form.cleaned_data["method"]
            given = form.given()
            try:
                services.budget_allocate(
                    budget=self.object,
                    to=self.to,
                    method=method,
                    shares=given if method == AllocationMethod.SHARES else None,
                    values=given if method == AllocationMethod.MANUAL else None,
                    by=request.user,
                )
            except DomainError as error:
                field = None
                if error.field in ("values", "shares"):
                    field = None
                elif error.field in form.fields:
                    field = error.field
                form.add_error(field, str(error.message))
            else:
                messages.success(request, _("The budget was allocated."))
                return redirect("budgets:budget_detail", pk=self.object.pk)
        return self._render(form, status=400)


class BudgetVsActualView(ScopedViewMixin, View):
    """Budget vs actual of a unit (its subtree's spending) for a period, per category."""

    model = Budget
    template_name = "budgets/budget_vs_actual.html"

    def get(self, request, *args, **kwargs):
        data = request.GET.copy()
        staff = getattr(request.user, "staff_profile", None)
        if "unit" not in data and staff is not None:
            data["unit"] = staff.unit_id
        if "period" not in data:
            data["period"] = str(timezone.localdate().year)
        form = BudgetVsActualForm(data, user=request.user)
        report = None
        status = 200
        if form.is_valid():
            try:
                period = Period.parse(form.cleaned_data["period"])
            except ValueError:
                form.add_error("period", _("Write a year (2026), a quarter (2026-Q3) or a month (2026-07)."))
                status = 400
            else:
                report = selectors.budget_vs_actual(unit=form.cleaned_data["unit"], period=period)
        elif request.GET:
            status = 400
        return render(request, self.template_name, {"form": form, "report": report}, status=status)


# ------------------------------------------------------------------------------------------ expenses


class ExpenseListView(ScopedListView):
    model = Expense
    change_action = "expense.change"
    filterset_class = ExpenseFilterSet
    hidden_filters = ("recorded_by", "budget")
    unit_tree = OrgUnit
    title = gettext_lazy("Expenses")
    template_name = "budgets/expense_list.html"

    def narrow_queryset(self, queryset):
        return super().narrow_queryset(queryset.select_related("unit", "recorded_by")).order_by("-spent_on", "-id")


class ExpenseCreateView(ScopedViewMixin, View):
    model = Expense
    change_action = "expense.change"
    template_name = "budgets/expense_form.html"

    def get(self, request, *args, **kwargs):
        self.require_change()
        return render(request, self.template_name, {"form": ExpenseForm(user=request.user)})

    def post(self, request, *args, **kwargs):
        self.require_change()
        form = ExpenseForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                expense = services.expense_record(**form.cleaned_data, by=request.user)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                if expense.state == ExpenseState.PENDING:
                    messages.warning(
                        request, _("The expense goes beyond the budget: it was sent for approval and counts once approved.")
                    )
                else:
                    messages.success(request, _("The expense was recorded within the budget."))
                return redirect("budgets:expense_detail", pk=expense.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class ExpenseDetailView(ScopedDetailView):
    model = Expense
    change_action = "expense.change"
    template_name = "budgets/expense_detail.html"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit", "recorded_by", "budget", "approval_request")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        expense = self.object
        context["position"] = selectors.expense_position(expense)
        if expense.approval_request_id:
            context["approval_url"] = approval_url(expense.approval_request_id)
        budget = context["position"]["budget"]
        context["budget_visible"] = (
            budget is not None and Budget.objects.for_user(self.request.user).filter(pk=budget.pk).exists()
        )
        if may(self.request.user, "expense.handle", expense):
            if expense.state in (ExpenseState.RECORDED, ExpenseState.APPROVED, ExpenseState.PENDING, ExpenseState.RETURNED):
                context.setdefault("cancel_form", ConfirmForm())
            if expense.state == ExpenseState.RETURNED:
                context.setdefault(
                    "resubmit_form", ExpenseResubmitForm(initial={"amount": expense.amount, "description": expense.description})
                )
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.require_change()
        if request.POST.get("action") == "resubmit":
            return self.form_action(
                form=ExpenseResubmitForm(request.POST),
                context_name="resubmit_form",
                action=lambda data: services.expense_resubmit(
                    expense=self.object, by=request.user, amount=data["amount"], description=data["description"]
                ),
                success_message=_("The expense was submitted again."),
            )
        if request.POST.get("action") == "cancel":
            return self.form_action(
                form=ConfirmForm(request.POST),
                context_name="cancel_form",
                action=lambda data: services.expense_cancel(expense=self.object, by=request.user),
                success_message=_("The expense was cancelled."),
            )
        raise PermissionDenied
