"""The forms of promotion events: the event itself, and on its page a guest, a lead, a sale to attribute, an
expense and materials used. They only shape the input; the services check every rule."""

from django import forms
from django.utils.translation import gettext_lazy as _

from channels.choices import PromotionKind
from channels.models_promotion import MaterialItem
from core.dates import DateFormField
from core.ui import UnitChoiceField
from customers.models import Product
from regions.models import OrgUnit


class PromotionEventForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=PromotionKind.choices)
    title = forms.CharField(label=_("title"), max_length=200)
    starts_on = DateFormField(label=_("starts on"))
    ends_on = DateFormField(label=_("ends on"))
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    products = forms.ModelMultipleChoiceField(label=_("products"), queryset=Product.objects.order_by("code"), required=False)
    plan = forms.IntegerField(label=_("promotion plan (id)"), required=False, min_value=1)
    budget = forms.IntegerField(label=_("expense budget (id)"), required=False, min_value=1)
    note = forms.CharField(label=_("note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, with_unit=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_unit:
            units = OrgUnit.objects.for_user(user).filter(is_active=True).order_by("path")
            self.fields["unit"] = UnitChoiceField(label=_("org unit"), queryset=units)
            self.order_fields(["kind", "title", "unit"])


class EventActionForm(forms.Form):
    """One form for the event page's small actions; which fields count depends on the posted `action`."""

    customer = forms.IntegerField(label=_("customer (id)"), required=False, min_value=1)
    channel = forms.IntegerField(label=_("channel (id)"), required=False, min_value=1)
    attended = forms.BooleanField(label=_("attended"), required=False)
    name = forms.CharField(label=_("name"), max_length=100, required=False)
    contact = forms.CharField(label=_("contact"), max_length=100, required=False)
    invoice = forms.IntegerField(label=_("invoice (id)"), required=False, min_value=1)
    amount = forms.CharField(label=_("amount"), max_length=30, required=False)
    spent_on = DateFormField(label=_("spent on"), required=False)
    description = forms.CharField(label=_("description"), max_length=500, required=False)
    item = forms.ModelChoiceField(label=_("material"), queryset=MaterialItem.objects.filter(is_active=True), required=False)
    quantity = forms.IntegerField(label=_("quantity"), required=False)
