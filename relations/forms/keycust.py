"""Forms of the key-customer pages. They only shape the input; the services check the rules and refuse on the
field at fault (the same as on the API). Choices offered are those in the reader's scope."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import DateFormField
from core.ui import StaffChoiceField, mark_searchable
from customers.models import Customer, Product
from regions.models import StaffProfile
from relations.models.keycust import ObjectiveMetric, PlanObjective, ReviewRating
from relations.services.keycust import ASSESSMENT_MAX, NOTE_MAX, REASON_MAX, SUMMARY_MAX, TITLE_MAX, UNIT_LABEL_MAX

# An <input type="date"> takes only ISO days (the zh-hans rendering 2026/12/07 would show empty).
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CustomerChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_searchable(self.widget)
        self.widget.attrs["data-search-placeholder"] = _("Type to search: customer name")

    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.district.name}"


class DesignateForm(forms.Form):
    """Make a customer of the reader's scope (not yet key) a key customer."""

    customer = CustomerChoiceField(label=_("customer"), queryset=Customer.objects.none())
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=REASON_MAX)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        customers = Customer.objects.for_user(user).filter(is_key=False).exclude(status="closed")
        self.fields["customer"].queryset = customers.select_related("district").order_by("name", "pk")


class DecisionForm(forms.Form):
    """Undesignate (or designate again) the customer of the page: the reason."""

    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=REASON_MAX)


class PlanForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=TITLE_MAX)
    starts_on = DateFormField(label=_("term starts on"), widget=DATE)
    ends_on = DateFormField(label=_("term ends on"), widget=DATE)
    summary = forms.CharField(
        label=_("summary"), widget=forms.Textarea(attrs={"rows": 4}), max_length=SUMMARY_MAX, required=False
    )


class ObjectiveForm(forms.Form):
    title = forms.CharField(label=_("objective"), max_length=TITLE_MAX)
    metric = forms.ChoiceField(label=_("measured by"), choices=ObjectiveMetric.choices)
    target = forms.CharField(label=_("target figure"), max_length=30, help_text=_("Money in yuan; a count as a whole number."))
    product = forms.ModelChoiceField(label=_("product"), queryset=Product.objects.filter(is_active=True), required=False)
    unit_label = forms.CharField(label=_("unit of the figure"), max_length=UNIT_LABEL_MAX, required=False)
    starts_on = DateFormField(
        label=_("counted from"), widget=DATE, required=False, help_text=_("Empty: from the start of the plan's term.")
    )
    due_on = DateFormField(label=_("due on"), widget=DATE)


class ActionForm(forms.Form):
    title = forms.CharField(label=_("action"), max_length=TITLE_MAX)
    owner = StaffChoiceField(label=_("person responsible"), queryset=StaffProfile.objects.none())
    due_on = DateFormField(label=_("due on"), widget=DATE)
    objective = forms.ModelChoiceField(label=_("objective"), queryset=PlanObjective.objects.none(), required=False)
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 2}), max_length=SUMMARY_MAX, required=False
    )

    def __init__(self, *args, plan, user, **kwargs):
        super().__init__(*args, **kwargs)
        district = plan.customer.district
        # People of the customer's district office or above it, among those the reader sees.
        units = [district.pk, *(unit.pk for unit in district.ancestors())]
        people = StaffProfile.objects.for_user(user).filter(is_active=True, unit_id__in=units)
        self.fields["owner"].queryset = people.select_related("unit").order_by("unit__depth", "name")
        self.fields["objective"].queryset = plan.objectives.order_by("due_on", "id")


class ReviewForm(forms.Form):
    """The quarter, the rating and the assessment; one optional figure (manual objectives) and note per objective."""

    period = forms.CharField(label=_("quarter"), max_length=7, help_text=_("e.g. 2026-Q2"))
    rating = forms.ChoiceField(label=_("rating"), choices=ReviewRating.choices)
    assessment = forms.CharField(label=_("assessment"), widget=forms.Textarea(attrs={"rows": 4}), max_length=ASSESSMENT_MAX)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.objectives = list(plan.objectives.order_by("due_on", "id"))
        for objective in self.objectives:
            if not objective.from_ledger:
                self.fields[f"actual_{objective.pk}"] = forms.CharField(
                    label=_("%(objective)s: figure to date (%(unit)s)")
                    % {"objective": objective.title, "unit": objective.unit_label},
                    max_length=30,
                    required=False,
                )
            self.fields[f"note_{objective.pk}"] = forms.CharField(
                label=_("%(objective)s: note") % {"objective": objective.title}, max_length=NOTE_MAX, required=False
            )

    def values(self):
        data = self.cleaned_data
        stated = {o.pk: data.get(f"actual_{o.pk}") for o in self.objectives if not o.from_ledger}
        notes = {o.pk: data.get(f"note_{o.pk}", "") for o in self.objectives}
        return {
            "period": data["period"],
            "rating": data["rating"],
            "assessment": data["assessment"],
            "stated": stated,
            "notes": notes,
        }


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("reason for closing"), max_length=500)
