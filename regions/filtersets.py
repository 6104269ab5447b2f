"""One FilterSet per list, shared by the page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.dates import DateFilter
from core.filters import IdFilter
from core.roles import Role
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile


class OrgUnitFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices, label=_("kind"))
    parent = IdFilter(field_name="parent_id", label=_("parent unit"))
    code = django_filters.CharFilter(lookup_expr="exact", label=_("code"))
    q = django_filters.CharFilter(method="search", label=_("search"))
    subtree_of = IdFilter(method="filter_subtree", label=_("inside unit"))
    is_active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = OrgUnit
        fields = ["kind", "parent", "code", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value) | Q(code__startswith=value))

    def filter_subtree(self, queryset, name, value):
        # The root is read unscoped on purpose: the result is still cut by the caller's scope above.
        path = OrgUnit.objects.filter(pk=value).values_list("path", flat=True).first()
        if path is None:
            return queryset.none()
        return queryset.filter(path__startswith=path)


class StaffFilterSet(django_filters.FilterSet):
    unit = IdFilter(method="filter_unit", label=_("org unit (with sub-units)"))
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("role"))
    is_active = django_filters.BooleanFilter(label=_("active"))
    q = django_filters.CharFilter(method="search", label=_("search"))
    hired_after = DateFilter(field_name="hire_date", lookup_expr="gte", label=_("hired on or after"))

    class Meta:
        model = StaffProfile
        fields = ["role", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(employee_no__startswith=value) | Q(phone__startswith=value))

    def filter_unit(self, queryset, name, value):
        path = OrgUnit.objects.filter(pk=value).values_list("path", flat=True).first()
        if path is None:
            return queryset.none()
        return queryset.filter(unit__path__startswith=path)
