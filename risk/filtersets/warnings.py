"""The FilterSets of the warnings list (预警单) and of the proposed rule changes, each shared by the page and the
API; they only narrow what the scope already let through."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import DateFilter
from core.filters import IdFilter, SubtreeFilter
from risk.choices import RULE_CHANGE_OPEN_STATES, WARNING_OPEN_STATES, RuleChangeState, WarningKind, WarningSeverity, WarningState
from risk.models import Warning, WarningRule, WarningRuleChange
from risk.selectors.board import AGE_CHOICES, age_q


def _rules(request):
    """The rules a filter may name: those the requester reads (every rule, for anyone inside the organisation)."""
    return WarningRule.objects.for_user(request.user) if request is not None else WarningRule.objects.none()


class WarningFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    kind = django_filters.ChoiceFilter(field_name="rule__kind", choices=WarningKind.choices, label=_("kind"))
    state = django_filters.ChoiceFilter(choices=WarningState.choices, label=_("state"))
    severity = django_filters.ChoiceFilter(choices=WarningSeverity.choices, label=_("severity"))
    owner = IdFilter(field_name="owner_id", label=_("owner"))
    opened_after = DateFilter(field_name="opened_on", lookup_expr="gte", label=_("opened on or after"))
    opened_before = DateFilter(field_name="opened_on", lookup_expr="lte", label=_("opened on or before"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("still open"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("past its deadline"))
    # The risk board's cells link here: a rule, the warning's age today (risk.selectors.board.AGE_BUCKETS), and
    # whether it was escalated. (A region is `unit`: the subtree of the region.)
    rule = django_filters.ModelChoiceFilter(queryset=_rules, label=_("rule"))
    age = django_filters.ChoiceFilter(choices=AGE_CHOICES, method="filter_age", label=_("age"))
    escalated = django_filters.BooleanFilter(method="filter_escalated", label=_("escalated"))

    class Meta:
        model = Warning
        fields = ["state", "severity"]

    def filter_age(self, queryset, name, value):
        return queryset.filter(age_q(value, timezone.localdate()))

    def filter_escalated(self, queryset, name, value):
        return queryset.filter(escalation_level__gt=0) if value else queryset.filter(escalation_level=0)

    def filter_open(self, queryset, name, value):
        return queryset.filter(state__in=WARNING_OPEN_STATES) if value else queryset.exclude(state__in=WARNING_OPEN_STATES)

    def filter_overdue(self, queryset, name, value):
        late = Q(state__in=WARNING_OPEN_STATES, due_on__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


class WarningRuleChangeFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=RuleChangeState.choices, label=_("state"))
    kind = django_filters.ChoiceFilter(choices=WarningKind.choices, label=_("kind"))
    rule = IdFilter(field_name="rule_id", label=_("rule"))
    new_rule = django_filters.BooleanFilter(field_name="rule", lookup_expr="isnull", label=_("proposes a new rule"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("not decided yet"))

    class Meta:
        model = WarningRuleChange
        fields = ["state", "kind"]

    def filter_open(self, queryset, name, value):
        return (
            queryset.filter(state__in=RULE_CHANGE_OPEN_STATES) if value else queryset.exclude(state__in=RULE_CHANGE_OPEN_STATES)
        )
