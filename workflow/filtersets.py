"""The one FilterSet of task lists, shared by the pages and the API. Filters only narrow: every list is
already cut by the caller's scope."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import DateFilter
from core.filters import IdFilter, SubtreeFilter
from workflow.choices import TaskState
from workflow.models import Task


class TaskFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=TaskState.choices, label=_("state"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue (not done and past its due date)"))
    owner = IdFilter(field_name="owner_id", label=_("owner"))
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    due_before = DateFilter(field_name="due_on", lookup_expr="lte", label=_("due on or before"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("only my own tasks"))
    q = django_filters.CharFilter(method="search", label=_("search (title)"))

    class Meta:
        model = Task
        fields = ["state"]

    def filter_overdue(self, queryset, name, value):
        overdue = Q(state=TaskState.OPEN, due_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        staff_id = getattr(getattr(user, "staff_profile", None), "pk", None)
        mine = Q(owner_id=staff_id)
        if staff_id is None:
            return queryset.none() if value else queryset
        return queryset.filter(mine) if value else queryset.exclude(mine)

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(title__icontains=value) if value else queryset
