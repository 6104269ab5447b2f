"""Forms of the risk pages. They only shape input; the services check the business rules (weights adding up
to 100, bands rising, grade ranges without gaps or overlaps) and their refusals show on the named field."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import DateFormField
from core.ui import StaffChoiceField, UnitChoiceField, mark_searchable
from customers.models import Customer, Product
from regions.models import OrgUnit, StaffProfile
from risk.choices import GRADES, EventKind, EventSeverity, Factor, RatingSubject
from risk.services.events import MAX_STEP_DAYS, NOTE_MAX, STEP_MAX, TEXT_MAX, TITLE_MAX, candidates


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


class EventReportForm(forms.Form):
    """A special event of a unit in the reporter's scope (by default their own), with the customers (of the
    reporter's scope) and products it concerns."""

    unit = UnitChoiceField(label=_("org unit"), queryset=OrgUnit.objects.none())
    kind = forms.ChoiceField(label=_("kind"), choices=EventKind.choices)
    severity = forms.ChoiceField(label=_("severity"), choices=EventSeverity.choices)
    title = forms.CharField(label=_("title"), max_length=TITLE_MAX)
    description = forms.CharField(label=_("what happened"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    occurred_on = DateFormField(label=_("occurred on"), widget=forms.DateInput(attrs={"type": "date"}))
    customers = forms.ModelMultipleChoiceField(label=_("customers concerned"), queryset=Customer.objects.none(), required=False)
    products = forms.ModelMultipleChoiceField(label=_("products concerned"), queryset=Product.objects.none(), required=False)

    def __init__(self, *args, user=None, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.for_user(user).filter(is_active=True).order_by("path")
        self.fields["customers"].queryset = Customer.objects.for_user(user).order_by("name", "id")
        self.fields["products"].queryset = Product.objects.filter(is_active=True).order_by("code")
        mark_searchable(self.fields["customers"].widget)
        staff = getattr(user, "staff_profile", None)
        if staff is not None:
            self.fields["unit"].initial = staff.unit_id
        if customer is not None:
            # Opened for one customer (?customer=): the page names it; a select of every customer in a
            # national scope would be thousands of options.
            self.fields["customers"].initial = [customer.pk]
            self.fields["customers"].widget = forms.MultipleHiddenInput()
            self.fields["unit"].initial = customer.district_id
        self.fields["occurred_on"].initial = timezone.localdate()


def _people(event):
    """Who may own the event's work: its unit's people, those below and its managers above. Not cut by the
    reader's scope on purpose: a district manager hands an event up to his provincial manager. Only those
    who handle the event see the form (the service asks the right again)."""
    return candidates(event.unit).select_related("unit").order_by("unit__path", "employee_no")


class AssignOwnerForm(forms.Form):
    owner = StaffChoiceField(label=_("new owner"), queryset=StaffProfile.objects.none())

    def __init__(self, *args, event=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people(event).exclude(pk=event.owner_id)


class AddStepForm(forms.Form):
    description = forms.CharField(label=_("what to do"), max_length=STEP_MAX)
    owner = StaffChoiceField(label=_("owner"), queryset=StaffProfile.objects.none(), required=False)
    working_days = forms.IntegerField(
        label=_("due in (working days)"), min_value=1, max_value=MAX_STEP_DAYS, required=False, initial=3
    )
    due_on = DateFormField(
        label=_("or due on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("A day instead of a number of working days."),
    )

    def __init__(self, *args, event=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people(event)
        self.fields["owner"].help_text = _("Empty: the event's owner.")


class CompleteStepForm(forms.Form):
    step = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(label=_("note"), max_length=NOTE_MAX, required=False)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("note"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    # Not required here: the service refuses an empty summary with its own reason (the same on the API).
    summary = forms.CharField(
        label=_("summary"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What happened, what was done, what is left to watch."),
    )
