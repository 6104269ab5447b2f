"""Admin view of tasks: read-only with history. Tasks change through the services (rights, locks,
notifications), never by editing a row."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from workflow.models import Task


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ["id", "title", "owner", "supervisor", "unit", "due_on", "state", "completed_on"]
    list_filter = ["state"]
    search_fields = ["title", "owner__name", "owner__employee_no"]
    date_hierarchy = "due_on"
    list_select_related = ["owner", "supervisor", "unit"]
    raw_id_fields = ["owner", "supervisor", "unit", "created_by", "completed_by"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
