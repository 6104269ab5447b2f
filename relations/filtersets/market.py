"""The one FilterSet of market reports (市场信息), shared by the list page, the overview and the API: text, kind,
competitor, our product, tag, reliability, demand signal, unit (with sub-units), region, period, major, raised.
Filters only narrow: the rows are already cut by the reader's scope."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter, PeriodFilter, SubtreeFilter
from relations.choices_market import DemandSignal, MarketReportKind, Reliability
from relations.models.market import MarketReport


class MarketReportFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", max_length=100, label=_("text"))
    kind = django_filters.ChoiceFilter(choices=MarketReportKind.choices, label=_("kind"))
    competitor = django_filters.CharFilter(method="filter_competitor", max_length=100, label=_("competitor"))
    product = IdFilter(field_name="product_id", label=_("our product"))
    tag = django_filters.CharFilter(method="filter_tag", max_length=30, label=_("tag"))
    reliability = django_filters.ChoiceFilter(choices=Reliability.choices, label=_("reliability"))
    demand_signal = django_filters.ChoiceFilter(choices=DemandSignal.choices, label=_("demand signal"))
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    region = IdFilter(field_name="region_id", label=_("region"))
    period = PeriodFilter(method="filter_period", label=_("period (2026, 2026-Q3 or 2026-07)"))
    major = django_filters.BooleanFilter(field_name="is_major", label=_("major problem"))
    raised = django_filters.BooleanFilter(method="filter_raised", label=_("raised as a special event"))

    class Meta:
        model = MarketReport
        fields = ["kind", "reliability", "demand_signal"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(policy__icontains=value)
            | Q(competitor__icontains=value)
            | Q(competitor_product__icontains=value)
        )

    def filter_competitor(self, queryset, name, value):
        value = " ".join(value.split())
        return queryset.filter(competitor__iexact=value) if value else queryset

    def filter_tag(self, queryset, name, value):
        """One tag (as the service stores it: spaces collapsed, Latin letters in lower case). Tag names are
        unique, so the join keeps one row per report."""
        value = " ".join(value.split()).lower()
        return queryset.filter(tags__name=value) if value else queryset

    def filter_period(self, queryset, name, value):
        return queryset.filter(observed_on__range=(value.start, value.end))

    def filter_raised(self, queryset, name, value):
        return queryset.filter(special_event_id__isnull=not value)
