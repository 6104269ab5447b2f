"""Forms of the contract pages: they only shape input; the services clean and refuse it on its field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from channels.choices import ContractKind
from channels.services.contracts import LINE_MAX, NOTE_MAX, TITLE_MAX
from channels.services.contracts import SUMMARY_MAX as MEETING_SUMMARY_MAX
from core.dates import DateFormField


class ContractForm(forms.Form):
    kind = forms.ChoiceField(label=_("contract type"), choices=ContractKind.choices)
    title = forms.CharField(label=_("title"), max_length=TITLE_MAX)
    amount = forms.CharField(label=_("amount"), max_length=30, required=False)
    starts_on = DateFormField(label=_("starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = DateFormField(label=_("ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    signed_on = DateFormField(label=_("signed on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE_MAX, required=False)
    file = forms.FileField(
        label=_("contract file"),
        required=False,
        help_text=_("The signed copy: a PDF, picture, Word or Excel file or zip archive, at most 10 MB."),
    )


class ContractMeetingForm(forms.Form):
    on = DateFormField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(label=_("summary"), widget=forms.Textarea(attrs={"rows": 3}), max_length=MEETING_SUMMARY_MAX)
    attendees = forms.CharField(label=_("attendees"), max_length=LINE_MAX, required=False)
    next_step = forms.CharField(label=_("next step"), max_length=LINE_MAX, required=False)
