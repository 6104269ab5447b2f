"""Forms of the visit pages. They only shape the input; the services check the rules and refuse on the field at
fault (a done visit in the future, a next step without its day…), the same as on the API."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from channels.models import Channel
from core.dates import DateFormField
from core.roles import Role, role_of, staff_of
from core.ui import mark_searchable
from customers.choices import CustomerKind, CustomerStatus
from customers.models import Customer
from relations.models.visits import VisitKind, VisitSegment, VisitState
from relations.selectors.visits import CHANNEL_VISIT_STATES
from relations.services.visits import TEXT_MAX

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Above this many customers in the picker, a manager's form offers their key customers (and the one asked for).
PICKER_MAX = 500


class CustomerPickField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"★ {obj.name}" if obj.is_key else obj.name


class VisitForm(forms.Form):
    """A visit on a phone: whom (the salesperson's own customers first), when (today), how, what was said, the
    customer's needs, competitors mentioned, the next step and its day — the rest is optional."""

    customer = CustomerPickField(label=_("customer"), queryset=Customer.objects.none(), required=False)
    channel = forms.ModelChoiceField(label=_("or a channel"), queryset=Channel.objects.none(), required=False)
    on = DateFormField(label=_("date"), widget=DATE)
    state = forms.ChoiceField(
        label=_("state"),
        choices=[(VisitState.DONE, _("done")), (VisitState.PLANNED, _("planned"))],
        initial=VisitState.DONE,
    )
    kind = forms.ChoiceField(label=_("kind"), choices=VisitKind.choices, initial=VisitKind.VISIT)
    notes = forms.CharField(
        label=_("what was discussed"), max_length=TEXT_MAX["notes"], required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    needs = forms.CharField(
        label=_("the customer's needs"), max_length=TEXT_MAX["needs"], required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    competitors = forms.CharField(label=_("competitors mentioned"), max_length=TEXT_MAX["competitors"], required=False)
    participants = forms.CharField(label=_("participants"), max_length=TEXT_MAX["participants"], required=False)
    next_step = forms.CharField(label=_("next step"), max_length=TEXT_MAX["next_step"], required=False)
    next_on = DateFormField(label=_("next step by"), required=False, widget=DATE)

    def __init__(self, *args, user=None, customer=None, edit=False, **kwargs):
        super().__init__(*args, **kwargs)
        customers = Customer.objects.for_user(user).exclude(status=CustomerStatus.CLOSED).order_by("-is_key", "name")
        own = staff_of(user, active=True) if role_of(user) == Role.SALES_REP else None
        if own is None and not self.is_bound and customers.count() > PICKER_MAX:
            customers = customers.filter(is_key=True) | Customer.objects.for_user(user).filter(pk=getattr(customer, "pk", 0))
        self.fields["customer"].queryset = customers
        mark_searchable(self.fields["customer"].widget)
        self.fields["channel"].queryset = Channel.objects.for_user(user).filter(state__in=CHANNEL_VISIT_STATES).order_by("name")
        self.fields["on"].initial = timezone.localdate()
        if customer is not None:
            self.fields["customer"].initial = customer.pk
        if edit:
            del self.fields["customer"], self.fields["channel"]
            self.fields["state"].choices = VisitState.choices

    def clean(self):
        data = super().clean()
        if "customer" in self.fields and not self.errors:
            if (data.get("customer") is None) == (data.get("channel") is None):
                self.add_error("customer", _("Choose the customer or the channel visited (one of the two)."))
        return data


class VisitRuleForm(forms.Form):
    """Set how often a class of customers is due a visit, for every type of customer or only one."""

    segment = forms.ChoiceField(label=_("customer class"), choices=VisitSegment.choices)
    customer_kind = forms.ChoiceField(
        label=_("customer type"),
        choices=[("", _("every type")), *CustomerKind.choices],
        required=False,
        help_text=_("A rule for one type overrides its class's general rule."),
    )
    interval_days = forms.IntegerField(label=_("visit every (days)"), min_value=1, max_value=366)
