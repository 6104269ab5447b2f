"""The FilterSets of training (培训), shared by the pages and the API: the course catalogue, sessions and
enrolments."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter, PeriodFilter, SubtreeFilter
from core.roles import Role
from team.models.training import Course, CourseKind, Enrolment, EnrolmentState, SessionState, TrainingSession


class CourseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", max_length=100, label=_("code, title or topic"))
    kind = django_filters.ChoiceFilter(choices=CourseKind.choices, label=_("kind"))
    mandatory_for = django_filters.ChoiceFilter(choices=Role.choices, method="filter_mandatory", label=_("mandatory for"))
    is_active = django_filters.BooleanFilter(label=_("in use"))

    class Meta:
        model = Course
        fields = ["kind", "is_active"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(title__icontains=value) | Q(topic__icontains=value))

    def filter_mandatory(self, queryset, name, value):
        # A JSON list of roles: matched on its text, which every database can do ("sales_rep" is quoted in it).
        return queryset.filter(mandatory_roles__icontains=f'"{value}"')


class TrainingSessionFilterSet(django_filters.FilterSet):
    course = IdFilter(field_name="course_id", label=_("course"))
    kind = django_filters.ChoiceFilter(field_name="course__kind", choices=CourseKind.choices, label=_("kind"))
    unit = SubtreeFilter(path="unit__path", label=_("run by (with sub-units)"))
    state = django_filters.ChoiceFilter(choices=SessionState.choices, label=_("state"))
    period = PeriodFilter(method="filter_period", label=_("period (2026, 2026-Q3 or 2026-07)"))
    upcoming = django_filters.BooleanFilter(method="filter_upcoming", label=_("not started yet"))

    class Meta:
        model = TrainingSession
        fields = ["state"]

    def filter_period(self, queryset, name, value):
        return queryset.filter(starts_at__date__range=(value.start, value.end))

    def filter_upcoming(self, queryset, name, value):
        now = timezone.now()
        return queryset.filter(starts_at__gt=now) if value else queryset.filter(starts_at__lte=now)


class EnrolmentFilterSet(django_filters.FilterSet):
    session = IdFilter(field_name="session_id", label=_("training session"))
    course = IdFilter(field_name="session__course_id", label=_("course"))
    person = IdFilter(field_name="person_id", label=_("person"))
    unit = SubtreeFilter(path="person__unit__path", label=_("org unit (with sub-units)"))
    state = django_filters.ChoiceFilter(choices=EnrolmentState.choices, label=_("state"))
    passed = django_filters.BooleanFilter(label=_("passed"))
    period = PeriodFilter(method="filter_period", label=_("period (2026, 2026-Q3 or 2026-07)"))

    class Meta:
        model = Enrolment
        fields = ["state", "passed"]

    def filter_period(self, queryset, name, value):
        return queryset.filter(session__starts_at__date__range=(value.start, value.end))
