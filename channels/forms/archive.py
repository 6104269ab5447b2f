"""Forms of the channel archive's pages. They only shape the input; the services check the rules and refuse on
the field at fault (the same on the API)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from channels.choices import TRANSITIONS, ActivityKind, AgreementKind, ChannelKind, ChannelState, ChannelTier
from channels.rights import new_channel_salesperson
from channels.services.archive import AGREEMENT_SUMMARY_MAX, NEXT_STEP_MAX, SUMMARY_MAX
from channels.services.channels import REASON_MAX
from core.dates import DateFormField
from core.roles import Role
from core.ui import StaffChoiceField, UnitChoiceField
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile


class ChannelForm(forms.Form):
    """A channel's archive; districts and salespeople offered are those in the user's scope."""

    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("channel type"), choices=ChannelKind.choices)
    tier = forms.ChoiceField(label=_("tier"), choices=ChannelTier.choices, initial=ChannelTier.REGULAR)
    credit_code = forms.CharField(
        label=_("unified social credit code"), max_length=30, required=False, help_text=_("18 characters, GB 32100-2015.")
    )
    external_id = forms.CharField(label=_("external id"), max_length=64, required=False)
    unit = UnitChoiceField(label=_("district office"), queryset=OrgUnit.objects.none())
    salesperson = StaffChoiceField(label=_("responsible salesperson"), queryset=StaffProfile.objects.none(), required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    note = forms.CharField(label=_("note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.for_user(user).filter(kind=UnitKind.DISTRICT, is_active=True)
        self.fields["salesperson"].queryset = (
            StaffProfile.objects.for_user(user).filter(role=Role.SALES_REP, is_active=True).select_related("unit")
        )
        own = new_channel_salesperson(user)
        if own is not None:
            self.fields["salesperson"].required = True
            self.fields["salesperson"].initial = own.pk
            self.fields["unit"].initial = own.unit_id

    def clean_credit_code(self):
        return self.cleaned_data["credit_code"].strip() or None

    def clean_external_id(self):
        return self.cleaned_data["external_id"].strip() or None


# The channel's page holds the transition, activity, contact and agreement forms at once: each gets its own id
# prefix (auto_id) so their fields' ids (id_transition_on, id_activity_on…) are unique and each label names its field.
class TransitionForm(forms.Form):
    """Move the state: the choices are the moves the channel's current state allows."""

    state = forms.ChoiceField(label=_("new state"), choices=ChannelState.choices)
    on = DateFormField(label=_("on"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("reason"), max_length=REASON_MAX, required=False)

    def __init__(self, *args, channel=None, **kwargs):
        kwargs.setdefault("auto_id", "id_transition_%s")
        super().__init__(*args, **kwargs)
        if channel is not None and not self.is_bound:
            allowed = TRANSITIONS[ChannelState(channel.state)]
            self.fields["state"].choices = [(v, label) for v, label in ChannelState.choices if v in allowed]
        self.fields["on"].initial = timezone.localdate()


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=ActivityKind.choices)
    on = DateFormField(label=_("on"), widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(label=_("what was done"), max_length=SUMMARY_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    next_step = forms.CharField(label=_("next step"), max_length=NEXT_STEP_MAX, required=False)
    next_on = DateFormField(label=_("next step on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_activity_%s")
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class ContactForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=50)
    title = forms.CharField(label=_("position"), max_length=50, required=False)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    email = forms.CharField(label=_("e-mail"), max_length=254, required=False)
    is_primary = forms.BooleanField(label=_("primary contact"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_contact_%s")
        super().__init__(*args, **kwargs)


class AgreementForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=AgreementKind.choices)
    signed_on = DateFormField(label=_("signed on"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = DateFormField(label=_("valid to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(label=_("summary"), max_length=AGREEMENT_SUMMARY_MAX, required=False)
    file = forms.FileField(
        label=_("scanned copy"), required=False, help_text=_("A PDF, picture, Excel or Word file or zip archive, at most 10 MB.")
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_agreement_%s")
        super().__init__(*args, **kwargs)
