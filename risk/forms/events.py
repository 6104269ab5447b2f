""""""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import DateFormField
from core.ui import StaffChoiceField, UnitChoiceField, mark_searchable
from customers.models import Customer, Product
from regions.models import OrgUnit, StaffProfile
from risk.choices import EventKind, EventSeverity
from risk.services.events import MAX_STEP_DAYS, NOTE_MAX, STEP_MAX, TEXT_MAX, TITLE_MAX, candidates


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
