"""Admin for targets and plans (read-only: they change only through the services, as new versions) and for
seasonal distributions (twelve months inline, checked by the same rule as the service)."""

from django import forms
from django.contrib import admin

from core.errors import DomainError
from plans import services
from plans.models import (
    Plan,
    PlanActionLine,
    PlanBudgetLine,
    PlanTargetLine,
    PlanVersion,
    SeasonalDistribution,
    SeasonalDistributionMonth,
    Target,
)


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["metric", "period", "unit", "staff", "value", "version", "is_current", "split_method", "created_at"]
    list_filter = ["metric", "is_current", "split_method"]
    search_fields = ["period", "unit__name", "unit__code", "staff__name", "staff__employee_no"]
    list_select_related = ["unit", "staff"]
    raw_id_fields = ["parent"]
    readonly_fields = [f.name for f in Target._meta.fields]

    # Versions are history: a target is set or split through the services, never edited here.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MonthFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        values = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            values[data["month"]] = data["value"]
        kind = self.instance.kind
        try:
            services.distribution_values(kind, values)
        except DomainError as error:
            raise forms.ValidationError(str(error.message))


class MonthInline(admin.TabularInline):
    model = SeasonalDistributionMonth
    formset = MonthFormSet
    extra = 12
    max_num = 12
    fields = ["month", "value"]

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj is not None and obj.months.exists() else 12


@admin.register(SeasonalDistribution)
class SeasonalDistributionAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "kind", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["unit"]
    inlines = [MonthInline]
    fields = ["name", "unit", "kind"]


# --- plans: read-only here; they change through the services (drafts, submission, approval) ---------
class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TargetLineInline(_ReadOnlyInline):
    model = PlanTargetLine
    fields = ["metric", "period", "value", "split_method", "distribution"]


class ActionLineInline(_ReadOnlyInline):
    model = PlanActionLine
    fields = ["what", "owner", "due_on", "notes"]


class BudgetLineInline(_ReadOnlyInline):
    model = PlanBudgetLine
    fields = ["category", "amount", "note"]


class VersionInline(_ReadOnlyInline):
    model = PlanVersion
    fields = ["number", "title", "request", "created_at"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "unit", "period", "author", "state", "submitted_at", "approved_at"]
    list_filter = ["kind", "state"]
    search_fields = ["title", "unit__name", "unit__code", "author__name"]
    list_select_related = ["unit", "author"]
    readonly_fields = [f.name for f in Plan._meta.fields]
    inlines = [TargetLineInline, ActionLineInline, BudgetLineInline, VersionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
