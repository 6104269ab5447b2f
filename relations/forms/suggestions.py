"""Forms of the suggestion pages: shaping only; the services check the rules (the customer and channel offered are
those of the author's scope)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from channels.models import Channel
from customers.models import Customer, Product
from relations.forms.keycust import CustomerChoiceField
from relations.models.suggestions import SuggestionTopic
from relations.services.suggestions import TEXT_MAX, TITLE_MAX


class SuggestionForm(forms.Form):
    topic = forms.ChoiceField(label=_("topic"), choices=SuggestionTopic.choices)
    title = forms.CharField(label=_("title"), max_length=TITLE_MAX)
    text = forms.CharField(label=_("problem or suggestion"), widget=forms.Textarea(attrs={"rows": 5}), max_length=TEXT_MAX)
    product = forms.ModelChoiceField(label=_("product"), queryset=Product.objects.filter(is_active=True), required=False)
    channel = forms.ModelChoiceField(label=_("channel"), queryset=Channel.objects.none(), required=False)
    customer = CustomerChoiceField(label=_("customer"), queryset=Customer.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = Channel.objects.for_user(user).order_by("name", "pk")
        self.fields["customer"].queryset = Customer.objects.for_user(user).select_related("district").order_by("name", "pk")


class AnswerForm(forms.Form):
    response = forms.CharField(label=_("response"), widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_MAX)
