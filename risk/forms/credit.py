"""The form of a credit-limit exception; the service checks the rules (amount, days, overlap, reason)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import DateFormField
from core.filters import IdField
from risk.choices import AtLimitAction, Grade, LimitMode
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


class CreditPolicyForm(forms.Form):
    """The credit policy: its rules, one row of fields per grade, and the caps one per line ("330100: 5000000").
    The form only shapes the input; the service checks every value (one rule for the page and the API)."""

    name = forms.CharField(label=_("name"), max_length=120)
    at_limit_action = forms.ChoiceField(label=_("at the limit"), choices=AtLimitAction.choices)
    hold_grade_d = forms.BooleanField(label=_("hold customers of grade D"), required=False)
    hold_overdue_days = forms.CharField(
        label=_("hold after days overdue"), required=False, max_length=6, help_text=_("Empty: no hold for overdue invoices.")
    )
    caps = forms.CharField(
        label=_("exposure caps"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: the code of a district or province, a colon, the cap (e.g. 330100: 5000000)."),
    )
    reason = forms.CharField(label=_("reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for grade in Grade.values:
            self.fields[f"{grade}_mode"] = forms.ChoiceField(
                label=_("grade %(grade)s: suggested limit") % {"grade": grade},
                choices=[("", _("none")), *LimitMode.choices],
                required=False,
            )
            for key, label in (
                ("multiple", _("multiple")),
                ("floor", _("floor")),
                ("ceiling", _("ceiling")),
                ("amount", _("fixed amount")),
            ):
                self.fields[f"{grade}_{key}"] = forms.CharField(
                    label=_("grade %(grade)s: %(what)s") % {"grade": grade, "what": label}, required=False, max_length=30
                )

    def clean(self):
        data = super().clean()
        limits = {}
        for grade in Grade.values:
            mode = data.get(f"{grade}_mode")
            if mode:
                limits[grade] = {
                    "mode": mode,
                    **{key: data.get(f"{grade}_{key}") or None for key in ("multiple", "floor", "ceiling", "amount")},
                }
                if limits[grade]["floor"] is None:
                    limits[grade]["floor"] = "0"
        caps = []
        for line in (data.get("caps") or "").splitlines():
            if line.strip():
                unit, _sep, cap = line.partition(":")
                caps.append({"unit": unit.strip(), "cap": cap.strip()})
        return {
            "name": data.get("name"),
            "at_limit_action": data.get("at_limit_action"),
            "hold_grade_d": data.get("hold_grade_d", False),
            "hold_overdue_days": data.get("hold_overdue_days"),
            "limits": limits,
            "caps": caps,
            "reason": data.get("reason") or "",
        }


def credit_policy_initial(policy):
    initial = {
        "name": policy.name,
        "at_limit_action": policy.at_limit_action,
        "hold_grade_d": policy.hold_grade_d,
        "hold_overdue_days": policy.hold_overdue_days or "",
        "reason": policy.reason,
        "caps": "\n".join(f"{cap.unit.code}: {cap.cap}" for cap in policy.caps.select_related("unit")),
    }
    for grade, rule in (policy.limits or {}).items():
        initial[f"{grade}_mode"] = rule["mode"]
        for key in ("multiple", "floor", "ceiling", "amount"):
            initial[f"{grade}_{key}"] = rule.get(key, "")
    return initial


class LimitAcceptForm(forms.Form):
    limit = forms.CharField(
        label=_("credit limit"),
        required=False,
        max_length=30,
        help_text=_("Empty: the suggested limit. Above it, the limit goes to approval."),
    )


class ExposureForm(forms.Form):
    """The exposure page's unit (checked against the scope in the view; empty: the reader's own)."""

    unit = IdField(required=False, widget=forms.HiddenInput)
