"""Forms of the appraisal pages. They only shape input; the services check the business rules (the
weights adding up to 100, the periods, the scope) and their refusals show on the named field."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appraisal.choices import AppraisedRole, IncentiveSubject, ItemKind, PeriodKind, RewardKind, SchemeState, ScoringRule
from appraisal.models import AppraisalScheme
from core.dates import DateFormField
from core.ui import StaffChoiceField, UnitChoiceField
from regions.models import OrgUnit, StaffProfile


def _scoped_units(user):
    return OrgUnit.objects.for_user(user).filter(is_active=True).order_by("path")


class SchemeForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    role = forms.ChoiceField(label=_("applies to"), choices=AppraisedRole.choices)
    period_kind = forms.ChoiceField(label=_("period"), choices=PeriodKind.choices)
    valid_from = DateFormField(label=_("valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    unit = UnitChoiceField(
        label=_("org unit"), queryset=OrgUnit.objects.none(), required=False, help_text=_("Empty: the whole company.")
    )
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _scoped_units(user)
        self.fields["valid_from"].initial = timezone.localdate().replace(day=1)


def _pairs(value, message):
    """`a:b, c:d` (Chinese or ASCII commas and colons) as [(a, b), …]; a part without a colon → message."""
    pairs = []
    for part in value.replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        left, sep, right = part.replace("：", ":").partition(":")
        if not sep:
            raise forms.ValidationError(message)
        pairs.append((left.strip(), right.strip()))
    return pairs


class TiersField(forms.CharField):
    """Tiers written as `80:60, 100:90, 120:110` — from what percent of the target, which score."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return []
        pairs = _pairs(value, _("Write tiers as percent:score pairs, e.g. 80:60, 100:90."))
        return [{"from": start, "score": score} for start, score in pairs]


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("item"), choices=[("", "—"), *ItemKind.choices], required=False)
    label = forms.CharField(label=_("label"), max_length=100, required=False)
    weight = forms.DecimalField(label=_("weight"), max_digits=5, decimal_places=2, required=False)
    rule = forms.ChoiceField(label=_("scoring rule"), choices=ScoringRule.choices, required=False)
    cap = forms.DecimalField(label=_("cap"), max_digits=7, decimal_places=2, required=False, initial=Decimal("100"))
    tiers = TiersField(label=_("tiers"), required=False, help_text=_("percent:score, e.g. 80:60, 100:90"))


ItemFormSet = forms.formset_factory(ItemForm, extra=3, max_num=20)


def items_from(formset):
    """The filled rows of an item formset as the service's dicts (rows without a kind are ignored)."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
        if not data.get("kind"):
            continue
        row = {"kind": data["kind"], "label": data.get("label") or "", "weight": data.get("weight"), "rule": data.get("rule")}
        if data.get("cap") is not None:
            row["cap"] = data["cap"]
        if data.get("tiers"):
            row["tiers"] = data["tiers"]
        rows.append(row)
    return rows


def initial_items(scheme):
    return [
        {
            "kind": item.kind,
            "label": item.label,
            "weight": item.weight,
            "rule": item.rule,
            "cap": item.cap,
            "tiers": ", ".join(f"{t['from']}:{t['score']}" for t in item.tiers),
        }
        for item in scheme.items.all()
    ]


class RunForm(forms.Form):
    scheme = forms.ModelChoiceField(label=_("scheme"), queryset=AppraisalScheme.objects.none())
    period = forms.CharField(
        label=_("period"), max_length=7, help_text=_("A year (2026), a quarter (2026-Q3) or a month (2026-07).")
    )
    unit = UnitChoiceField(
        label=_("org unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("Empty: the scheme's unit or the whole company."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = AppraisalScheme.objects.for_user(user).filter(state=SchemeState.APPROVED)
        self.fields["unit"].queryset = _scoped_units(user)


class ManualScoreForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.DecimalField(label=_("score (0-100)"), max_digits=5, decimal_places=2)
    comment = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SuggestForm(forms.Form):
    period = forms.CharField(label=_("period"), max_length=7)
    unit = UnitChoiceField(label=_("org unit"), queryset=OrgUnit.objects.none(), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _scoped_units(user)


class RewardForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=RewardKind.choices)
    unit = UnitChoiceField(label=_("org unit"), queryset=OrgUnit.objects.none())
    staff = StaffChoiceField(
        label=_("staff member"),
        queryset=StaffProfile.objects.none(),
        required=False,
        help_text=_("Empty: the reward goes to the unit."),
    )
    period = forms.CharField(
        label=_("period"), max_length=7, help_text=_("A year (2026), a quarter (2026-Q3) or a month (2026-07).")
    )
    amount = forms.DecimalField(label=_("amount"), max_digits=18, decimal_places=2, min_value=Decimal("0.01"))
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _scoped_units(user)
        self.fields["staff"].queryset = (
            StaffProfile.objects.for_user(user)
            .filter(is_active=True)
            .select_related("unit")
            .order_by("unit__path", "employee_no")
        )


# ---------------------------------------------------------------------------------------- incentives


class IncentiveTiersField(forms.CharField):
    """Tiers written as `80:0.5, 100:1+2000` — from what percent of the sales target, which bonus (percent
    of the period's sales) and, after +, a fixed amount."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return []
        tiers = []
        for start, rest in _pairs(value, _("Write tiers as attainment:bonus pairs, e.g. 80:0.5, 100:1+2000.")):
            rate, _plus, fixed = rest.replace("＋", "+").partition("+")
            tiers.append({"min_attainment": start, "bonus_rate": rate.strip() or "0", "fixed_amount": fixed.strip() or "0"})
        return tiers


class IncentiveSchemeForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    subject = forms.ChoiceField(label=_("pays"), choices=IncentiveSubject.choices)
    valid_from = DateFormField(label=_("valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    unit = UnitChoiceField(
        label=_("org unit"), queryset=OrgUnit.objects.none(), required=False, help_text=_("Empty: the whole company.")
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _scoped_units(user)


class ScaleClassForm(forms.Form):
    name = forms.CharField(label=_("scale class"), max_length=50, required=False)
    min_sales = forms.DecimalField(
        label=_("last year's sales from"), max_digits=18, decimal_places=2, min_value=0, required=False
    )
    tiers = IncentiveTiersField(
        label=_("tiers"), required=False, help_text=_("attainment:bonus[+fixed], e.g. 80:0.5, 100:1+2000")
    )


ScaleClassFormSet = forms.formset_factory(ScaleClassForm, extra=3, max_num=10)


def classes_from(formset):
    """The filled rows of a scale-class formset as the service's dicts (rows without a name are ignored)."""
    return [
        {"name": data["name"], "min_sales": data.get("min_sales") or Decimal(0), "tiers": data.get("tiers") or []}
        for data in (getattr(form, "cleaned_data", {}) for form in formset.forms)
        if data.get("name")
    ]
