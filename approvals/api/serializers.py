"""Serializers of the approvals API: requests (list and detail with steps, events and the diff against
the previous version), the moves on a request, bulk decisions and delegations."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from approvals.choices import BulkAction
from approvals.diff import diff_of
from approvals.models import ApprovalEvent, ApprovalRequest, ApprovalStep, Delegation
from approvals.selectors import working_days_overdue
from core.dates import DateInputField
from core.filters import MAX_ID
from core.serializers import StrictSerializer
from regions.models import StaffProfile


def _person(staff):
    return staff.name if staff is not None else None


class ApprovalStepSerializer(serializers.ModelSerializer):
    approver_role = serializers.CharField(read_only=True, help_text="core.roles.Role value of the approver's post.")
    approver_name = serializers.CharField(source="approver.name", default=None, read_only=True)
    approver_unit_name = serializers.CharField(source="approver_unit.name", read_only=True)
    approver_role_display = serializers.CharField(source="get_approver_role_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = ApprovalStep
        fields = [
            "id",
            "order",
            "kind",
            "approver_role",
            "approver_role_display",
            "approver_unit",
            "approver_unit_name",
            "approver",
            "approver_name",
            "state",
            "state_display",
            "decided_by",
            "decided_at",
            "comment",
        ]


class ApprovalEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()
    on_behalf_of_name = serializers.CharField(source="on_behalf_of.name", default=None, read_only=True)
    action_display = serializers.CharField(source="get_action_display", read_only=True)

    class Meta:
        model = ApprovalEvent
        fields = [
            "id",
            "at",
            "action",
            "action_display",
            "from_state",
            "to_state",
            "step",
            "actor",
            "actor_staff",
            "actor_name",
            "on_behalf_of",
            "on_behalf_of_name",
            "comment",
            "data",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_actor_name(self, event):
        if event.actor_staff is not None:
            return event.actor_staff.name
        return event.actor.get_username() if event.actor is not None else None


class ApprovalCurrentStepSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    approver_role = serializers.CharField()
    approver_unit = serializers.IntegerField(source="approver_unit_id")
    approver = serializers.IntegerField(source="approver_id", allow_null=True)
    approver_name = serializers.CharField(source="approver.name", default=None)


class ApprovalRequestSerializer(serializers.ModelSerializer):
    """One version of a matter submitted for a decision, as a list row."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    submitter_name = serializers.CharField(source="submitted_by_staff.name", default=None, read_only=True)
    current_step = ApprovalCurrentStepSerializer(read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField(help_text="Still waiting and past its due time (an SLA breach).")
    working_days_overdue = serializers.SerializerMethodField(help_text="Chinese working days past the due date (0: on time).")
    url = serializers.SerializerMethodField(help_text="The decision page.")

    class Meta:
        model = ApprovalRequest
        fields = [
            "id",
            "kind",
            "kind_display",
            "title",
            "unit",
            "unit_name",
            "amount",
            "version",
            "previous",
            "state",
            "state_display",
            "current_step",
            "submitted_by_staff",
            "submitter_name",
            "submitted_at",
            "due_at",
            "decided_at",
            "escalated_at",
            "overdue",
            "working_days_overdue",
            "url",
        ]

    def _now(self):
        if "now" not in self.context:
            self.context["now"] = timezone.now()
        return self.context["now"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, request):
        overdue = getattr(request, "overdue", None)
        if overdue is None:
            overdue = request.state == "submitted" and request.due_at is not None and request.due_at < self._now()
        return bool(overdue)

    @extend_schema_field(OpenApiTypes.INT)
    def get_working_days_overdue(self, request):
        if not self.get_overdue(request):
            return 0
        return working_days_overdue(request=request, now=self._now())

    @extend_schema_field(OpenApiTypes.STR)
    def get_url(self, request):
        return f"/approvals/{request.pk}/"


class ApprovalDiffEntrySerializer(serializers.Serializer):
    path = serializers.CharField(help_text="Where in the snapshot, e.g. `lines[month=2026-07].amount`.")
    kind = serializers.ChoiceField(choices=["added", "removed", "changed"])
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class ApprovalRequestDetailSerializer(ApprovalRequestSerializer):
    """A request with its frozen content, its chain, its recorded transitions and what changed since
    the previous version (null for a first version)."""

    steps = ApprovalStepSerializer(many=True, read_only=True)
    events = ApprovalEventSerializer(many=True, read_only=True)
    diff = serializers.SerializerMethodField()

    class Meta(ApprovalRequestSerializer.Meta):
        fields = [*ApprovalRequestSerializer.Meta.fields, "snapshot", "steps", "events", "diff"]

    @extend_schema_field(ApprovalDiffEntrySerializer(many=True, allow_null=True))
    def get_diff(self, request):
        changes = diff_of(request)
        return None if changes is None else [change.as_dict() for change in changes]


# ------------------------------------------------------------------------------------------ input


class ApprovalCommentSerializer(StrictSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ApprovalReasonSerializer(StrictSerializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default="", help_text="Required: the submitter needs the reason."
    )


class ApprovalEmptySerializer(StrictSerializer):
    pass


def _reviewer_field(**kwargs):
    # Any id of a person in service parses; whether they may be handed the step (the org tree: the step's
    # unit or above, or the center — approvals.selectors.could_hold) is the service's refusal, with the reason.
    return serializers.PrimaryKeyRelatedField(
        queryset=StaffProfile.objects.filter(is_active=True),
        pk_field=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        **kwargs,
    )


class ApprovalForwardSerializer(StrictSerializer):
    to_staff = _reviewer_field(help_text="The staff member who decides the step instead.")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ApprovalAddSignerSerializer(StrictSerializer):
    staff = _reviewer_field(help_text="The staff member added as a reviewer.")
    before = serializers.BooleanField(help_text="True: they decide before the current approver; false: after.")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ApprovalBulkSerializer(StrictSerializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), allow_empty=False, max_length=200)
    action = serializers.ChoiceField(choices=BulkAction.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ApprovalBulkResultSerializer(serializers.Serializer):
    request = serializers.IntegerField()
    ok = serializers.BooleanField()
    error = serializers.CharField(allow_blank=True)


class ApprovalBulkResponseSerializer(serializers.Serializer):
    results = ApprovalBulkResultSerializer(many=True)


class ApprovalQueueSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    breach_count = serializers.IntegerField(help_text="How many items of the whole queue are past their SLA.")
    results = ApprovalRequestSerializer(many=True)


class ApprovalNudgeSerializer(serializers.Serializer):
    event = serializers.IntegerField()
    at = serializers.DateTimeField()


# ------------------------------------------------------------------------------------------ delegations


class DelegationSerializer(serializers.ModelSerializer):
    from_staff_name = serializers.CharField(source="from_staff.name", read_only=True)
    to_staff_name = serializers.CharField(source="to_staff.name", read_only=True)

    class Meta:
        model = Delegation
        fields = [
            "id",
            "from_staff",
            "from_staff_name",
            "to_staff",
            "to_staff_name",
            "starts_on",
            "ends_on",
            "note",
            "created_at",
            "revoked_at",
        ]


class DelegationWriteSerializer(StrictSerializer):
    to_staff = _reviewer_field(help_text="The delegate: acts on your steps while you are away.")
    starts_on = DateInputField()
    ends_on = DateInputField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class StaffCandidateSerializer(serializers.ModelSerializer):
    """A person who may be handed a step or act as a delegate (what the pages' pickers offer)."""

    role_display = serializers.CharField(source="get_role_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = StaffProfile
        fields = ["id", "name", "role", "role_display", "unit", "unit_name"]
