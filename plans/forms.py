"""Forms of the plan and target pages. Every write goes through plans.services; these forms only
collect and shape input (the services decide whether it is allowed and whether it adds up)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import DateFormField
from core.ui import StaffChoiceField, UnitChoiceField
from plans.choices import PLAN_SPLIT_METHODS, DistributionKind, Metric, SplitMethod
from regions.models import OrgUnit, StaffProfile

MONTHS = range(1, 13)


def month_field_name(month):
    return f"m{month:02d}"


class DistributionForm(forms.Form):
    """A seasonal distribution: a name, whose it is (a unit, or the whole company) and twelve monthly values.

    On edit the name and unit are fixed (the service keys a distribution by them)."""

    name = forms.CharField(label=_("name"), max_length=100)
    unit = UnitChoiceField(
        label=_("org unit"),
        queryset=OrgUnit.objects.none(),
        indent=False,
        required=False,
        empty_label=_("whole company"),
        help_text=_("A unit's distribution serves that unit and every unit below it."),
    )
    kind = forms.ChoiceField(label=_("kind"), choices=DistributionKind.choices, initial=DistributionKind.PERCENTAGES)

    def __init__(self, *args, units=None, company_allowed=False, fixed=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else OrgUnit.objects.none()
        self.fields["unit"].required = not company_allowed
        if not company_allowed:
            self.fields["unit"].empty_label = None
        for month in MONTHS:
            self.fields[month_field_name(month)] = forms.DecimalField(
                label=_("month %(month)s") % {"month": month},
                max_digits=18,
                decimal_places=2,
                min_value=0,
                initial=0,
                widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "class": "js-month-value", "inputmode": "decimal"}),
            )
        if fixed:
            for name in ("name", "unit"):
                self.fields[name].disabled = True

    def month_fields(self):
        return [self[month_field_name(month)] for month in MONTHS]

    def values(self):
        return [self.cleaned_data[month_field_name(month)] for month in MONTHS]


# ---------------------------------------------------------------------------------------------- plans


PERIOD_HELP = _("A year (2026), a quarter (2026-Q3) or a month (2026-07).")


class PlanCreateForm(forms.Form):
    """A new plan: its kind, the unit it is for (the writer's unit or one below), the period and a title.
    A salesperson is offered only the work plan of their own district (the service holds the same rule)."""

    kind = forms.ChoiceField(label=_("kind of plan"))
    unit = UnitChoiceField(label=_("org unit"), queryset=OrgUnit.objects.none(), indent=False)
    period = forms.CharField(label=_("period"), max_length=7, help_text=PERIOD_HELP)
    title = forms.CharField(label=_("title"), max_length=200)

    def __init__(self, *args, kinds=(), units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(kinds)
        self.fields["unit"].queryset = units if units is not None else OrgUnit.objects.none()
        self.fields["period"].widget.attrs.update({"placeholder": "2026", "autocomplete": "off", "list": "period-options"})


class PlanEditForm(forms.Form):
    """The draft's title, period and text."""

    title = forms.CharField(label=_("title"), max_length=200)
    period = forms.CharField(label=_("period"), max_length=7, help_text=PERIOD_HELP)
    body = forms.CharField(
        label=_("text"), required=False, widget=forms.Textarea(attrs={"rows": 8}), help_text=_("The plan in words.")
    )


class TargetLineForm(forms.Form):
    """One target line of a plan: metric, period, value, how it is split, and the split itself — one
    value per child (sub-unit, or for a district its sales staff: `child_<id>`) and per month
    (`month_<YYYY-MM>`). A row without a metric and a value is skipped."""

    metric = forms.ChoiceField(label=_("metric"), required=False)
    period = forms.CharField(label=_("period"), max_length=7, required=False)
    value = forms.DecimalField(label=_("target value"), required=False, max_digits=18, decimal_places=2, min_value=0)
    split_method = forms.ChoiceField(label=_("split method"), required=False)
    distribution = forms.TypedChoiceField(label=_("seasonal distribution"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, children=(), months=(), distributions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [("", "---------"), *Metric.choices]
        self.fields["split_method"].choices = [("", "---------"), *[(m, SplitMethod(m).label) for m in PLAN_SPLIT_METHODS]]
        self.fields["distribution"].choices = [("", _("equal months")), *[(d.pk, d.name) for d in distributions]]
        self.fields["value"].widget.attrs.update({"class": "js-line-value", "step": "0.01", "inputmode": "decimal"})
        self.fields["period"].widget.attrs.update({"class": "js-line-period", "autocomplete": "off"})
        self.children = list(children)
        self.months = list(months)
        for child in self.children:
            self.fields[f"child_{child.pk}"] = forms.DecimalField(
                label=getattr(child, "display_name", None) or child.name,
                required=False,
                max_digits=18,
                decimal_places=2,
                min_value=0,
                widget=forms.NumberInput(attrs={"class": "js-child", "step": "0.01", "min": "0", "inputmode": "decimal"}),
            )
        for month in self.months:
            self.fields[f"month_{month}"] = forms.DecimalField(
                label=str(month),
                required=False,
                max_digits=18,
                decimal_places=2,
                min_value=0,
                widget=forms.NumberInput(
                    attrs={"class": "js-month", "step": "0.01", "min": "0", "inputmode": "decimal", "data-month": str(month)}
                ),
            )

    def head_fields(self):
        return [self[name] for name in ("metric", "period", "value", "split_method", "distribution")]

    def child_fields(self):
        return [(child, self[f"child_{child.pk}"]) for child in self.children]

    def month_fields(self):
        return [(month, self[f"month_{month}"]) for month in self.months]

    def is_blank(self):
        data = getattr(self, "cleaned_data", None) or {}
        return not data.get("metric") and data.get("value") is None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data.get("metric") and data.get("value") is None:
            self.add_error("value", _("Enter the target value."))
        if data.get("value") is not None and not data.get("metric"):
            self.add_error("metric", _("Choose the metric."))
        return data

    def as_service_row(self, default_period):
        data = self.cleaned_data
        return {
            "metric": data["metric"],
            "period": (data.get("period") or "").strip() or str(default_period),
            "value": data["value"],
            "split_method": data.get("split_method") or "",
            "distribution": data.get("distribution"),
            "children": {
                str(child.pk): data[f"child_{child.pk}"] for child in self.children if data.get(f"child_{child.pk}") is not None
            },
            "months": {str(month): data[f"month_{month}"] for month in self.months if data.get(f"month_{month}") is not None},
        }


class BaseTargetLineFormSet(forms.BaseFormSet):
    def __init__(self, *args, children=(), months=(), distributions=(), **kwargs):
        self.line_kwargs = {"children": children, "months": months, "distributions": distributions}
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return dict(self.line_kwargs)


TargetLineFormSet = forms.formset_factory(TargetLineForm, formset=BaseTargetLineFormSet, extra=1)


class ActionLineForm(forms.Form):
    """One action of a plan: what, who does it (someone in the plan's unit or below), by when."""

    what = forms.CharField(label=_("action"), max_length=300, required=False)
    owner = StaffChoiceField(label=_("owner"), queryset=None, required=False, with_unit=False)
    due_on = DateFormField(label=_("due on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=_("notes"), max_length=2000, required=False)

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff if staff is not None else StaffProfile.objects.none()

    def is_blank(self):
        data = getattr(self, "cleaned_data", None) or {}
        return not data.get("what") and data.get("owner") is None and data.get("due_on") is None

    def clean(self):
        data = super().clean()
        if self.errors or self.is_blank():
            return data
        for name, message in (
            ("what", _("Say what is to be done.")),
            ("owner", _("Choose who does it.")),
            ("due_on", _("Enter the due date.")),
        ):
            if not data.get(name):
                self.add_error(name, message)
        return data

    def as_service_row(self):
        data = self.cleaned_data
        return {"what": data["what"], "owner": data["owner"], "due_on": data["due_on"], "notes": data.get("notes") or ""}


class BaseActionLineFormSet(forms.BaseFormSet):
    def __init__(self, *args, staff=None, **kwargs):
        self.staff = staff
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"staff": self.staff}


ActionLineFormSet = forms.formset_factory(ActionLineForm, formset=BaseActionLineFormSet, extra=2)


class BudgetLineForm(forms.Form):
    """One budget line of a plan: category, amount, note."""

    category = forms.CharField(label=_("category"), max_length=100, required=False)
    amount = forms.DecimalField(
        label=_("amount"),
        max_digits=18,
        decimal_places=2,
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs={"class": "js-budget-amount", "step": "0.01", "inputmode": "decimal"}),
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def is_blank(self):
        data = getattr(self, "cleaned_data", None) or {}
        return not data.get("category") and data.get("amount") is None

    def clean(self):
        data = super().clean()
        if self.errors or self.is_blank():
            return data
        if not data.get("category"):
            self.add_error("category", _("Name the category."))
        if data.get("amount") is None:
            self.add_error("amount", _("Enter the amount."))
        return data

    def as_service_row(self):
        data = self.cleaned_data
        return {"category": data["category"], "amount": data["amount"], "note": data.get("note") or ""}


BudgetLineFormSet = forms.formset_factory(BudgetLineForm, extra=2)
