from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import DateFormField
from core.roles import Role
from regions.choices import UnitKind
from regions.models import OrgUnit


class OrgUnitCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=[c for c in UnitKind.choices if c[0] != UnitKind.CENTER])
    code = forms.CharField(label=_("code"), max_length=20)
    name = forms.CharField(label=_("name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=100, required=False)
    parent = forms.ModelChoiceField(label=_("parent unit"), queryset=OrgUnit.objects.none())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = OrgUnit.objects.for_user(user).filter(is_active=True).exclude(kind=UnitKind.DISTRICT)


class OrgUnitEditForm(forms.Form):
    code = forms.CharField(label=_("code"), max_length=20)
    name = forms.CharField(label=_("name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=100, required=False)


class StaffCreateForm(forms.Form):
    employee_no = forms.CharField(label=_("employee number"), max_length=20)
    name = forms.CharField(label=_("full name"), max_length=50)
    unit = forms.ModelChoiceField(label=_("org unit"), queryset=OrgUnit.objects.none())
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    title = forms.CharField(label=_("position"), max_length=50, required=False)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    hire_date = DateFormField(label=_("hire date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.for_user(user).filter(is_active=True)


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100, help_text=_("Which branch system will use it."))
    unit = forms.ModelChoiceField(label=_("org unit"), queryset=OrgUnit.objects.none())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.for_user(user).filter(is_active=True)
