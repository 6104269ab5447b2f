from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ScopedPrimaryKeyRelatedField
from core.dates import DateInputField
from core.serializers import StrictSerializer, enum_choice_field
from regions.models import StaffProfile
from workflow.choices import TaskState
from workflow.models import Task


class TaskSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    supervisor_name = serializers.CharField(source="supervisor.name", read_only=True, default=None)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    state = enum_choice_field(TaskState, read_only=True)
    is_overdue = serializers.BooleanField(read_only=True, default=False)
    source_type = serializers.SerializerMethodField()
    source_url = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "title",
            "description",
            "unit",
            "unit_name",
            "owner",
            "owner_name",
            "supervisor",
            "supervisor_name",
            "due_on",
            "state",
            "is_overdue",
            "completed_at",
            "completed_on",
            "completed_by",
            "completion_note",
            "cancelled_reason",
            "source_type",
            "object_id",
            "source_url",
            "created_by",
            "created_at",
            "reminded_on",
            "escalated_on",
        ]
        read_only_fields = fields

    def get_source_type(self, task) -> str | None:
        if not task.content_type_id:
            return None
        return f"{task.content_type.app_label}.{task.content_type.model}"

    def get_source_url(self, task) -> str:
        return task.source_url if task.content_type_id else ""


class TaskCreateSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200, label=_("title"))
    owner = ScopedPrimaryKeyRelatedField(
        model=StaffProfile, required=False, label=_("owner"), help_text="Defaults to the caller; others need task.assign."
    )
    due_on = DateInputField(label=_("due on"))
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="", label=_("description"))


class TaskUpdateSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200, required=False, label=_("title"))
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, label=_("description"))
    due_on = DateInputField(required=False, label=_("due on"))


class TaskCompleteSerializer(StrictSerializer):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="", label=_("completion note"))


class TaskReasonSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="", label=_("reason"))


class TaskCancelSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=500, label=_("reason"))


class TaskReassignSerializer(StrictSerializer):
    owner = ScopedPrimaryKeyRelatedField(model=StaffProfile, label=_("new owner"))


class SummaryQuerySerializer(serializers.Serializer):
    period = serializers.CharField(
        required=False, default="month", max_length=10, help_text="month, quarter, or a period such as 2026, 2026-Q3, 2026-07."
    )


class SummaryRowSerializer(serializers.Serializer):
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    due = serializers.IntegerField()
    done_on_time = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)


class PersonSummarySerializer(SummaryRowSerializer):
    owner = serializers.IntegerField(source="owner_id")
    name = serializers.CharField(source="owner__name")
    employee_no = serializers.CharField(source="owner__employee_no")
    unit_name = serializers.CharField(source="owner__unit__name")


class UnitSummarySerializer(SummaryRowSerializer):
    unit = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    name = serializers.CharField()


class TeamSummarySerializer(serializers.Serializer):
    period = serializers.CharField()
    unit = serializers.IntegerField(source="root.pk", allow_null=True)
    people = PersonSummarySerializer(many=True)
    units = UnitSummarySerializer(many=True)
    total = SummaryRowSerializer(allow_null=True)
