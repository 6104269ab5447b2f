"""Forms of the complaint pages. They only shape the input; the services check the rules and refuse on the field at
fault (the same on the API). The logging form is the salesperson's on a phone: one column, few fields."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from channels.models import Channel
from core.dates import DateFormField
from core.ui import mark_searchable
from customers.models import Customer, Product
from relations.choices_complaints import ComplaintCause, ComplaintKind, ComplaintSeverity, CustomerConfirmation
from relations.services.complaints import CONFIRMATION_NOTE_MAX, DESCRIPTION_MAX, NOTE_MAX, RESULT_MAX

__all__ = [
    "ComplaintBreachForm",
    "ComplaintCloseForm",
    "ComplaintEditForm",
    "ComplaintForm",
    "ComplaintReopenForm",
    "ComplaintResultForm",
    "ComplaintStepForm",
]

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ComplaintForm(forms.Form):
    """Log a complaint: the customer (of the reader's scope), what it is about, how grave, what happened."""

    customer = forms.ModelChoiceField(label=_("customer"), queryset=Customer.objects.none())
    kind = forms.ChoiceField(label=_("complaint type"), choices=ComplaintKind.choices, initial=ComplaintKind.PRODUCT)
    product = forms.ModelChoiceField(
        label=_("product"), queryset=Product.objects.none(), required=False, help_text=_("For a product complaint.")
    )
    channel = forms.ModelChoiceField(
        label=_("channel"), queryset=Channel.objects.none(), required=False, help_text=_("For a channel complaint.")
    )
    severity = forms.ChoiceField(label=_("severity"), choices=ComplaintSeverity.choices, initial=ComplaintSeverity.MEDIUM)
    cause = forms.ChoiceField(label=_("cause"), choices=ComplaintCause.choices, initial=ComplaintCause.OTHER)
    description = forms.CharField(label=_("description"), max_length=DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    received_on = DateFormField(label=_("received on"), widget=DATE)

    def __init__(self, *args, user=None, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["customer"]
        field.queryset = Customer.objects.for_user(user).order_by("name", "id")
        field.widget.attrs["data-search-placeholder"] = _("Type to search: customer name")
        mark_searchable(field.widget)
        if customer is not None:
            field.initial = customer.pk
            field.widget = forms.HiddenInput()
        # Every product on the list (a product no longer sold is refused by the service, on its field).
        self.fields["product"].queryset = Product.objects.order_by("code")
        self.fields["channel"].queryset = Channel.objects.for_user(user).order_by("name", "id")
        self.fields["channel"].widget.attrs["data-search-placeholder"] = _("Type to search: channel name")
        mark_searchable(self.fields["channel"].widget)
        self.fields["received_on"].initial = timezone.localdate()


class ComplaintEditForm(forms.Form):
    """Change a complaint's details (not closed): its severity (the SLA due day follows), cause, description, and
    the product or channel it is about (the one its type names). The customer and the type do not change."""

    product = forms.ModelChoiceField(label=_("product"), queryset=Product.objects.none())
    channel = forms.ModelChoiceField(label=_("channel"), queryset=Channel.objects.none())
    severity = forms.ChoiceField(
        label=_("severity"), choices=ComplaintSeverity.choices, help_text=_("The SLA's due day follows the severity.")
    )
    cause = forms.ChoiceField(label=_("cause"), choices=ComplaintCause.choices)
    description = forms.CharField(label=_("description"), max_length=DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user=None, complaint=None, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "product": complaint.product_id,
                "channel": complaint.channel_id,
                "severity": complaint.severity,
                "cause": complaint.cause,
                "description": complaint.description,
            },
        )
        super().__init__(*args, **kwargs)
        if complaint.kind == ComplaintKind.PRODUCT:
            del self.fields["channel"]
            self.fields["product"].queryset = Product.objects.order_by("code")
        else:
            del self.fields["product"]
            field = self.fields["channel"]
            field.queryset = Channel.objects.for_user(user).order_by("name", "id")
            field.widget.attrs["data-search-placeholder"] = _("Type to search: channel name")
            mark_searchable(field.widget)


class ComplaintStepForm(forms.Form):
    note = forms.CharField(label=_("step taken"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    on = DateFormField(label=_("on"), widget=DATE)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_step_%s")
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class ComplaintResultForm(forms.Form):
    result = forms.CharField(label=_("result"), max_length=RESULT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    resolved_on = DateFormField(label=_("result given on"), widget=DATE)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_result_%s")
        super().__init__(*args, **kwargs)
        self.fields["resolved_on"].initial = timezone.localdate()


class ComplaintCloseForm(forms.Form):
    """The customer's confirmation; the result too when none was given before (the service asks for it)."""

    confirmation = forms.ChoiceField(label=_("customer's confirmation"), choices=CustomerConfirmation.choices)
    confirmation_note = forms.CharField(label=_("confirmation note"), max_length=CONFIRMATION_NOTE_MAX, required=False)
    result = forms.CharField(label=_("result"), max_length=RESULT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, needs_result=False, **kwargs):
        kwargs.setdefault("auto_id", "id_close_%s")
        super().__init__(*args, **kwargs)
        if not needs_result:
            del self.fields["result"]


class ComplaintReopenForm(forms.Form):
    reason = forms.CharField(label=_("why it is reopened"), max_length=NOTE_MAX)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_reopen_%s")
        super().__init__(*args, **kwargs)


class ComplaintBreachForm(forms.Form):
    note = forms.CharField(label=_("note"), max_length=NOTE_MAX, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_breach_%s")
        super().__init__(*args, **kwargs)
