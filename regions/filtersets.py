"""One FilterSet per list, shared by the page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.dates import DateFilter
from core.filters import IdFilter, SubtreeFilter
from core.roles import Role
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile


class OrgUnitFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices, label=_("kind"))
    parent = IdFilter(field_name="parent_id", label=_("parent unit"))
    code = django_filters.CharFilter(lookup_expr="exact", label=_("code"))
    q = django_filters.CharFilter(method="search", label=_("search"))
    subtree_of = SubtreeFilter(path="path", label=_("inside unit"))
    is_active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = OrgUnit
        fields = ["kind", "parent", "code", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value) | Q(code__startswith=value))


class StaffFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("role"))
    is_active = django_filters.BooleanFilter(label=_("active"))
    q = django_filters.CharFilter(method="search", label=_("search"))
    hired_after = DateFilter(field_name="hire_date", lookup_expr="gte", label=_("hired on or after"))

    class Meta:
        model = StaffProfile
        fields = ["role", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(employee_no__startswith=value) | Q(phone__startswith=value))
