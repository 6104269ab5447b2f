from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budgets.choices import AllocationMethod, ExpenseCategory
from core.dates import DateFormField
from core.ui import UnitChoiceField
from regions.models import OrgUnit

MAX_AMOUNT = Decimal("9999999999999999.99")


def _amount_field(label, *, minimum=Decimal(0), required=True):
    return forms.DecimalField(
        label=label, max_digits=18, decimal_places=2, min_value=minimum, max_value=MAX_AMOUNT, required=required
    )


def _scoped_units(user):
    return OrgUnit.objects.for_user(user).filter(is_active=True).order_by("path")


class BudgetSetForm(forms.Form):
    """A budget of a unit in the user's scope for a category and period."""

    unit = UnitChoiceField(label=_("org unit"), queryset=OrgUnit.objects.none())
    period = forms.CharField(
        label=_("period"), max_length=7, help_text=_("A year (2026), a quarter (2026-Q3) or a month (2026-07).")
    )
    category = forms.ChoiceField(label=_("category"), choices=ExpenseCategory.choices)
    amount = _amount_field(_("budget amount"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _scoped_units(user)
        self.fields["period"].initial = str(timezone.localdate().year)


class BudgetAmountForm(forms.Form):
    """A new amount for an existing budget (a new version)."""

    amount = _amount_field(_("new budget amount"))


class AllocateForm(forms.Form):
    """Allocate a budget to its children: one field per child (a share, or an amount by hand)."""

    method = forms.ChoiceField(
        label=_("allocation method"),
        choices=[(m.value, m.label) for m in (AllocationMethod.SHARES, AllocationMethod.EQUAL, AllocationMethod.MANUAL)],
        widget=forms.RadioSelect,
        initial=AllocationMethod.SHARES,
    )

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.children = list(children)
        for key, label, _unit, _period in self.children:
            self.fields[f"c_{key}"] = forms.DecimalField(
                label=label, max_digits=18, decimal_places=2, min_value=Decimal(0), max_value=MAX_AMOUNT, required=False
            )

    def child_fields(self):
        return [self[f"c_{key}"] for key, *_rest in self.children]

    def clean(self):
        data = super().clean()
        method = data.get("method")
        if method in (AllocationMethod.SHARES, AllocationMethod.MANUAL):
            missing = [label for key, label, *_rest in self.children if data.get(f"c_{key}") is None]
            if missing:
                raise forms.ValidationError(
                    _("Give a value for every child; missing: %(names)s.") % {"names": ", ".join(missing)}
                )
        return data

    def given(self):
        return {key: self.cleaned_data[f"c_{key}"] for key, *_rest in self.children}


class BudgetVsActualForm(forms.Form):
    unit = UnitChoiceField(label=_("org unit"), queryset=OrgUnit.objects.none())
    period = forms.CharField(
        label=_("period"), max_length=7, help_text=_("A year (2026), a quarter (2026-Q3) or a month (2026-07).")
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _scoped_units(user)


class ExpenseForm(forms.Form):
    """An expense of a unit in the user's scope (by default their own)."""

    unit = UnitChoiceField(label=_("org unit"), queryset=OrgUnit.objects.none())
    category = forms.ChoiceField(label=_("category"), choices=ExpenseCategory.choices)
    spent_on = DateFormField(label=_("spent on"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = _amount_field(_("amount"), minimum=Decimal("0.01"))
    description = forms.CharField(
        label=_("description"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _scoped_units(user)
        staff = getattr(user, "staff_profile", None)
        if staff is not None:
            self.fields["unit"].initial = staff.unit_id
        self.fields["spent_on"].initial = timezone.localdate()


class ExpenseResubmitForm(forms.Form):
    amount = _amount_field(_("amount"), minimum=Decimal("0.01"))
    description = forms.CharField(
        label=_("description"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConfirmForm(forms.Form):
    """A button that needs no input (cancel)."""
