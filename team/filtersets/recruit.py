"""The FilterSets of recruitment (招聘): headcount requests, vacancies and candidates — one per list, shared by
the page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter, SubtreeFilter
from core.roles import Role
from team.models.recruit import Candidate, CandidateStage, HeadcountRequest, HeadcountState, Vacancy, VacancyState


class HeadcountRequestFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    state = django_filters.ChoiceFilter(choices=HeadcountState.choices, label=_("state"))
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("role"))

    class Meta:
        model = HeadcountRequest
        fields = ["state", "role"]


class VacancyFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    state = django_filters.ChoiceFilter(choices=VacancyState.choices, label=_("state"))
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("role"))
    request = IdFilter(field_name="request_id", label=_("headcount request"))

    class Meta:
        model = Vacancy
        fields = ["state", "role"]


class CandidateFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="vacancy__unit__path", label=_("org unit (with sub-units)"))
    stage = django_filters.ChoiceFilter(choices=CandidateStage.choices, label=_("stage"))
    vacancy = IdFilter(field_name="vacancy_id", label=_("vacancy"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=50, label=_("name"))

    class Meta:
        model = Candidate
        fields = ["stage"]
