"""The provision policies' list filter, shared by the page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from risk.choices import SchemeState
from risk.models import ProvisionPolicy


class ProvisionPolicyFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=SchemeState.choices, label=_("state"))

    class Meta:
        model = ProvisionPolicy
        fields = ["state"]
