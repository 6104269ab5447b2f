from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import DateFormField
from core.roles import can
from core.ui import StaffChoiceField
from regions.models import StaffProfile


def assignable_staff(user):
    """Whom the user may give a task: anyone active in their scope with task.assign, else only themselves."""
    staff = getattr(user, "staff_profile", None)
    if can(user, "task.assign"):
        return (
            StaffProfile.objects.for_user(user)
            .filter(is_active=True)
            .select_related("unit")
            .order_by("unit__path", "employee_no")
        )
    if staff is None:
        return StaffProfile.objects.none()
    return StaffProfile.objects.filter(pk=staff.pk).select_related("unit")


class TaskForm(forms.Form):
    """A new task (assigned to someone in the user's scope, or to oneself)."""

    title = forms.CharField(label=_("title"), max_length=200)
    owner = StaffChoiceField(label=_("owner"), queryset=StaffProfile.objects.none())
    due_on = DateFormField(label=_("due on"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(
        label=_("description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = assignable_staff(user)
        staff = getattr(user, "staff_profile", None)
        if staff is not None:
            self.fields["owner"].initial = staff.pk
        if not can(user, "task.assign"):
            self.fields["owner"].widget = forms.HiddenInput()
        self.fields["due_on"].initial = timezone.localdate()


class TaskEditForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    due_on = DateFormField(label=_("due on"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(
        label=_("description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TaskCompleteForm(forms.Form):
    note = forms.CharField(label=_("completion note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class TaskReopenForm(forms.Form):
    reason = forms.CharField(label=_("reason"), required=False, max_length=500)


class TaskCancelForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=500)


class TaskReassignForm(forms.Form):
    owner = StaffChoiceField(label=_("new owner"), queryset=StaffProfile.objects.none())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = assignable_staff(user)


class SummaryForm(forms.Form):
    period = forms.CharField(label=_("period"), required=False, help_text=_("month, quarter, or e.g. 2026-Q3 / 2026-07"))
