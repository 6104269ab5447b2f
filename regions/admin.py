"""Admin for master data. Changes go through the same services as pages and the API, so the tree
stays consistent and a wrong parent or duplicate code is refused with the same message."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.errors import DomainError, InvalidInput
from core.models import AccessDenial, ApiKey
from regions import services
from regions.models import OrgUnit, Position, StaffProfile


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(label=_("merge into"), queryset=OrgUnit.objects.none())

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = OrgUnit.objects.filter(is_active=True, kind__in=kinds).order_by("code")


class OrgUnitAdminForm(forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = ["kind", "code", "name", "name_en", "parent"]

    def clean(self):
        cleaned = super().clean()
        kind, parent, code = cleaned.get("kind"), cleaned.get("parent"), cleaned.get("code")
        if not kind or not code:
            return cleaned
        instance = self.instance if self.instance.pk else None
        try:
            services.check_code(code, exclude_pk=instance.pk if instance else None)
            if instance is not None and kind != instance.kind:
                raise InvalidInput(_("The kind of an existing unit cannot change."), field="kind")
            if instance is not None and parent is not None and parent.path.startswith(instance.path):
                raise InvalidInput(_("A unit cannot be moved under itself or one of its own sub-units."), field="parent")
            if instance is None or (parent and parent.pk != instance.parent_id):
                services.check_parent(kind, parent)
        except DomainError as error:
            self.add_error(error.field if error.field in self.fields else None, str(error.message))
        return cleaned


@admin.register(OrgUnit)
class OrgUnitAdmin(SimpleHistoryAdmin):
    form = OrgUnitAdminForm
    list_display = ["code", "name", "name_en", "kind", "parent", "is_active", "closed_on"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["parent"]
    actions = ["close_units", "merge_units"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.org_unit_create(
                by=request.user,
                kind=data["kind"],
                code=data["code"],
                name=data["name"],
                name_en=data.get("name_en", ""),
                parent=data["parent"],
            )
            obj.pk, obj.path = created.pk, created.path
            return
        original = OrgUnit.objects.get(pk=obj.pk)
        services.org_unit_update(
            by=request.user, unit=original, name=data["name"], name_en=data.get("name_en", ""), code=data["code"]
        )
        if data.get("parent") and data["parent"].pk != original.parent_id:
            services.org_unit_move(by=request.user, unit=original, new_parent=data["parent"])

    @admin.action(description=_("Merge selected units into another unit"))
    def merge_units(self, request, queryset):
        """Asks for the target on an intermediate page, then merges each selected unit into it."""
        form = MergeForm(request.POST if "apply" in request.POST else None, kinds=set(queryset.values_list("kind", flat=True)))
        if form.is_bound and form.is_valid():
            target = form.cleaned_data["target"]
            for unit in queryset:
                try:
                    services.org_unit_merge(by=request.user, source=unit, target=target)
                except DomainError as error:
                    self.message_user(request, f"{unit}: {error.message}", level=messages.ERROR)
                else:
                    self.message_user(request, _("%(unit)s was merged into %(target)s.") % {"unit": unit, "target": target})
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge units"),
            "units": queryset,
            "form": form,
            "action": "merge_units",
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/regions/orgunit/merge.html", context)

    @admin.action(description=_("Close selected units"))
    def close_units(self, request, queryset):
        for unit in queryset:
            try:
                services.org_unit_close(by=request.user, unit=unit)
            except DomainError as error:
                self.message_user(request, f"{unit}: {error.message}", level=messages.ERROR)


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    can_delete = False
    readonly_fields = ["unit", "role", "title", "started_on", "ended_on", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(StaffProfile)
class StaffProfileAdmin(SimpleHistoryAdmin):
    list_display = ["employee_no", "name", "unit", "role", "title", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["employee_no", "name", "phone"]
    list_select_related = ["unit"]
    raw_id_fields = ["user", "unit"]
    inlines = [PositionInline]


@admin.register(ApiKey)
class ApiKeyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "prefix", "unit", "created_at", "revoked_at", "last_used_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    raw_id_fields = ["unit", "created_by"]

    def has_add_permission(self, request):
        # Keys are issued on the API keys page, which shows the key once; the admin cannot show it.
        return False


@admin.register(AccessDenial)
class AccessDenialAdmin(admin.ModelAdmin):
    list_display = ["at", "status", "method", "path", "user", "api_key", "reason"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in AccessDenial._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
