"""The FilterSet of the credit-limit exceptions list (page and API)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter, SubtreeFilter
from risk.choices import CreditExceptionState, HoldRule, HoldState, SuggestionState
from risk.models import CreditException, CreditHold, CreditLimitSuggestion


class CreditExceptionFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    state = django_filters.ChoiceFilter(choices=CreditExceptionState.choices, label=_("state"))
    customer = IdFilter(field_name="customer_id", label=_("customer"))
    id = IdFilter(field_name="id", label=_("id"))

    class Meta:
        model = CreditException
        fields = ["state"]


class CreditHoldFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    state = django_filters.ChoiceFilter(choices=HoldState.choices, label=_("state"))
    rule = django_filters.ChoiceFilter(choices=HoldRule.choices, label=_("rule"))
    customer = IdFilter(field_name="customer_id", label=_("customer"))

    class Meta:
        model = CreditHold
        fields = ["state", "rule"]


class LimitSuggestionFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    state = django_filters.ChoiceFilter(choices=SuggestionState.choices, label=_("state"))
    customer = IdFilter(field_name="customer_id", label=_("customer"))

    class Meta:
        model = CreditLimitSuggestion
        fields = ["state"]
