"""Forms of capability assessment and promotion recommendations (issue 19). They only parse; the services check
the business rules and their refusals are shown on the field they name."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.dates import DateFormField
from core.roles import Role
from core.ui import StaffChoiceField, UnitChoiceField
from regions.models import OrgUnit, StaffProfile

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class PromotionForm(forms.Form):
    staff = StaffChoiceField(queryset=StaffProfile.objects.none(), label=_("Staff member"))
    to_unit = UnitChoiceField(queryset=OrgUnit.objects.none(), label=_("New unit"))
    to_role = forms.ChoiceField(choices=Role.choices, label=_("New role"))
    to_title = forms.CharField(max_length=50, required=False, label=_("New position title"))
    effective_on = DateFormField(label=_("Effective on"))
    reason = forms.CharField(max_length=4000, widget=TEXTAREA, label=_("Reason"))

    def __init__(self, *args, user, with_staff=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_staff:
            self.fields["staff"].queryset = StaffProfile.objects.for_user(user).filter(is_active=True).select_related("unit")
        else:
            del self.fields["staff"]
        # The new unit may lie outside the recommender's subtree (a promotion to the province above): every open unit.
        self.fields["to_unit"].queryset = OrgUnit.objects.unscoped().filter(is_active=True).order_by("path")


def level_choices(competency):
    descriptions = competency.level_descriptions or []
    return [
        (str(n), f"{n} · {descriptions[n - 1]}" if len(descriptions) >= n and descriptions[n - 1] else str(n))
        for n in range(1, competency.levels + 1)
    ]


class LevelsForm(forms.Form):
    """One level per competency of a model (fields `level_<competency id>`), and a comment."""

    comment = forms.CharField(max_length=2000, required=False, widget=TEXTAREA, label=_("Comment"))

    def __init__(self, *args, competencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.competencies = list(competencies)
        for competency in self.competencies:
            self.fields[f"level_{competency.pk}"] = forms.ChoiceField(
                choices=level_choices(competency), label=competency.name, help_text=competency.description
            )
        self.order_fields([*(f"level_{c.pk}" for c in self.competencies), "comment"])

    def levels(self):
        return {str(c.pk): self.cleaned_data[f"level_{c.pk}"] for c in self.competencies}


class CalibrationForm(forms.Form):
    competency = forms.ChoiceField(choices=(), label=_("Competency"))
    level = forms.IntegerField(min_value=1, max_value=10, label=_("Calibrated level"))
    reason = forms.CharField(max_length=500, label=_("Reason"))

    def __init__(self, *args, competencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].choices = [(str(c.pk), c.name) for c in competencies]


class CycleForm(forms.Form):
    code = forms.CharField(max_length=20, label=_("Code"), help_text=_("e.g. 2026-H2"))
    name = forms.CharField(max_length=100, label=_("Name"))
    starts_on = DateFormField(label=_("Starts on"))
    ends_on = DateFormField(label=_("Ends on"))


class CapabilityModelForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, label=_("Role"))
    name = forms.CharField(max_length=200, label=_("Name"))
    note = forms.CharField(max_length=2000, required=False, widget=TEXTAREA, label=_("Note"))
    competencies = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        label=_("Competencies"),
        help_text=_("One per line: code | name | highest level | description (e.g. KH | 客户开发 | 5 | 开发并维护客户)."),
    )

    def __init__(self, *args, with_role=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_role:
            del self.fields["role"]

    def clean_competencies(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["competencies"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.replace("｜", "|").split("|")]
            if len(parts) < 2:
                raise forms.ValidationError(gettext("Line %(n)s: give at least a code and a name.") % {"n": number})
            levels = parts[2] if len(parts) > 2 and parts[2] else "5"
            if not levels.isdigit():
                raise forms.ValidationError(gettext("Line %(n)s: the highest level is a whole number.") % {"n": number})
            rows.append({"code": parts[0], "name": parts[1], "levels": int(levels), "description": "|".join(parts[3:])})
        return rows


def competencies_text(model):
    return "\n".join(f"{c.code} | {c.name} | {c.levels} | {c.description}" for c in model.competencies.all())
