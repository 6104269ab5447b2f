"""Forms of early warnings: a rule's values and a proposed change of them (the center's), the run button, and a
warning's action and closure."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import DateFormField
from risk.choices import WarningKind, WarningSeverity
from risk.services.rule_changes import REASON_MAX
from risk.services.warnings import MAX_DEADLINE_DAYS, NAME_MAX, TEXT_MAX


class WarningRuleForm(forms.Form):
    """A rule as typed; the service bounds the threshold and the window per kind."""

    name = forms.CharField(label=_("name"), max_length=NAME_MAX)
    kind = forms.ChoiceField(label=_("kind"), choices=WarningKind.choices)
    threshold = forms.CharField(label=_("threshold"), max_length=20)
    window = forms.CharField(label=_("window (days or months)"), max_length=5, required=False)
    severity = forms.ChoiceField(label=_("severity"), choices=WarningSeverity.choices)
    deadline_days = forms.IntegerField(label=_("deadline (working days)"), min_value=1, max_value=MAX_DEADLINE_DAYS, initial=3)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)


class WarningRunForm(forms.Form):
    as_of = DateFormField(label=_("as of"), widget=forms.DateInput(attrs={"type": "date"}))


class WarningActionForm(forms.Form):
    action_text = forms.CharField(label=_("action taken"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class WarningCloseForm(forms.Form):
    # Not required here: the service refuses an empty resolution (422 on "resolution"), the one rule.
    resolution = forms.CharField(
        label=_("resolution"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class WarningRuleChangeForm(WarningRuleForm):
    """A proposed change of a rule (or a new rule) with its reason; the service checks the values as a rule's and
    refuses a missing reason (one rule for the page and the API)."""

    reason = forms.CharField(
        label=_("reason for the change"), max_length=REASON_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def rule_change_initial(obj):
    """The form's initial values from a rule or a proposal."""
    initial = {
        "name": obj.name,
        "kind": obj.kind,
        "threshold": format(obj.threshold.normalize(), "f"),
        "window": obj.window or "",
        "severity": obj.severity,
        "deadline_days": obj.deadline_days,
        "is_active": obj.is_active,
    }
    if hasattr(obj, "reason"):
        initial["reason"] = obj.reason
    return initial
