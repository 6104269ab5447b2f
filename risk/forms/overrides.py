"""The form of a grade override request; the service checks the rules (a reason, an expiry within a year)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import DateFormField
from risk.choices import Grade


class OverrideForm(forms.Form):
    grade = forms.ChoiceField(label=_("grade"), choices=Grade.choices)
    expires_on = DateFormField(label=_("expires on"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
