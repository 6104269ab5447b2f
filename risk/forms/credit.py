"""The form of a credit-limit exception; the service checks the rules (amount, days, overlap, reason)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import DateFormField
from risk.services.credit_exceptions import EVIDENCE_MAX, REASON_MAX


class CreditExceptionForm(forms.Form):
    # Text, not a number field: the service's money rule (parse_money) refuses and words every bad amount.
    extra_amount = forms.CharField(label=_("extra credit"), max_length=30)
    valid_from = DateFormField(label=_("valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = DateFormField(label=_("valid to"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=REASON_MAX)
    evidence = forms.CharField(
        label=_("evidence"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=EVIDENCE_MAX,
        required=False,
        help_text=_("What backs the request: a guarantee, a confirmed order, the customer's payment record…"),
    )


def credit_exception_initial(exception):
    return {
        "extra_amount": f"{exception.extra_amount:.2f}",
        "valid_from": exception.valid_from,
        "valid_to": exception.valid_to,
        "reason": exception.reason,
        "evidence": exception.evidence,
    }


class HoldReleaseForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for the release"), widget=forms.Textarea(attrs={"rows": 3}), max_length=REASON_MAX, required=False
    )
