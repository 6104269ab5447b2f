"""Serializers of the branch-system API for customers, products, invoices, payments and collection plans.

Read serializers only read what the views prefetch (a list page costs a constant number of queries).
Write serializers are strict (`core.serializers.StrictSerializer`): unknown fields, NUL bytes, wrong
types and amounts with more than two decimals are a 400 naming the field. Every reference is resolved
through the caller's scope, so a reference outside it "does not exist" — never a write elsewhere.
The services check the business rules; these serializers only check the shape of the input.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ScopedPrimaryKeyRelatedField
from core.dates import DateInputField, due_date_error
from core.filters import MAX_ID
from core.serializers import FastReadMixin, MoneyInputField, StrictSerializer, enum_choice_field
from customers.choices import CollectionPlanStatus, CustomerKind, CustomerStatus, InvoiceStatus, PaymentMethod, PaymentStatus
from customers.models import (
    Allocation,
    AllocationOrigin,
    CollectionPlan,
    CollectionPlanLine,
    Contact,
    Customer,
    FollowUp,
    Invoice,
    InvoiceLine,
    Payment,
    Product,
    ProductPrice,
)
from customers.validators import validate_credit_code
from regions.models import OrgUnit, StaffProfile

POSITIVE = Decimal("0.01")
# The Channel model through the invoice's foreign key: customers does not import channels (docs/ARCHITECTURE.md).
CHANNEL = Invoice._meta.get_field("channel").related_model

# ----------------------------------------------------------------------------------------------- read


class ContactSerializer(FastReadMixin, serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "name", "title", "phone", "email", "is_primary"]
        read_only_fields = fields


class CustomerSerializer(FastReadMixin, serializers.ModelSerializer):
    district_code = serializers.CharField(source="district.code", read_only=True)
    district_name = serializers.CharField(source="district.name", read_only=True)
    salesperson_employee_no = serializers.CharField(source="salesperson.employee_no", read_only=True, default=None)
    salesperson_name = serializers.CharField(source="salesperson.name", read_only=True, default=None)
    kind = enum_choice_field(CustomerKind, read_only=True)
    status = enum_choice_field(CustomerStatus, read_only=True)
    contacts = ContactSerializer(many=True, read_only=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            "external_id",
            "name",
            "name_initials",
            "credit_code",
            "kind",
            "industry",
            "province",
            "city",
            "address",
            "district",
            "district_code",
            "district_name",
            "salesperson",
            "salesperson_employee_no",
            "salesperson_name",
            "is_key",
            "credit_limit",
            "status",
            "contacts",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CustomerBalanceSerializer(serializers.Serializer):
    """A customer's position on a date (`customers.selectors.customer_balance`)."""

    customer = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    as_of = serializers.DateField()
    invoiced = serializers.DecimalField(max_digits=18, decimal_places=2)
    allocated = serializers.DecimalField(max_digits=18, decimal_places=2)
    open = serializers.DecimalField(max_digits=18, decimal_places=2, help_text="Open receivable: invoiced − allocated.")
    credit = serializers.DecimalField(max_digits=18, decimal_places=2, help_text="Payments not allocated to any invoice.")
    credit_limit = serializers.DecimalField(max_digits=18, decimal_places=2)


class CreditBalanceSerializer(FastReadMixin, serializers.ModelSerializer):
    """One customer's receivable position now, for the credit-balances list."""

    district_code = serializers.CharField(source="district.code", read_only=True)
    open_balance = serializers.DecimalField(
        max_digits=18, decimal_places=2, read_only=True, help_text="Open receivable now: live invoices − live allocations."
    )
    credit = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        read_only=True,
        help_text="Available credit: posted payments not allocated to any invoice (over-payments).",
    )
    over_limit = serializers.SerializerMethodField(help_text="True when a credit limit is set and the open balance exceeds it.")

    class Meta:
        model = Customer
        fields = [
            "id",
            "external_id",
            "credit_code",
            "name",
            "district",
            "district_code",
            "open_balance",
            "credit",
            "credit_limit",
            "over_limit",
            "balance_changed_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_over_limit(self, customer) -> bool:
        return customer.credit_limit > 0 and customer.open_balance > customer.credit_limit


class ProductPriceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductPrice
        fields = ["price", "effective_from"]
        read_only_fields = fields


class ProductSerializer(serializers.ModelSerializer):
    current_price = serializers.SerializerMethodField(help_text="The list price effective today (null if none).")
    prices = ProductPriceSerializer(many=True, read_only=True)

    class Meta:
        model = Product
        fields = ["id", "code", "name", "name_en", "category", "is_active", "current_price", "prices"]
        read_only_fields = fields

    def get_current_price(self, product) -> Decimal | None:
        # Reads the prefetched price list (newest first), so a page of products is one extra query.
        today = timezone.localdate()
        for row in product.prices.all():
            if row.effective_from <= today:
                return serializers.DecimalField(max_digits=18, decimal_places=2).to_representation(row.price)
        return None


class InvoiceLineSerializer(FastReadMixin, serializers.ModelSerializer):
    product_code = serializers.CharField(source="product.code", read_only=True)

    class Meta:
        model = InvoiceLine
        fields = ["product", "product_code", "quantity", "unit_price", "amount"]
        read_only_fields = fields


class InvoiceSerializer(FastReadMixin, serializers.ModelSerializer):
    customer_external_id = serializers.CharField(source="customer.external_id", read_only=True)
    district_code = serializers.CharField(source="district.code", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    status = enum_choice_field(InvoiceStatus, read_only=True)
    lines = InvoiceLineSerializer(many=True, read_only=True)

    class Meta:
        model = Invoice
        fields = [
            "id",
            "external_id",
            "number",
            "customer",
            "customer_external_id",
            "customer_name",
            "district",
            "district_code",
            "salesperson",
            "channel",
            "issue_date",
            "due_date",
            "amount",
            "status",
            "cancelled_on",
            "cancel_reason",
            "over_credit_limit",
            "lines",
            "created_at",
        ]
        read_only_fields = fields


class InvoiceRecordedSerializer(InvoiceSerializer):
    """A new invoice with what the credit check found."""

    exposure = serializers.DecimalField(
        max_digits=18, decimal_places=2, read_only=True, help_text="The customer's open receivable including this invoice."
    )
    credit_limit = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)

    class Meta(InvoiceSerializer.Meta):
        fields = InvoiceSerializer.Meta.fields + ["exposure", "credit_limit"]
        read_only_fields = fields


class AllocationSerializer(FastReadMixin, serializers.ModelSerializer):
    invoice_external_id = serializers.CharField(source="invoice.external_id", read_only=True, allow_null=True)
    invoice_number = serializers.CharField(source="invoice.number", read_only=True)
    origin = enum_choice_field(AllocationOrigin, read_only=True)

    class Meta:
        model = Allocation
        fields = [
            "invoice",
            "invoice_external_id",
            "invoice_number",
            "amount",
            "allocated_on",
            "reversed_on",
            "origin",
            "reverse_reason",
        ]
        read_only_fields = fields


class PaymentSerializer(FastReadMixin, serializers.ModelSerializer):
    customer_external_id = serializers.CharField(source="customer.external_id", read_only=True)
    district_code = serializers.CharField(source="district.code", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    status = enum_choice_field(PaymentStatus, read_only=True)
    allocations = AllocationSerializer(many=True, read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "external_id",
            "customer",
            "customer_external_id",
            "customer_name",
            "district",
            "district_code",
            "salesperson",
            "received_on",
            "amount",
            "method",
            "reference",
            "status",
            "reversed_on",
            "reverse_reason",
            "allocations",
            "created_at",
        ]
        read_only_fields = fields


class PaymentRecordedSerializer(PaymentSerializer):
    """A payment as recorded: its allocations (as asked, or oldest due first) and what is left as credit."""

    unallocated = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        read_only=True,
        help_text="The part of the payment allocated to no invoice: the customer's credit from it.",
    )

    class Meta(PaymentSerializer.Meta):
        fields = PaymentSerializer.Meta.fields + ["unallocated"]
        read_only_fields = fields


class CreditAllocationSerializer(serializers.Serializer):
    payment = serializers.IntegerField(help_text="Our id of the payment the credit came from.")
    payment_external_id = serializers.CharField(allow_null=True)
    invoice = serializers.IntegerField(help_text="Our id of the invoice.")
    invoice_external_id = serializers.CharField(allow_null=True)
    invoice_number = serializers.CharField(allow_blank=True)
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)


class CreditAppliedSerializer(serializers.Serializer):
    """What POST /customers/{id}/apply-credit/ did: the allocations made and the customer's position after."""

    customer = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    on = serializers.DateField()
    applied = serializers.DecimalField(max_digits=18, decimal_places=2, help_text="The credit applied by this request.")
    allocations = CreditAllocationSerializer(many=True, help_text="The allocations made, oldest payment first.")
    credit = serializers.DecimalField(max_digits=18, decimal_places=2, help_text="The credit left to apply.")
    open_balance = serializers.DecimalField(max_digits=18, decimal_places=2, help_text="The customer's open receivable now.")


class CollectionPlanLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = CollectionPlanLine
        fields = ["due_on", "amount"]
        read_only_fields = fields


class FollowUpSerializer(serializers.ModelSerializer):
    by_name = serializers.CharField(source="by.name", read_only=True, default=None)

    class Meta:
        model = FollowUp
        fields = ["id", "at", "by", "by_name", "note"]
        read_only_fields = fields


class CollectionPlanSerializer(FastReadMixin, serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    district_code = serializers.CharField(source="district.code", read_only=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    lines = CollectionPlanLineSerializer(many=True, read_only=True)
    status = enum_choice_field(CollectionPlanStatus, read_only=True)
    follow_ups = FollowUpSerializer(many=True, read_only=True)

    class Meta:
        model = CollectionPlan
        fields = [
            "id",
            "customer",
            "customer_name",
            "invoice",
            "district",
            "district_code",
            "owner",
            "owner_name",
            "status",
            "note",
            "lines",
            "follow_ups",
            "created_at",
        ]
        read_only_fields = fields


# ---------------------------------------------------------------------------------------------- write


class CreditCodeField(serializers.CharField):
    """A unified social credit code, checked (length, characters, check character) and uppercased."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 18)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not value:
            return None
        try:
            return validate_credit_code(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None


def _one_of(attrs, by_id, by_code, *, required):
    """Resolve a reference given by id or by code: both given is ambiguous; neither may be missing."""
    if by_id in attrs and by_code in attrs:
        raise serializers.ValidationError({by_code: [_("Give either %(a)s or %(b)s, not both.") % {"a": by_id, "b": by_code}]})
    if by_code in attrs:
        attrs[by_id] = attrs.pop(by_code)
    elif by_id not in attrs and required:
        raise serializers.ValidationError({by_id: [_("This field is required (or give %(b)s).") % {"b": by_code}]})
    return attrs


class ScopedSlugRelatedField(serializers.SlugRelatedField):
    """A reference by code or external id that must lie inside the caller's scope (else: does not exist)."""

    def __init__(self, model=None, **kwargs):
        self.scoped_model = model
        kwargs.setdefault("queryset", model._default_manager.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.scoped_model._default_manager.for_user(request.user if request is not None else None)


class ContactInputSerializer(StrictSerializer):
    name = serializers.CharField(max_length=50, label=_("full name"))
    title = serializers.CharField(max_length=50, required=False, allow_blank=True, default="", label=_("position"))
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="", label=_("phone"))
    email = serializers.EmailField(required=False, allow_blank=True, default="", label=_("e-mail"))
    is_primary = serializers.BooleanField(required=False, default=False, label=_("primary contact"))


class CustomerWriteSerializer(StrictSerializer):
    """Create (all required fields) or, with partial=True, change a customer's archive."""

    external_id = serializers.CharField(max_length=64, required=False, allow_null=True, allow_blank=True, label=_("external id"))
    name = serializers.CharField(max_length=200, label=_("name"))
    district = ScopedPrimaryKeyRelatedField(model=OrgUnit, required=False, label=_("district office"))
    district_code = ScopedSlugRelatedField(model=OrgUnit, slug_field="code", required=False, label=_("district office code"))
    salesperson = ScopedPrimaryKeyRelatedField(model=StaffProfile, required=False, allow_null=True, label=_("salesperson"))
    salesperson_employee_no = ScopedSlugRelatedField(
        model=StaffProfile, slug_field="employee_no", required=False, allow_null=True, label=_("salesperson's employee number")
    )
    kind = enum_choice_field(CustomerKind, required=False, label=_("customer type"))
    credit_code = CreditCodeField(required=False, label=_("unified social credit code"))
    industry = serializers.CharField(max_length=50, required=False, allow_blank=True, label=_("industry"))
    province = serializers.CharField(max_length=30, required=False, allow_blank=True, label=_("province"))
    city = serializers.CharField(max_length=30, required=False, allow_blank=True, label=_("city"))
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, label=_("address"))
    is_key = serializers.BooleanField(required=False, label=_("key customer"))
    credit_limit = MoneyInputField(min_value=Decimal(0), required=False, label=_("credit limit"))
    status = enum_choice_field(CustomerStatus, required=False, label=_("status"))
    contacts = ContactInputSerializer(many=True, required=False, label=_("contacts"))

    def validate(self, attrs):
        attrs = _one_of(attrs, "district", "district_code", required=not self.partial)
        attrs = _one_of(attrs, "salesperson", "salesperson_employee_no", required=False)
        if attrs.get("external_id") == "":
            attrs["external_id"] = None
        return attrs


class InvoiceLineInputSerializer(StrictSerializer):
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all(), required=False, label=_("product"))
    product_code = serializers.SlugRelatedField(
        queryset=Product.objects.all(), slug_field="code", required=False, label=_("product code")
    )
    quantity = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=POSITIVE, label=_("quantity"))
    unit_price = MoneyInputField(min_value=Decimal(0), required=False, allow_null=True, label=_("unit price"))

    def validate(self, attrs):
        attrs = _one_of(attrs, "product", "product_code", required=True)
        if attrs.get("unit_price") is None:
            attrs.pop("unit_price", None)
        return attrs


class InvoiceWriteSerializer(StrictSerializer):
    external_id = serializers.CharField(max_length=64, required=False, allow_null=True, allow_blank=True, label=_("external id"))
    number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="", label=_("invoice number"))
    customer = ScopedPrimaryKeyRelatedField(model=Customer, required=False, label=_("customer"))
    customer_external_id = ScopedSlugRelatedField(
        model=Customer, slug_field="external_id", required=False, label=_("customer's external id")
    )
    salesperson = ScopedPrimaryKeyRelatedField(model=StaffProfile, required=False, allow_null=True, label=_("salesperson"))
    salesperson_employee_no = ScopedSlugRelatedField(
        model=StaffProfile, slug_field="employee_no", required=False, allow_null=True, label=_("salesperson's employee number")
    )
    # The channel the sale came through (optional), in the caller's scope; whether it is under contract is the service's rule.
    channel = ScopedPrimaryKeyRelatedField(model=CHANNEL, required=False, allow_null=True, label=_("channel"))
    channel_external_id = ScopedSlugRelatedField(
        model=CHANNEL, slug_field="external_id", required=False, allow_null=True, label=_("channel's external id")
    )
    issue_date = DateInputField(kind="invoice_issue", label=_("issue date"))
    due_date = DateInputField(label=_("due date"))
    amount = MoneyInputField(min_value=POSITIVE, required=False, label=_("amount"))
    lines = InvoiceLineInputSerializer(many=True, required=False, allow_empty=False, label=_("invoice lines"))

    def validate(self, attrs):
        attrs = _one_of(attrs, "customer", "customer_external_id", required=True)
        attrs = _one_of(attrs, "salesperson", "salesperson_employee_no", required=False)
        attrs = _one_of(attrs, "channel", "channel_external_id", required=False)
        if error := due_date_error(attrs["issue_date"], attrs["due_date"]):
            raise serializers.ValidationError({"due_date": [error]})
        if "amount" not in attrs and "lines" not in attrs:
            raise serializers.ValidationError({"amount": [_("Give an amount or product lines.")]})
        if attrs.get("external_id") == "":
            attrs["external_id"] = None
        return attrs


class ReasonSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=200, label=_("reason"))
    on = DateInputField(kind="ledger_correction", required=False, label=_("effective date"))


class AllocationInputSerializer(StrictSerializer):
    invoice = ScopedPrimaryKeyRelatedField(model=Invoice, required=False, label=_("invoice"))
    invoice_external_id = ScopedSlugRelatedField(
        model=Invoice, slug_field="external_id", required=False, label=_("invoice's external id")
    )
    amount = MoneyInputField(min_value=POSITIVE, label=_("amount"))

    def validate(self, attrs):
        return _one_of(attrs, "invoice", "invoice_external_id", required=True)


class PaymentWriteSerializer(StrictSerializer):
    external_id = serializers.CharField(max_length=64, required=False, allow_null=True, allow_blank=True, label=_("external id"))
    customer = ScopedPrimaryKeyRelatedField(model=Customer, required=False, label=_("customer"))
    customer_external_id = ScopedSlugRelatedField(
        model=Customer, slug_field="external_id", required=False, label=_("customer's external id")
    )
    received_on = DateInputField(kind="payment_received", label=_("received on"))
    amount = MoneyInputField(min_value=POSITIVE, label=_("amount"))
    method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False, default=PaymentMethod.BANK_TRANSFER)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="", label=_("reference"))
    allocations = AllocationInputSerializer(
        many=True,
        required=False,
        allow_null=True,
        default=None,
        label=_("allocations (oldest due first when left out)"),
        help_text="Left out or null: oldest due first (by due date, then issue date); what is left stays as the "
        "customer's credit. A list: exactly these allocations; `[]` keeps the whole payment as credit. "
        "The answer shows the allocations made and `unallocated`.",
    )

    def validate(self, attrs):
        attrs = _one_of(attrs, "customer", "customer_external_id", required=True)
        if attrs.get("external_id") == "":
            attrs["external_id"] = None
        return attrs


class PaymentUpdateSerializer(StrictSerializer):
    """PATCH of a payment: only what is given changes. Its date and amount are fixed while it is
    allocated (reverse it and record a new one); `allocations` as in PaymentWriteSerializer."""

    received_on = DateInputField(kind="payment_received", required=False, label=_("received on"))
    amount = MoneyInputField(min_value=POSITIVE, required=False, label=_("amount"))
    method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, label=_("reference"))
    allocations = AllocationInputSerializer(
        many=True,
        required=False,
        allow_null=True,
        label=_("allocations"),
        help_text="Left out or null: the allocations made stay. A list (`[]`: none, all credit): compared with the "
        "payment's allocations as a set of invoice → amount; if it differs, the old ones end today with a reason "
        "and these count from today.",
    )


class CreditApplyInputSerializer(StrictSerializer):
    """Apply a customer's credit: to the invoices given, or (allocations left out or null) oldest due first."""

    allocations = AllocationInputSerializer(
        many=True,
        required=False,
        allow_null=True,
        default=None,
        label=_("allocations"),
        help_text="Left out or null: the whole credit, oldest due first. A list: exactly these amounts to these invoices.",
    )
    on = DateInputField(
        kind="ledger_correction", required=False, label=_("effective date"), help_text="YYYY-MM-DD; defaults to today."
    )


class ProductPriceInputSerializer(StrictSerializer):
    price = MoneyInputField(min_value=Decimal(0), label=_("price"))
    effective_from = DateInputField(label=_("effective from"))


class ProductWriteSerializer(StrictSerializer):
    """Create (code and name required) or, with partial=True, change a product. Codes are unique."""

    code = serializers.CharField(max_length=30, label=_("code"))
    name = serializers.CharField(max_length=100, label=_("name"))
    name_en = serializers.CharField(max_length=100, required=False, allow_blank=True, label=_("English name"))
    category = serializers.CharField(max_length=50, required=False, allow_blank=True, label=_("category"))
    is_active = serializers.BooleanField(required=False, label=_("active"))
    price = MoneyInputField(
        min_value=Decimal(0), required=False, label=_("price"), help_text="On create only: the first list price."
    )
    effective_from = DateInputField(
        required=False, label=_("effective from"), help_text="On create only: the date the first price takes effect."
    )

    def validate(self, attrs):
        if self.partial and ({"price", "effective_from"} & set(attrs)):
            raise serializers.ValidationError(
                {"price": [_("Add prices with POST /api/v1/products/{id}/prices/; the price list keeps every price.")]}
            )
        return attrs


class PlanLineInputSerializer(StrictSerializer):
    due_on = DateInputField(label=_("planned date"))
    amount = MoneyInputField(min_value=POSITIVE, label=_("planned amount"))


class CollectionPlanWriteSerializer(StrictSerializer):
    customer = ScopedPrimaryKeyRelatedField(model=Customer, label=_("customer"))
    invoice = ScopedPrimaryKeyRelatedField(model=Invoice, required=False, allow_null=True, default=None, label=_("invoice"))
    owner = ScopedPrimaryKeyRelatedField(
        model=StaffProfile, required=False, label=_("owner"), help_text="Defaults to the caller (a person, not an API key)."
    )
    lines = PlanLineInputSerializer(many=True, allow_empty=False, label=_("planned collections"))
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="", label=_("note"))


class FollowUpInputSerializer(StrictSerializer):
    note = serializers.CharField(max_length=5000, label=_("note"))


class AsOfSerializer(serializers.Serializer):
    as_of = DateInputField(required=False, label=_("as of"))


# Query strings are not strict: proxies and browsers add parameters of their own.
class AgeingQuerySerializer(serializers.Serializer):
    """The query of the ageing report."""

    unit = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, label=_("org unit"), help_text="Defaults to the caller's own unit."
    )
    unit_code = serializers.CharField(
        required=False,
        max_length=20,
        label=_("org unit code"),
        help_text="The unit by its code (e.g. 330100), instead of `unit`.",
    )

    def validate(self, attrs):
        if attrs.get("unit") is not None and attrs.get("unit_code"):
            raise serializers.ValidationError(
                {"unit_code": [_("Give either %(a)s or %(b)s, not both.") % {"a": "unit", "b": "unit_code"}]}
            )
        return attrs

    as_of = DateInputField(required=False, label=_("as of"), help_text="YYYY-MM-DD; defaults to today.")
    by = serializers.ChoiceField(
        choices=[(key, key) for key in ("child", "region", "province", "district", "salesperson", "customer", "invoice")],
        required=False,
        default="child",
        label=_("rows by"),
    )
    buckets = serializers.CharField(
        required=False,
        label=_("ageing buckets"),
        help_text="Upper limits in days past due, e.g. 30,60,90; default from settings.",
    )
    format = serializers.ChoiceField(choices=[("json", "json"), ("xlsx", "xlsx")], required=False, default="json")
