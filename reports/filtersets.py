"""The one FilterSet of business reports, shared by the page and the API. Filters only narrow: the list
is already cut by the caller's scope."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter, PeriodFilter
from reports.choices import ReportKind, ReportState
from reports.models import BusinessReport


class BusinessReportFilterSet(django_filters.FilterSet):
    period = PeriodFilter(method="filter_period", label=_("period"))
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices, label=_("kind"))
    unit = IdFilter(field_name="unit_id", label=_("org unit"))
    state = django_filters.ChoiceFilter(choices=ReportState.choices, label=_("state"))

    class Meta:
        model = BusinessReport
        fields = ["kind", "state"]

    def filter_period(self, queryset, name, value):
        return queryset.filter(period=str(value))
