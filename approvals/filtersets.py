"""The one FilterSet of approval requests, shared by the pages (list, queue) and the API (list, queue).
Filters only narrow: every list is already cut by the reader's scope (extended for the chain)."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.choices import ApprovalKind, RequestState
from approvals.models import ApprovalRequest, Delegation
from core.filters import SubtreeFilter


class DaysField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 36500)
        super().__init__(*args, **kwargs)


class DaysFilter(django_filters.NumberFilter):
    field_class = DaysField


class ApprovalRequestFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ApprovalKind.choices, label=_("kind"))
    state = django_filters.ChoiceFilter(choices=RequestState.choices, label=_("state"))
    region = SubtreeFilter(path="unit__path", label=_("region or unit (with sub-units)"))
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue (waiting past its due time)"))
    older_than_days = DaysFilter(method="filter_older", label=_("submitted at least this many days ago"))

    class Meta:
        model = ApprovalRequest
        fields = ["kind", "state"]

    def filter_overdue(self, queryset, name, value):
        overdue = Q(state=RequestState.SUBMITTED, due_at__lt=timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_older(self, queryset, name, value):
        return queryset.filter(submitted_at__lte=timezone.now() - timedelta(days=int(value)))


class DelegationFilterSet(django_filters.FilterSet):
    active = django_filters.BooleanFilter(method="filter_active", label=_("running today"))

    class Meta:
        model = Delegation
        fields = []

    def filter_active(self, queryset, name, value):
        running = Q(pk__in=Delegation.objects.active_on(timezone.localdate()).values("pk"))
        return queryset.filter(running) if value else queryset.exclude(running)
