"""The provision policy's form: a name, a description and one rate (%) per ageing bucket of the company
(settings.AGEING_BUCKETS). The fields only carry the text; risk.services.provisions checks the rates and
refuses a bad one on its bucket's field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import InvalidInput
from core.filters import IdField
from customers.selectors import ageing_buckets
from risk.selectors.provisions import parse_month
from risk.services.provisions import rate_field


class ProvisionPolicyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for bucket in ageing_buckets():
            self.fields[rate_field(bucket.key)] = forms.CharField(
                label=_("Rate: %(bucket)s (%%)") % {"bucket": bucket.label}, max_length=20, required=False
            )

    def rate_fields(self):
        return [self[rate_field(bucket.key)] for bucket in ageing_buckets()]

    def values(self):
        """The service's keyword arguments: name, description and {bucket key: rate text}."""
        data = self.cleaned_data
        rates = {bucket.key: data.get(rate_field(bucket.key)) or None for bucket in ageing_buckets()}
        return {"name": data["name"], "description": data.get("description", ""), "rates": rates}


def provision_policy_initial(policy):
    """The form's initial values of a policy."""
    return {
        "name": policy.name,
        "description": policy.description,
        **{rate_field(key): value for key, value in (policy.rates or {}).items()},
    }


class ProvisionQueryForm(forms.Form):
    """The parameters of the provisions page: the unit (checked against the scope in the view) and the month
    whose end the provision is as of (YYYY-MM; empty: the last complete month)."""

    unit = IdField(required=False, widget=forms.HiddenInput)
    month = forms.CharField(label=_("Month"), required=False, max_length=7, widget=forms.TextInput(attrs={"type": "month"}))

    def clean_month(self):
        try:
            return parse_month(self.cleaned_data.get("month") or None)
        except InvalidInput as error:
            raise forms.ValidationError(str(error.message)) from None


class CollectionForecastForm(forms.Form):
    """The collection forecast page's unit (checked against the scope in the view)."""

    unit = IdField(required=False, widget=forms.HiddenInput)
