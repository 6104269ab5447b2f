"""The forms of promotional materials: a material for the catalogue, a receipt or adjustment of stock, a
dispatch, and a requirement plan with its lines. They only shape the input; the services check every rule."""

from django import forms
from django.utils.translation import gettext_lazy as _

from channels.models_promotion import MaterialItem
from core.dates import DateFormField
from core.ui import UnitChoiceField
from regions.models import OrgUnit

PLAN_LINES = 6  # line rows a plan form offers; a plan needs at least one


def _units(user, kinds=None):
    units = OrgUnit.objects.for_user(user).filter(is_active=True).order_by("path")
    return units.filter(kind__in=kinds) if kinds else units


def _items():
    return forms.ModelChoiceField(label=_("material"), queryset=MaterialItem.objects.filter(is_active=True).order_by("code"))


class MaterialItemForm(forms.Form):
    code = forms.CharField(label=_("code"), max_length=30)
    name = forms.CharField(label=_("name"), max_length=100)
    uom = forms.CharField(label=_("unit of measure"), max_length=20)
    unit_cost = forms.CharField(label=_("unit cost"), max_length=30)


class StockChangeForm(forms.Form):
    RECEIPT, ADJUSTMENT = "receipt", "adjustment"
    kind = forms.ChoiceField(
        label=_("kind"), choices=[(RECEIPT, _("receipt from a supplier")), (ADJUSTMENT, _("stock-take adjustment"))]
    )
    quantity = forms.IntegerField(label=_("quantity"), help_text=_("An adjustment may be negative (pieces missing)."))
    on = DateFormField(label=_("on"), required=False)
    note = forms.CharField(label=_("note"), max_length=200, required=False, help_text=_("Required for an adjustment: why."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(label=_("org unit"), queryset=_units(user))
        self.fields["item"] = _items()
        self.order_fields(["kind", "unit", "item", "quantity", "on", "note"])


class DispatchForm(forms.Form):
    quantity = forms.IntegerField(label=_("quantity"))
    request_line = forms.IntegerField(label=_("requirement plan line"), required=False, min_value=1, widget=forms.HiddenInput)
    on = DateFormField(label=_("sent on"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_unit"] = UnitChoiceField(label=_("from"), queryset=_units(user, ("center", "region")))
        self.fields["to_unit"] = UnitChoiceField(label=_("to"), queryset=_units(user))
        self.fields["item"] = _items()
        self.order_fields(["from_unit", "to_unit", "item", "quantity", "on", "request_line"])


class MaterialRequestForm(forms.Form):
    period = forms.CharField(label=_("period"), max_length=10, help_text=_("2026, 2026-Q3 or 2026-07"))
    title = forms.CharField(label=_("title"), max_length=200)
    note = forms.CharField(label=_("note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, with_unit=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_unit:
            self.fields["unit"] = UnitChoiceField(label=_("org unit"), queryset=_units(user))
        items = MaterialItem.objects.filter(is_active=True).order_by("code")
        for n in range(PLAN_LINES):
            self.fields[f"item_{n}"] = forms.ModelChoiceField(label=_("material"), queryset=items, required=False)
            self.fields[f"quantity_{n}"] = forms.IntegerField(label=_("quantity"), required=False)
            self.fields[f"purpose_{n}"] = forms.CharField(label=_("purpose"), max_length=200, required=False)
        self.order_fields(["unit", "period", "title", "note"])

    def line_rows(self):
        return [(self[f"item_{n}"], self[f"quantity_{n}"], self[f"purpose_{n}"]) for n in range(PLAN_LINES)]

    def main_fields(self):
        return [self[name] for name in ("unit", "period", "title", "note") if name in self.fields]

    def lines(self):
        data = self.cleaned_data
        return [
            {"item": data[f"item_{n}"], "quantity": data[f"quantity_{n}"], "purpose": data[f"purpose_{n}"]}
            for n in range(PLAN_LINES)
            if data.get(f"item_{n}") is not None or data.get(f"quantity_{n}") is not None
        ]
