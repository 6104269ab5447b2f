"""The FilterSet of the customers' default forecasts (提前预见), shared by the page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter, SubtreeFilter
from risk.models import CustomerForecast


class CustomerForecastFilterSet(django_filters.FilterSet):
    unit = SubtreeFilter(path="customer__district__path", label=_("org unit (with sub-units)"))
    customer = IdFilter(field_name="customer_id", label=_("customer"))
    customer_external_id = django_filters.CharFilter(field_name="customer__external_id", label=_("customer's external id"))
    salesperson = IdFilter(field_name="customer__salesperson_id", label=_("salesperson"))
    min_probability = django_filters.NumberFilter(
        field_name="probability", lookup_expr="gte", min_value=0, max_value=1, label=_("probability at least (0–1)")
    )

    class Meta:
        model = CustomerForecast
        fields = []
