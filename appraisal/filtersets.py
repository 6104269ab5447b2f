"""One FilterSet per list (schemes, runs, scores, incentive schemes, reward proposals), shared by the
pages and the API. Filters only narrow: every list is already cut by the caller's scope."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appraisal.choices import AppraisedRole, IncentiveSubject, PeriodKind, ProposalState, RewardKind, SchemeState
from appraisal.models import AppraisalRun, AppraisalScheme, AppraisalScore, IncentiveScheme, RewardProposal
from core.filters import IdFilter, PeriodFilter, SubtreeFilter


class SchemeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("name contains"), max_length=100)
    role = django_filters.ChoiceFilter(choices=AppraisedRole.choices, label=_("applies to"))
    period_kind = django_filters.ChoiceFilter(choices=PeriodKind.choices, label=_("period"))
    state = django_filters.ChoiceFilter(choices=SchemeState.choices, label=_("state"))

    class Meta:
        model = AppraisalScheme
        fields = ["role", "period_kind", "state"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(name__icontains=value)


class RunFilterSet(django_filters.FilterSet):
    scheme = IdFilter(field_name="scheme_id", label=_("scheme"))
    period = PeriodFilter(field_name="period", label=_("period (2026, 2026-Q3 or 2026-07)"))
    role = django_filters.ChoiceFilter(field_name="scheme__role", choices=AppraisedRole.choices, label=_("applies to"))
    unit = IdFilter(method="filter_unit", label=_("org unit"))

    class Meta:
        model = AppraisalRun
        fields = []

    def filter_unit(self, queryset, name, value):
        return queryset.filter(unit_id=getattr(value, "pk", value))


class ScoreFilterSet(django_filters.FilterSet):
    run = IdFilter(field_name="run_id", label=_("run"))
    staff = IdFilter(field_name="staff_id", label=_("staff member"))
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    period = PeriodFilter(field_name="run__period", label=_("period (2026, 2026-Q3 or 2026-07)"))

    class Meta:
        model = AppraisalScore
        fields = []


class IncentiveSchemeFilterSet(django_filters.FilterSet):
    subject = django_filters.ChoiceFilter(choices=IncentiveSubject.choices, label=_("pays"))
    is_active = django_filters.BooleanFilter(label=_("in force"))
    q = django_filters.CharFilter(method="filter_q", label=_("name contains"), max_length=100)

    class Meta:
        model = IncentiveScheme
        fields = ["subject", "is_active"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(name__icontains=value)


class RewardFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=RewardKind.choices, label=_("kind"))
    state = django_filters.ChoiceFilter(choices=ProposalState.choices, label=_("state"))
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    staff = IdFilter(field_name="staff_id", label=_("staff member"))
    period = PeriodFilter(field_name="period", label=_("period (2026, 2026-Q3 or 2026-07)"))
    q = django_filters.CharFilter(method="filter_q", label=_("reason contains"), max_length=100)

    class Meta:
        model = RewardProposal
        fields = ["kind", "state"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(reason__icontains=value) | Q(staff__name__icontains=value))
