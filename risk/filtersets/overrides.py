"""The FilterSet of the grade overrides list (page)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter, SubtreeFilter
from risk.choices import OverrideState
from risk.models import GradeOverride


class OverrideFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="unit__path", label=_("org unit (with sub-units)"))
    state = django_filters.ChoiceFilter(choices=OverrideState.choices, label=_("state"))
    customer = IdFilter(field_name="customer_id", label=_("customer"))
    staff = IdFilter(field_name="staff_id", label=_("staff member"))
    id = IdFilter(field_name="id", label=_("id"))

    class Meta:
        model = GradeOverride
        fields = ["state"]
