"""Forms of the approval pages: the moves on a request, bulk decisions, delegations."""

from django import forms
from django.utils.translation import gettext_lazy as _

from approvals.choices import BulkAction, CalendarDayKind
from approvals.selectors import delegate_candidates, reviewer_candidates
from core.dates import DateFormField
from core.ui import mark_searchable
from regions.models import StaffProfile


class StaffChoiceField(forms.ModelChoiceField):
    """The people a step may be handed to (forward, add a reviewer, delegate): only those who could hold it
    (approvals.selectors.could_hold), with a type-to-search box (static/js/picker.js)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_searchable(self.widget)

    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.get_role_display()} · {obj.unit.name}"


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Review comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when returning or rejecting: the submitter needs the reason."),
    )


class ForwardForm(forms.Form):
    to_staff = StaffChoiceField(label=_("Forward to"), queryset=StaffProfile.objects.none())
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        # The picker and the form's validation are the same set: who could hold the step (the org tree).
        self.fields["to_staff"].queryset = reviewer_candidates(request=request)


class AddSignerForm(forms.Form):
    staff = StaffChoiceField(label=_("Reviewer to add"), queryset=StaffProfile.objects.none())
    before = forms.TypedChoiceField(
        label=_("When"),
        choices=[("1", _("Before me (they decide first)")), ("0", _("After me"))],
        coerce=lambda value: value == "1",
        initial="1",
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = reviewer_candidates(request=request)


class BulkForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(label=_("Requests"), coerce=int, choices=[])
    action = forms.ChoiceField(label=_("Decision"), choices=BulkAction.choices)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(str(pk), str(pk)) for pk in ids]


class DelegationForm(forms.Form):
    to_staff = StaffChoiceField(label=_("Delegate"), queryset=StaffProfile.objects.none())
    starts_on = DateFormField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = DateFormField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        # Only people whose scope covers the delegator's: the rule delegation_create enforces.
        self.fields["to_staff"].queryset = delegate_candidates(staff=staff)


class CalendarDayForm(forms.Form):
    """One holiday or make-up working day of the working calendar."""

    day = DateFormField(label=_("day"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("kind"), choices=CalendarDayKind.choices)
    name = forms.CharField(label=_("holiday name"), max_length=100, required=False, help_text=_("e.g. 春节, 国庆节"))
