"""The forms of training (培训): a course, a session, and on a session's page enrolling someone and recording
attendance and a score. They only shape the input; the services check every rule."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from core.ui import StaffChoiceField, UnitChoiceField
from regions.models import OrgUnit, StaffProfile
from team.models.training import Course, CourseKind

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


def datetime_field(label):
    return forms.DateTimeField(
        label=label, widget=DateTimeLocalInput(), input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
    )


class CourseForm(forms.Form):
    code = forms.CharField(label=_("code"), max_length=30)
    title = forms.CharField(label=_("title"), max_length=200)
    topic = forms.CharField(label=_("topic"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=CourseKind.choices)
    hours = forms.CharField(label=_("hours"), max_length=20)
    pass_mark = forms.IntegerField(
        label=_("pass mark"), required=False, help_text=_("Empty: attending the session completes the course.")
    )
    mandatory_roles = forms.MultipleChoiceField(
        label=_("mandatory for roles"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    validity_months = forms.IntegerField(
        label=_("valid for (months)"), required=False, help_text=_("Empty: a pass counts for good.")
    )
    description = forms.CharField(
        label=_("description"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, with_active=False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_active:
            self.fields["is_active"] = forms.BooleanField(label=_("in use"), required=False)


class TrainingSessionForm(forms.Form):
    course = forms.ModelChoiceField(label=_("course"), queryset=Course.objects.filter(is_active=True).order_by("code"))
    starts_at = datetime_field(_("starts at"))
    ends_at = datetime_field(_("ends at"))
    online = forms.BooleanField(label=_("online"), required=False)
    place = forms.CharField(label=_("place or link"), max_length=200, required=False)
    trainer = forms.CharField(label=_("trainer"), max_length=100)
    capacity = forms.IntegerField(label=_("capacity"))
    note = forms.CharField(label=_("note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.for_user(user).filter(is_active=True).order_by("path")
        self.fields["unit"] = UnitChoiceField(label=_("run by"), queryset=units)
        self.order_fields(["course", "unit"])


class EnrolForm(forms.Form):
    """Whom to enrol: the people of the reader's scope the session is for (empty: oneself)."""

    def __init__(self, *args, user, session, **kwargs):
        super().__init__(*args, **kwargs)
        people = (
            StaffProfile.objects.for_user(user)
            .filter(is_active=True, unit__path__startswith=session.unit.path)
            .select_related("unit")
            .order_by("unit__path", "name")
        )
        self.fields["person"] = StaffChoiceField(label=_("person"), queryset=people, required=False)


class RecordForm(forms.Form):
    attended = forms.TypedChoiceField(
        label=_("attended"), choices=[("1", _("Attended")), ("0", _("Absent"))], coerce=lambda v: v == "1"
    )
    score = forms.CharField(label=_("score"), max_length=20, required=False)
