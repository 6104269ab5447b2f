"""The FilterSet of suggestions, shared by the page and the API list. `mine=true`: the reader's own suggestions
(我的建议) — for a manager or the center, whose list otherwise holds everyone's in their part of the tree."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter, SubtreeFilter
from core.roles import staff_of
from relations.models.suggestions import Suggestion, SuggestionState, SuggestionTopic


class SuggestionFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=SuggestionState.choices, label=_("state"))
    topic = django_filters.ChoiceFilter(choices=SuggestionTopic.choices, label=_("topic"))
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("my suggestions"))
    product = IdFilter(field_name="product_id", label=_("product"))
    channel = IdFilter(field_name="channel_id", label=_("channel"))
    customer = IdFilter(field_name="customer_id", label=_("customer"))
    q = django_filters.CharFilter(method="search", max_length=100, label=_("search (title, text)"))

    class Meta:
        model = Suggestion
        fields = ["state", "topic"]

    def filter_mine(self, queryset, name, value):
        if value is None:
            return queryset
        staff = staff_of(getattr(self.request, "user", None))
        mine = Q(author_id=staff.pk) if staff is not None else Q(pk__in=[])
        return queryset.filter(mine) if value else queryset.exclude(mine)

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(text__icontains=value)) if value else queryset
