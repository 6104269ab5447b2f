"""Forms of the risk pages. They only shape input; the services check the business rules (weights adding up
to 100, bands rising, grade ranges without gaps or overlaps) and their refusals show on the named field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from risk.choices import GRADES, Factor, RatingSubject


class SchemeForm(forms.Form):
    subject = forms.ChoiceField(label=_("grades"), choices=RatingSubject.choices)
    name = forms.CharField(label=_("name"), max_length=200)
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class BandsField(forms.CharField):
    """Bands written as `0:100, 0.2:60, 0.5:0` — from which value, which score (Chinese or ASCII punctuation)."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return []
        bands = []
        for part in value.replace("，", ",").replace("；", ",").replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            start, sep, score = part.replace("：", ":").partition(":")
            if not sep:
                raise forms.ValidationError(_("Write bands as value:score pairs, e.g. 0:100, 0.2:60, 0.5:0."))
            bands.append({"from": start.strip(), "score": score.strip()})
        return bands


class FactorForm(forms.Form):
    factor = forms.ChoiceField(label=_("factor"), choices=[("", "—"), *Factor.choices], required=False)
    weight = forms.DecimalField(label=_("weight"), max_digits=5, decimal_places=2, required=False)
    bands = BandsField(label=_("bands"), required=False, help_text=_("value:score, e.g. 0:100, 0.2:60, 0.5:0"))
    if_missing = forms.DecimalField(label=_("score without a value"), max_digits=5, decimal_places=2, required=False)


FactorFormSet = forms.formset_factory(FactorForm, extra=2, max_num=12)


class GradeForm(forms.Form):
    grade = forms.ChoiceField(label=_("grade"), choices=[(g, g) for g in GRADES], widget=forms.HiddenInput)
    start = forms.DecimalField(label=_("from"), max_digits=5, decimal_places=2, required=False)
    end = forms.DecimalField(label=_("below"), max_digits=5, decimal_places=2, required=False)


GradeFormSet = forms.formset_factory(GradeForm, extra=0, max_num=len(GRADES))

DEFAULT_GRADES = [
    {"grade": "AAA", "from": "90", "to": "100"},
    {"grade": "AA", "from": "80", "to": "90"},
    {"grade": "A", "from": "70", "to": "80"},
    {"grade": "B", "from": "60", "to": "70"},
    {"grade": "C", "from": "40", "to": "60"},
    {"grade": "D", "from": "0", "to": "40"},
]


def factors_from(formset):
    """The filled rows of a factor formset as the service's dicts (rows without a factor are ignored)."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", {}) or {}
        if not data.get("factor"):
            continue
        row = {"factor": data["factor"], "weight": data.get("weight"), "bands": data.get("bands") or []}
        if data.get("if_missing") is not None:
            row["if_missing"] = data["if_missing"]
        rows.append(row)
    return rows


def grades_from(formset):
    """The grade rows as the service's ranges; a grade left empty is left out (the service says what is missing)."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", {}) or {}
        if data.get("start") is None and data.get("end") is None:
            continue
        rows.append({"grade": data.get("grade"), "from": data.get("start"), "to": data.get("end")})
    return rows


def initial_factors(scheme):
    return [
        {
            "factor": f.factor,
            "weight": f.weight,
            "bands": ", ".join(f"{b['from']}:{b['score']}" for b in f.bands),
            "if_missing": f.if_missing,
        }
        for f in scheme.factors.all()
    ]


def initial_grades(grades):
    by_grade = {g["grade"]: g for g in grades}
    return [
        {"grade": grade, "start": by_grade.get(grade, {}).get("from"), "end": by_grade.get(grade, {}).get("to")}
        for grade in GRADES
    ]
