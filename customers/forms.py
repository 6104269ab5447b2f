from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import DateFormField
from core.errors import InvalidInput
from core.filters import IdField
from core.roles import Role
from core.ui import StaffChoiceField
from customers.choices import CustomerKind, CustomerStatus, InvoiceStatus, PaymentMethod
from customers.imports import MAX_FILE_BYTES
from customers.models import Customer, ImportKind, Invoice
from customers.rights import new_customer_salesperson
from customers.selectors import ageing_bucket_choices, buckets_from_days
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile


class InvoiceChoiceField(forms.ModelChoiceField):
    """An invoice named with its due date and amount (and open amount when the queryset carries it)."""

    def label_from_instance(self, obj):
        label = _("%(invoice)s · due %(due)s · %(amount)s") % {
            "invoice": obj,
            "due": obj.due_date.isoformat(),
            "amount": obj.amount,
        }
        open_amount = getattr(obj, "open_amount", None)
        if open_amount is not None:
            label = _("%(label)s · open %(open)s") % {"label": label, "open": open_amount}
        return label


class CustomerForm(forms.Form):
    """A customer's archive; districts and salespeople offered are those in the user's scope."""

    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("customer type"), choices=CustomerKind.choices, initial=CustomerKind.ENTERPRISE)
    credit_code = forms.CharField(
        label=_("unified social credit code"), max_length=18, required=False, help_text=_("18 characters, GB 32100-2015.")
    )
    external_id = forms.CharField(label=_("external id"), max_length=64, required=False)
    district = forms.ModelChoiceField(label=_("district office"), queryset=OrgUnit.objects.none())
    salesperson = StaffChoiceField(label=_("salesperson"), queryset=StaffProfile.objects.none(), required=False)
    industry = forms.CharField(label=_("industry"), max_length=50, required=False)
    province = forms.CharField(label=_("province"), max_length=30, required=False)
    city = forms.CharField(label=_("city"), max_length=30, required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    # No "key customer" box: a key customer is designated with a reason and who decided (relations, issue 18).
    credit_limit = forms.DecimalField(label=_("credit limit"), max_digits=18, decimal_places=2, min_value=0, initial=0)
    status = forms.ChoiceField(label=_("status"), choices=CustomerStatus.choices, initial=CustomerStatus.ACTIVE)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = OrgUnit.objects.for_user(user).filter(kind=UnitKind.DISTRICT, is_active=True)
        self.fields["salesperson"].queryset = (
            StaffProfile.objects.for_user(user).filter(role=Role.SALES_REP, is_active=True).select_related("unit")
        )
        own = new_customer_salesperson(user)
        if own is not None:
            # A salesperson's new customer is their own (customers.rights): the only choice, filled in.
            self.fields["salesperson"].required = True
            self.fields["salesperson"].initial = own.pk

    def clean_credit_code(self):
        return self.cleaned_data["credit_code"].strip().upper() or None

    def clean_external_id(self):
        return self.cleaned_data["external_id"].strip() or None


class ContactForm(forms.Form):
    """The first contact of a new customer (optional)."""

    contact_name = forms.CharField(label=_("contact's name"), max_length=50, required=False)
    contact_title = forms.CharField(label=_("contact's position"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("contact's phone"), max_length=20, required=False)
    contact_email = forms.EmailField(label=_("contact's e-mail"), required=False)

    def contacts(self):
        data = self.cleaned_data
        if not data.get("contact_name"):
            return []
        return [
            {
                "name": data["contact_name"],
                "title": data.get("contact_title", ""),
                "phone": data.get("contact_phone", ""),
                "email": data.get("contact_email", ""),
                "is_primary": True,
            }
        ]


class InvoiceCancelForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=200)
    on = DateFormField(
        kind="ledger_correction", label=_("cancelled on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class FollowUpForm(forms.Form):
    note = forms.CharField(label=_("note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class AgeingForm(forms.Form):
    """The parameters of the ageing page (unit, salesperson, customer are checked against the scope in the view)."""

    BY_CHOICES = [
        ("child", _("next level down")),
        ("region", _("region")),
        ("province", _("province")),
        ("district", _("district office")),
        ("salesperson", _("salesperson")),
        ("customer", _("customer")),
        ("invoice", _("invoice")),
    ]
    as_of = DateFormField(label=_("as of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    by = forms.ChoiceField(label=_("group by"), choices=BY_CHOICES, required=False)
    unit = IdField(required=False, widget=forms.HiddenInput)
    salesperson = IdField(required=False, widget=forms.HiddenInput)
    customer = IdField(required=False, widget=forms.HiddenInput)
    # A choice of bucket sets (customers.selectors.ageing_bucket_choices); the value is still the limits'
    # text, so a link or the API may ask for any other set (`?buckets=15,45`), shown as an extra choice.
    buckets = forms.CharField(label=_("ageing buckets"), required=False, max_length=100, widget=forms.Select)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = ageing_bucket_choices()
        asked = (self.data.get("buckets") or "").strip() if self.is_bound else ""
        if asked and asked not in {value for value, _label in choices}:
            choices.append((asked, asked))
        self.fields["buckets"].widget.choices = choices

    def clean_as_of(self):
        return self.cleaned_data["as_of"] or timezone.localdate()

    def clean_by(self):
        return self.cleaned_data["by"] or "child"

    def clean_buckets(self):
        text = self.cleaned_data["buckets"]
        if not text:
            return None
        try:
            return buckets_from_days(text)
        except InvalidInput as error:
            raise forms.ValidationError(str(error.message)) from None


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind of data"), choices=ImportKind.choices)
    file = forms.FileField(label=_("file (.xlsx or .csv)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)})
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


def iso_date_input():
    # <input type="date"> takes only ISO dates, whatever the active language's date format is.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PaymentReverseForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=200)
    on = DateFormField(
        kind="ledger_correction",
        label=_("reversed on"),
        required=False,
        help_text=_("Empty: today."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class CreditApplyForm(forms.Form):
    on = forms.DateField(
        label=_("applied on"),
        required=False,
        help_text=_("Empty: today. The credit goes to the open invoices, oldest due first."),
        widget=iso_date_input(),
    )


def _customer_field(form, user, customer):
    """The scoped customer choice. When the page was opened for one customer the field is hidden (a
    select of every customer in a national scope would be thousands of options) and the page names it."""
    field = form.fields["customer"]
    field.queryset = Customer.objects.for_user(user).order_by("name", "id")
    if customer is not None:
        field.initial = customer.pk
        field.widget = forms.HiddenInput()


class PaymentForm(forms.Form):
    """Money received from a customer; the allocations come from the formset beside it."""

    customer = forms.ModelChoiceField(label=_("customer"), queryset=Customer.objects.none())
    received_on = DateFormField(kind="payment_received", label=_("received on"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label=_("amount"), max_digits=18, decimal_places=2)
    method = forms.ChoiceField(label=_("method"), choices=PaymentMethod.choices, initial=PaymentMethod.BANK_TRANSFER)
    reference = forms.CharField(label=_("reference"), max_length=100, required=False)

    def __init__(self, *args, user=None, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        _customer_field(self, user, customer)
        self.fields["received_on"].initial = timezone.localdate()


class AllocationForm(forms.Form):
    """One explicit allocation: an open invoice of the customer and the part of the payment it gets."""

    invoice = InvoiceChoiceField(label=_("invoice"), queryset=Invoice.objects.none(), required=False)
    amount = forms.DecimalField(label=_("amount"), max_digits=18, decimal_places=2, required=False)

    def __init__(self, *args, invoices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if invoices is not None:
            self.fields["invoice"].queryset = invoices

    def clean(self):
        data = super().clean()
        if data.get("invoice") is not None and data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Enter the amount allocated to this invoice."))
        if data.get("amount") is not None and data.get("invoice") is None and "invoice" not in self.errors:
            self.add_error("invoice", _("Choose the invoice this amount pays."))
        return data


AllocationFormSet = forms.formset_factory(AllocationForm, extra=3)


class CollectionPlanForm(forms.Form):
    """A collection plan for a customer or one of its invoices; the planned lines come from the formset."""

    customer = forms.ModelChoiceField(label=_("customer"), queryset=Customer.objects.none())
    invoice = InvoiceChoiceField(
        label=_("invoice"),
        queryset=Invoice.objects.none(),
        required=False,
        empty_label=_("whole customer"),
    )
    owner = StaffChoiceField(label=_("owner"), queryset=StaffProfile.objects.none())
    note = forms.CharField(label=_("note"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        _customer_field(self, user, customer)
        staff = StaffProfile.objects.for_user(user).filter(is_active=True).select_related("unit")
        if customer is None:
            # The invoice and the owner depend on the customer: choose the customer first.
            self.fields["invoice"].widget = forms.HiddenInput()
            self.fields["owner"].queryset = staff.none()
            return
        self.fields["invoice"].queryset = (
            Invoice.objects.for_user(user)
            .filter(customer=customer)
            .exclude(status=InvoiceStatus.CANCELLED)
            .order_by("due_date", "id")
        )
        # The owner is the customer's salesperson or someone over its district office (the service's rule).
        district = customer.district
        units = [district.pk, *district.ancestors().values_list("pk", flat=True)]
        self.fields["owner"].queryset = staff.filter(Q(pk=customer.salesperson_id) | Q(unit_id__in=units))
        self.fields["owner"].initial = customer.salesperson_id or getattr(getattr(user, "staff_profile", None), "pk", None)
        self.customer = customer

    def clean(self):
        data = super().clean()
        customer, invoice = data.get("customer"), data.get("invoice")
        if customer is not None and invoice is not None and invoice.customer_id != customer.pk:
            self.add_error("invoice", _("The invoice is not an invoice of this customer."))
        return data


class CollectionPlanLineForm(forms.Form):
    """One planned collection; a row left empty is skipped."""

    due_on = DateFormField(label=_("planned date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(
        label=_("planned amount"), max_digits=18, decimal_places=2, min_value=Decimal("0.01"), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("due_on") is not None and data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Enter the planned amount."))
        if data.get("amount") is not None and data.get("due_on") is None and "due_on" not in self.errors:
            self.add_error("due_on", _("Enter the planned date."))
        return data


CollectionPlanLineFormSet = forms.formset_factory(CollectionPlanLineForm, extra=3)


class ProductForm(forms.Form):
    """A product of the catalogue (the Development Center's); on a new product, its first price too."""

    code = forms.CharField(label=_("code"), max_length=30)
    name = forms.CharField(label=_("name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=100, required=False)
    category = forms.CharField(label=_("category"), max_length=50, required=False)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)


class ProductPriceForm(forms.Form):
    # Bounded like a MoneyField (16 digits before the point, 2 after); never negative.
    price = forms.DecimalField(label=_("price"), max_digits=18, decimal_places=2, min_value=0)
    effective_from = forms.DateField(label=_("effective from"), widget=iso_date_input())


class NewProductForm(ProductForm):
    price = forms.DecimalField(label=_("price"), max_digits=18, decimal_places=2, min_value=0, required=False)
    effective_from = forms.DateField(label=_("effective from"), required=False, widget=iso_date_input())
