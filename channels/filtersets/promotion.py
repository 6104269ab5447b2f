"""The FilterSet of promotion events (the promotion archive, 推广活动档案): by kind, unit, product, owner and period —
shared by the page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from channels.choices import PromotionKind
from channels.models_promotion import PromotionEvent
from core.filters import IdFilter, PeriodFilter, SubtreeFilter


class PromotionEventFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", max_length=100, label=_("title or place"))
    kind = django_filters.ChoiceFilter(choices=PromotionKind.choices, label=_("kind"))
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    product = IdFilter(field_name="products", label=_("product"))
    owner = IdFilter(field_name="owner_id", label=_("owner"))
    period = PeriodFilter(method="filter_period", label=_("period (2026, 2026-Q3 or 2026-07)"))

    class Meta:
        model = PromotionEvent
        fields = ["kind"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(place__icontains=value))

    def filter_period(self, queryset, name, value):
        """Events that overlap the period."""
        return queryset.filter(starts_on__lte=value.end, ends_on__gte=value.start)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # A product filter joins the products: keep one row per event.
        return queryset.distinct() if self.form.cleaned_data.get("product") else queryset
