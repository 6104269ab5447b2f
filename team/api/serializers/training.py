"""Serializers of training (培训): courses, sessions with their seats, enrolments with attendance and scores; strict
inputs (unknown fields refused) whose references are resolved through the caller's scope. The services check the
business rules."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ScopedPrimaryKeyRelatedField
from core.roles import Role
from core.serializers import StrictSerializer, enum_choice_field
from regions.models import OrgUnit
from team.models.training import Course, CourseKind, Enrolment, EnrolmentState, SessionState, TrainingSession


class CourseSerializer(serializers.ModelSerializer):
    kind = enum_choice_field(CourseKind, read_only=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "code",
            "title",
            "topic",
            "kind",
            "hours",
            "pass_mark",
            "mandatory_roles",
            "validity_months",
            "description",
            "is_active",
        ]
        read_only_fields = fields


class CourseWriteSerializer(StrictSerializer):
    code = serializers.CharField(max_length=30, label=_("code"))
    title = serializers.CharField(max_length=200, label=_("title"))
    topic = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", label=_("topic"))
    kind = enum_choice_field(CourseKind, label=_("kind"))
    hours = serializers.CharField(max_length=20, label=_("hours"))
    pass_mark = serializers.IntegerField(required=False, allow_null=True, default=None, label=_("pass mark"))
    mandatory_roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices),
        max_length=10,
        required=False,
        default=list,
        label=_("mandatory for roles"),
    )
    validity_months = serializers.IntegerField(required=False, allow_null=True, default=None, label=_("valid for (months)"))
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="", label=_("description"))


class CourseUpdateSerializer(CourseWriteSerializer):
    is_active = serializers.BooleanField(required=False, default=True, label=_("in use"))


class TrainingSessionSerializer(serializers.ModelSerializer):
    state = enum_choice_field(SessionState, read_only=True)
    course_code = serializers.CharField(source="course.code", read_only=True)
    course_title = serializers.CharField(source="course.title", read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    taken = serializers.IntegerField(read_only=True)
    seats_left = serializers.IntegerField(read_only=True)

    class Meta:
        model = TrainingSession
        fields = [
            "id",
            "course",
            "course_code",
            "course_title",
            "unit",
            "unit_code",
            "starts_at",
            "ends_at",
            "online",
            "place",
            "trainer",
            "capacity",
            "taken",
            "seats_left",
            "state",
            "note",
        ]
        read_only_fields = fields


class TrainingSessionWriteSerializer(StrictSerializer):
    course = serializers.PrimaryKeyRelatedField(queryset=Course.objects.all(), label=_("course"))
    starts_at = serializers.CharField(max_length=40, label=_("starts at"))
    ends_at = serializers.CharField(max_length=40, label=_("ends at"))
    online = serializers.BooleanField(required=False, default=False, label=_("online"))
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", label=_("place or link"))
    trainer = serializers.CharField(max_length=100, label=_("trainer"))
    capacity = serializers.IntegerField(label=_("capacity"))
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="", label=_("note"))


class TrainingSessionCreateSerializer(TrainingSessionWriteSerializer):
    unit = ScopedPrimaryKeyRelatedField(model=OrgUnit, label=_("run by"))


class EnrolmentSerializer(serializers.ModelSerializer):
    state = enum_choice_field(EnrolmentState, read_only=True)
    person_name = serializers.CharField(source="person.name", read_only=True)
    course = serializers.IntegerField(source="session.course_id", read_only=True)
    starts_at = serializers.DateTimeField(source="session.starts_at", read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "session",
            "course",
            "starts_at",
            "person",
            "person_name",
            "state",
            "self_enrolled",
            "attended",
            "score",
            "passed",
            "hours",
            "enrolled_at",
            "recorded_at",
        ]
        read_only_fields = fields


class EnrolmentCreateSerializer(StrictSerializer):
    """`person` is looked up in the caller's scope: someone outside it is a 404, as for any record."""

    session = serializers.IntegerField(min_value=1, max_value=2**63 - 1, label=_("training session"))
    person = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, label=_("person"))


class EnrolmentRecordSerializer(StrictSerializer):
    attended = serializers.BooleanField(label=_("attended"))
    score = serializers.CharField(
        max_length=20, required=False, allow_null=True, allow_blank=True, default=None, label=_("score")
    )
