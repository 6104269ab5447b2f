"""The form of a market report. It only shapes the input; relations.services checks every rule (so a product the
company no longer sells, a reliability outside A–D or an unbelievable price change is refused there, on its
field)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import DateFormField
from core.ui import UnitChoiceField
from customers.models import Product
from regions.choices import UnitKind
from regions.models import OrgUnit
from relations.choices_market import DemandSignal, MarketReportKind, MarketSource, Reliability

FIELDS = (
    "kind",
    "title",
    "observed_on",
    "competitor",
    "competitor_product",
    "product",
    "price_level",
    "price_change",
    "policy",
    "demand_signal",
    "description",
    "source",
    "source_note",
    "reliability",
    "is_major",
    "tags",
)


class MarketReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=MarketReportKind.choices)
    title = forms.CharField(label=_("title"), max_length=200)
    observed_on = DateFormField(label=_("observed on"))
    competitor = forms.CharField(label=_("competitor"), max_length=100, required=False)
    competitor_product = forms.CharField(label=_("competitor's product"), max_length=100, required=False)
    product = forms.ModelChoiceField(
        label=_("our product concerned"), queryset=Product.objects.filter(is_active=True).order_by("code"), required=False
    )
    price_level = forms.CharField(label=_("competitor's price"), max_length=30, required=False)
    price_change = forms.CharField(
        label=_("price change %"),
        max_length=12,
        required=False,
        help_text=_("A cut of 5.5 per cent is entered as −5.5; a rise as a positive number."),
    )
    policy = forms.CharField(
        label=_("competitor's policy"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    demand_signal = forms.ChoiceField(label=_("demand signal"), choices=[("", ""), *DemandSignal.choices], required=False)
    description = forms.CharField(label=_("what was learnt"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    source = forms.ChoiceField(label=_("source"), choices=MarketSource.choices)
    source_note = forms.CharField(label=_("source details"), max_length=200, required=False)
    reliability = forms.ChoiceField(label=_("reliability"), choices=Reliability.choices)
    is_major = forms.BooleanField(label=_("major problem"), required=False)
    tags = forms.CharField(
        label=_("tags"), max_length=400, required=False, help_text=_("Separated by commas, e.g. 降息, 渠道返利.")
    )

    def __init__(self, *args, user, with_unit=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_unit:
            units = OrgUnit.objects.for_user(user).filter(is_active=True).exclude(kind=UnitKind.CENTER).order_by("path")
            self.fields["unit"] = UnitChoiceField(label=_("org unit"), queryset=units)
            self.order_fields(["kind", "title", "unit"])
