"""Admin views of approvals: read-only. Decisions are transitions that go through the services (lock,
rights, recorded events), never an edit of a row."""

from django.contrib import admin

from approvals.models import ApprovalEvent, ApprovalRequest, ApprovalStep, Delegation


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ApprovalStepInline(admin.TabularInline):
    model = ApprovalStep
    extra = 0
    can_delete = False
    fields = ["order", "kind", "approver_role", "approver_unit", "approver", "state", "decided_by", "decided_at", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ApprovalEventInline(admin.TabularInline):
    model = ApprovalEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "from_state", "to_state", "actor", "on_behalf_of", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "version", "unit", "state", "submitted_by_staff", "submitted_at", "due_at", "decided_at"]
    list_filter = ["kind", "state"]
    search_fields = ["title", "unit__name", "unit__code"]
    list_select_related = ["unit", "submitted_by_staff"]
    inlines = [ApprovalStepInline, ApprovalEventInline]


@admin.register(Delegation)
class DelegationAdmin(ReadOnlyAdmin):
    list_display = ["from_staff", "to_staff", "starts_on", "ends_on", "revoked_at"]
    list_select_related = ["from_staff", "to_staff"]
