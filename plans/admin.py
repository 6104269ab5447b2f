"""Admin for targets (read-only: they change only through the services, as new versions) and for
seasonal distributions (twelve months inline, checked by the same rule as the service)."""

from django import forms
from django.contrib import admin

from core.errors import DomainError
from plans import services
from plans.models import SeasonalDistribution, SeasonalDistributionMonth, Target


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
            services._distribution_values(kind, values)
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
