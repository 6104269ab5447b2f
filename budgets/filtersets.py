"""One FilterSet per list (budgets, expenses), shared by the pages and the API. Filters only narrow:
every list is already cut by the caller's scope."""

import django_filters
from django.utils.translation import gettext_lazy as _

from budgets.choices import ExpenseCategory, ExpenseState
from budgets.models import Budget, Expense
from core.dates import DateFilter
from core.filters import IdFilter, PeriodFilter, PeriodFormField  # noqa: F401  (appraisal imports them from here)
from regions.models import OrgUnit


def _subtree(queryset, lookup, unit_id):
    # Read unscoped on purpose: the rows are still cut by the caller's scope, so an outside unit gives an
    # empty list (as if it had nothing), never someone else's rows.
    unit_id = getattr(unit_id, "pk", unit_id)  # the pages offer the units as a choice of OrgUnit rows
    path = OrgUnit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
    if path is None:
        return queryset.none()
    return queryset.filter(**{f"{lookup}__startswith": path})


class BudgetFilterSet(django_filters.FilterSet):
    unit = IdFilter(method="filter_unit", label=_("org unit (with sub-units)"))
    exact_unit = IdFilter(field_name="unit_id", label=_("org unit (only itself)"))
    period = PeriodFilter(field_name="period", label=_("period (2026, 2026-Q3 or 2026-07)"))
    year = django_filters.NumberFilter(method="filter_year", label=_("year"), min_value=1, max_value=9999)
    category = django_filters.ChoiceFilter(choices=ExpenseCategory.choices, label=_("category"))
    parent = IdFilter(field_name="parent_id", label=_("allocated from"))
    current = django_filters.BooleanFilter(method="filter_current", label=_("current versions (default) or superseded ones"))

    class Meta:
        model = Budget
        fields = ["category"]

    def filter_unit(self, queryset, name, value):
        return _subtree(queryset, "unit__path", value)

    def filter_year(self, queryset, name, value):
        return queryset.filter(starts_on__year=int(value))

    def filter_current(self, queryset, name, value):
        return queryset  # applied in filter_queryset, where its default (current only) is known

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        current = self.form.cleaned_data.get("current")
        return queryset.filter(is_current=current is not False)


class ExpenseFilterSet(django_filters.FilterSet):
    unit = IdFilter(method="filter_unit", label=_("org unit (with sub-units)"))
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

    def filter_unit(self, queryset, name, value):
        return _subtree(queryset, "unit__path", value)

    def filter_period(self, queryset, name, value):
        return queryset.filter(spent_on__gte=value.start, spent_on__lte=value.end)
