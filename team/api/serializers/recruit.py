"""Serializers of recruitment (招聘): reads of headcount requests, vacancies (with days open) and candidates
(with their interviews); strict writes (unknown fields, NUL bytes: a 400 naming the field). References are
resolved through the caller's scope by the services; the services check every business rule."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.dates import DateInputField
from core.roles import Role
from core.serializers import StrictSerializer, enum_choice_field
from team.models.recruit import (
    Candidate,
    CandidateStage,
    HeadcountRequest,
    HeadcountState,
    Interview,
    InterviewAssessment,
    Vacancy,
    VacancyState,
)

MAX_ID = 2**63 - 1


# ----------------------------------------------------------------------------------------------- read
class HeadcountRequestSerializer(serializers.ModelSerializer):
    state = enum_choice_field(HeadcountState, read_only=True)
    role = enum_choice_field(Role, read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    vacancies = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = HeadcountRequest
        fields = [
            "id",
            "unit",
            "unit_code",
            "role",
            "title",
            "headcount",
            "reason",
            "needed_by",
            "state",
            "requested_by",
            "created_at",
            "approved_at",
            "vacancies",
        ]
        read_only_fields = fields


class VacancySerializer(serializers.ModelSerializer):
    state = enum_choice_field(VacancyState, read_only=True)
    role = enum_choice_field(Role, read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    days_open = serializers.SerializerMethodField(
        help_text=_("Days from opening to filling or cancelling (to today while open).")
    )

    class Meta:
        model = Vacancy
        fields = [
            "id",
            "request",
            "unit",
            "unit_code",
            "role",
            "title",
            "state",
            "opened_on",
            "closed_on",
            "days_open",
            "filled_by",
            "cancel_reason",
        ]
        read_only_fields = fields

    def get_days_open(self, obj) -> int:
        return obj.days_open(timezone.localdate())


class InterviewSerializer(serializers.ModelSerializer):
    assessment = enum_choice_field(InterviewAssessment, read_only=True)
    interviewer_name = serializers.CharField(source="interviewer.name", read_only=True)

    class Meta:
        model = Interview
        fields = ["id", "interviewer", "interviewer_name", "held_on", "assessment", "notes", "created_at"]
        read_only_fields = fields


class CandidateSerializer(serializers.ModelSerializer):
    stage = enum_choice_field(CandidateStage, read_only=True)
    unit = serializers.IntegerField(source="vacancy.unit_id", read_only=True)
    interviews = InterviewSerializer(many=True, read_only=True)

    class Meta:
        model = Candidate
        fields = [
            "id",
            "vacancy",
            "unit",
            "name",
            "phone",
            "email",
            "source",
            "stage",
            "applied_on",
            "stage_changed_on",
            "note",
            "staff",
            "interviews",
            "created_at",
        ]
        read_only_fields = fields


# ---------------------------------------------------------------------------------------------- write
class HeadcountRequestWriteSerializer(StrictSerializer):
    role = serializers.CharField(max_length=30, label=_("role"))  # the service words an unknown role
    headcount = serializers.IntegerField(label=_("headcount"), min_value=-(2**31), max_value=2**31)  # the service bounds it
    reason = serializers.CharField(max_length=2000, label=_("reason"))
    title = serializers.CharField(max_length=50, required=False, allow_blank=True, default="", label=_("position"))
    needed_by = DateInputField(required=False, allow_null=True, default=None, label=_("needed by"))


class HeadcountRequestCreateSerializer(HeadcountRequestWriteSerializer):
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID, label=_("org unit"))


class VacancyCancelSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=200, label=_("reason for cancelling"))
    on = DateInputField(required=False, allow_null=True, default=None, label=_("on"))


class CandidateCreateSerializer(StrictSerializer):
    vacancy = serializers.IntegerField(min_value=1, max_value=MAX_ID, label=_("vacancy"))
    name = serializers.CharField(max_length=50, label=_("full name"))
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="", label=_("phone"))
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="", label=_("e-mail"))
    source = serializers.CharField(max_length=100, required=False, allow_blank=True, default="", label=_("source"))
    applied_on = DateInputField(required=False, allow_null=True, default=None, label=_("applied on"))
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="", label=_("note"))


class CandidateMoveSerializer(StrictSerializer):
    stage = serializers.CharField(max_length=20, label=_("stage"))


class InterviewCreateSerializer(StrictSerializer):
    held_on = DateInputField(label=_("held on"))
    assessment = serializers.CharField(max_length=20, label=_("assessment"))
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="", label=_("notes"))
    interviewer = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None, label=_("interviewer")
    )


class CandidateHireSerializer(StrictSerializer):
    employee_no = serializers.CharField(max_length=20, label=_("employee number"))
    hire_date = DateInputField(label=_("hire date"))
    title = serializers.CharField(max_length=50, required=False, allow_blank=True, default="", label=_("position"))
    username = serializers.CharField(max_length=150, required=False, allow_blank=True, default="", label=_("login"))
    password = serializers.CharField(
        max_length=128, required=False, allow_blank=True, default="", write_only=True, label=_("password")
    )
    vacancy = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None, label=_("vacancy")
    )
