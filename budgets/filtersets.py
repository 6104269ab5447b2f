"""One FilterSet per list (budgets, expenses), shared by the pages and the API. Filters only narrow:
every list is already cut by the caller's scope."""

import django_filters
from django.utils.translation import gettext_lazy as _

from budgets.choices import ExpenseCategory, ExpenseState
from budgets.models import Budget, Expense
from core.dates import DateFilter
from core.filters import IdFilter, PeriodFilter, SubtreeFilter


class BudgetFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    exact_unit = IdFilter(field_name="unit_id", label=_("org unit (only itself)"))
    period = PeriodFilter(field_name="period", label=_("period (2026, 2026-Q3 or 2026-07)"))
    year = django_filters.NumberFilter(method="filter_year", label=_("year"), min_value=1, max_value=9999)
    category = django_filters.ChoiceFilter(choices=ExpenseCategory.choices, label=_("category"))
    parent = IdFilter(field_name="parent_id", label=_("allocated from"))
    current = django_filters.BooleanFilter(method="filter_current", label=_("current versions (default) or superseded ones"))

    class Meta:
        model = Budget
        fields = ["category"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(starts_on__year=int(value))

    def filter_current(self, queryset, name, value):
        return queryset  # applied in filter_queryset, where its default (current only) is known

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        current = self.form.cleaned_data.get("current")
        return queryset.filter(is_current=current is not False)


class ExpenseFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    category = django_filters.ChoiceFilter(choices=ExpenseCategory.choices, label=_("category"))
    state = django_filters.ChoiceFilter(choices=ExpenseState.choices, label=_("state"))
    period = PeriodFilter(method="filter_period", label=_("period (2026, 2026-Q3 or 2026-07)"))
    spent_on_after = DateFilter(field_name="spent_on", lookup_expr="gte", label=_("spent on or after"))
    spent_on_before = DateFilter(field_name="spent_on", lookup_expr="lte", label=_("spent on or before"))
    recorded_by = IdFilter(field_name="recorded_by_id", label=_("recorded by"))
    budget = IdFilter(field_name="budget_id", label=_("budget"))

    class Meta:
        model = Expense
        fields = ["category", "state"]

    def filter_period(self, queryset, name, value):
        return queryset.filter(spent_on__gte=value.start, spent_on__lte=value.end)
