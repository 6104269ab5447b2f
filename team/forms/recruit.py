"""The forms of recruitment (招聘): a headcount request, a candidate, an interview, a stage move, a hire and the
cancelling of a vacancy. They only shape the input; the services check every rule."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import DateFormField
from core.roles import Role
from core.ui import StaffChoiceField, UnitChoiceField
from regions.models import OrgUnit, StaffProfile
from team.models.recruit import MAX_HEADCOUNT, CandidateStage, InterviewAssessment, Vacancy, VacancyState
from team.services.recruit import RECRUITED_ROLES


def _role_choices():
    return [(value, label) for value, label in Role.choices if value in RECRUITED_ROLES]


class HeadcountRequestForm(forms.Form):
    role = forms.ChoiceField(label=_("role"))
    title = forms.CharField(label=_("position"), max_length=50, required=False)
    headcount = forms.IntegerField(label=_("headcount"), help_text=_("Seats asked for: 1 to %(max)d.") % {"max": MAX_HEADCOUNT})
    needed_by = DateFormField(label=_("needed by"), required=False)
    reason = forms.CharField(label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, with_unit=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "")] + _role_choices()
        if with_unit:
            units = OrgUnit.objects.for_user(user).filter(is_active=True).order_by("path")
            self.fields["unit"] = UnitChoiceField(label=_("org unit"), queryset=units)
            self.order_fields(["unit", "role", "title", "headcount", "needed_by", "reason"])


class VacancyCancelForm(forms.Form):
    reason = forms.CharField(label=_("reason for cancelling"), max_length=200)


class CandidateForm(forms.Form):
    name = forms.CharField(label=_("full name"), max_length=50)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    email = forms.CharField(label=_("e-mail"), max_length=254, required=False)
    source = forms.CharField(label=_("source"), max_length=100, required=False, help_text=_("e.g. campus, referral, job site"))
    applied_on = DateFormField(label=_("applied on"), required=False)
    note = forms.CharField(label=_("note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        vacancies = (
            Vacancy.objects.for_user(user).filter(state=VacancyState.OPEN).select_related("unit").order_by("unit__path", "id")
        )
        self.fields["vacancy"] = forms.ModelChoiceField(label=_("vacancy"), queryset=vacancies)
        self.order_fields(["vacancy", "name", "phone", "email", "source", "applied_on", "note"])


class InterviewForm(forms.Form):
    held_on = DateFormField(label=_("held on"))
    assessment = forms.ChoiceField(label=_("assessment"), choices=[("", "")] + list(InterviewAssessment.choices))
    notes = forms.CharField(label=_("notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        people = StaffProfile.objects.for_user(user).filter(is_active=True).select_related("unit").order_by("unit__path", "name")
        self.fields["interviewer"] = StaffChoiceField(
            label=_("interviewer"), queryset=people, required=False, help_text=_("Empty: you.")
        )
        self.order_fields(["interviewer", "held_on", "assessment", "notes"])


class StageForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("move to"),
        choices=[
            (CandidateStage.INTERVIEWED, CandidateStage.INTERVIEWED.label),
            (CandidateStage.OFFERED, CandidateStage.OFFERED.label),
            (CandidateStage.WITHDRAWN, CandidateStage.WITHDRAWN.label),
        ],
    )


class HireForm(forms.Form):
    employee_no = forms.CharField(label=_("employee number"), max_length=20)
    hire_date = DateFormField(label=_("hire date"))
    title = forms.CharField(label=_("position"), max_length=50, required=False, help_text=_("Empty: the vacancy's."))
    username = forms.CharField(label=_("login"), max_length=150, required=False, help_text=_("Empty: no login for now."))
    password = forms.CharField(label=_("password"), required=False, widget=forms.PasswordInput(render_value=False))

    def __init__(self, *args, user, candidate, **kwargs):
        super().__init__(*args, **kwargs)
        vacancies = (
            Vacancy.objects.for_user(user)
            .filter(state=VacancyState.OPEN, unit=candidate.vacancy.unit_id, role=candidate.vacancy.role)
            .order_by("id")
        )
        self.fields["vacancy"] = forms.ModelChoiceField(
            label=_("vacancy"), queryset=vacancies, required=False, help_text=_("Empty: the candidate's own.")
        )
        self.order_fields(["vacancy", "employee_no", "hire_date", "title", "username", "password"])
