"""Forms of the improvement plan pages (整改方案): the plan, its measures and its expected figures as two
formsets (as the rating scheme's factors). They only shape input; the services check the business rules
(owners inside the unit's subtree, rates at most 100 %, one figure per month and metric)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import DateFormField
from core.ui import StaffChoiceField, UnitChoiceField
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile
from risk.choices import ImprovementMetric
from risk.services.improvement import MEASURE_MAX, TEXT_MAX, TITLE_MAX


class ImprovementPlanForm(forms.Form):
    unit = UnitChoiceField(label=_("org unit"), queryset=OrgUnit.objects.none())
    title = forms.CharField(label=_("title"), max_length=TITLE_MAX)
    diagnosis = forms.CharField(label=_("diagnosis"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.for_user(user).filter(is_active=True).exclude(kind=UnitKind.CENTER).order_by("path")
        self.fields["unit"].queryset = units


class MeasureForm(forms.Form):
    description = forms.CharField(label=_("measure"), max_length=MEASURE_MAX, required=False)
    owner = StaffChoiceField(label=_("owner"), queryset=StaffProfile.objects.none(), required=False)
    due_on = DateFormField(label=_("due on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            StaffProfile.objects.for_user(user)
            .filter(is_active=True)
            .select_related("unit")
            .order_by("unit__path", "employee_no")
        )


class TargetForm(forms.Form):
    month = forms.CharField(
        label=_("month"), max_length=7, required=False, widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-07"})
    )
    metric = forms.ChoiceField(label=_("metric"), choices=[("", "—"), *ImprovementMetric.choices], required=False)
    expected = forms.DecimalField(label=_("expected"), max_digits=18, decimal_places=2, required=False)


class _UserFormSet(forms.BaseFormSet):
    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "user": self.user}


MeasureFormSet = forms.formset_factory(MeasureForm, formset=_UserFormSet, extra=3, max_num=30)
TargetFormSet = forms.formset_factory(TargetForm, extra=6, max_num=120)


def measures_from(formset):
    """The filled rows of the measures formset as the service's dicts (rows without a description are ignored)."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", {}) or {}
        if not (data.get("description") or "").strip():
            continue
        owner = data.get("owner")
        rows.append({"description": data["description"], "owner": owner.pk if owner else None, "due_on": data.get("due_on")})
    return rows


def targets_from(formset):
    """The filled rows of the expected figures as the service's dicts (rows without a metric are ignored)."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", {}) or {}
        if not data.get("metric"):
            continue
        rows.append({"month": data.get("month") or None, "metric": data["metric"], "expected": data.get("expected")})
    return rows


def initial_measures(plan):
    return [{"description": m.description, "owner": m.owner_id, "due_on": m.due_on} for m in plan.measures.all()]


def initial_targets(plan):
    return [{"month": t.month.strftime("%Y-%m"), "metric": t.metric, "expected": t.expected} for t in plan.targets.all()]


class ImprovementCloseForm(forms.Form):
    review = forms.CharField(label=_("review"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3}))
