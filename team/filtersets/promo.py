"""FilterSets of capability assessment and promotion recommendations (issue 19), shared by the pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter, SubtreeFilter
from core.roles import Role
from team.models.promo import (
    Assessment,
    AssessmentCycle,
    AssessmentState,
    CapabilityModel,
    CycleState,
    ModelState,
    PromotionRecommendation,
    PromotionState,
)


class CapabilityModelFilterSet(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("role"))
    state = django_filters.ChoiceFilter(choices=ModelState.choices, label=_("state"))

    class Meta:
        model = CapabilityModel
        fields = ["role", "state"]


class AssessmentCycleFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=CycleState.choices, label=_("state"))

    class Meta:
        model = AssessmentCycle
        fields = ["state"]


class AssessmentFilterSet(django_filters.FilterSet):
    cycle = IdFilter(field_name="cycle_id", label=_("cycle"))
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("role"))
    state = django_filters.ChoiceFilter(choices=AssessmentState.choices, label=_("state"))
    staff = IdFilter(field_name="staff_id", label=_("staff member"))

    class Meta:
        model = Assessment
        fields = ["role", "state"]


class PromotionRecommendationFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=PromotionState.choices, label=_("state"))
    unit = SubtreeFilter(path="from_unit__path", label=_("org unit (with sub-units)"))
    staff = IdFilter(field_name="staff_id", label=_("staff member"))

    class Meta:
        model = PromotionRecommendation
        fields = ["state"]
