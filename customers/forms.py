from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import Role, role_of
from customers.choices import CustomerKind, CustomerStatus
from customers.imports import MAX_FILE_BYTES
from customers.models import ImportKind
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.employee_no}) · {obj.unit.name}"


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
    is_key = forms.BooleanField(label=_("key customer"), required=False)
    credit_limit = forms.DecimalField(label=_("credit limit"), max_digits=18, decimal_places=2, min_value=0, initial=0)
    status = forms.ChoiceField(label=_("status"), choices=CustomerStatus.choices, initial=CustomerStatus.ACTIVE)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = OrgUnit.objects.for_user(user).filter(kind=UnitKind.DISTRICT, is_active=True)
        self.fields["salesperson"].queryset = (
            StaffProfile.objects.for_user(user).filter(role=Role.SALES_REP, is_active=True).select_related("unit")
        )
        if role_of(user) == Role.SALES_REP:
            # A salesperson sees only their own customers: one they open is theirs.
            self.fields["salesperson"].required = True
            self.fields["salesperson"].initial = user.staff_profile.pk

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
    on = forms.DateField(label=_("cancelled on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


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
    as_of = forms.DateField(label=_("as of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    by = forms.ChoiceField(label=_("group by"), choices=BY_CHOICES, required=False)
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    salesperson = forms.IntegerField(required=False, widget=forms.HiddenInput)
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_as_of(self):
        return self.cleaned_data["as_of"] or timezone.localdate()

    def clean_by(self):
        return self.cleaned_data["by"] or "child"


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
