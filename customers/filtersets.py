"""One FilterSet per list of customers, products, invoices, payments and collection plans, shared by
the pages and the API. Filters only narrow: every list is already cut by the caller's scope."""

import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import DateFilter
from core.errors import InvalidInput
from core.filters import IdFilter, SubtreeCodeFilter, SubtreeFilter
from customers.choices import CollectionPlanStatus, CustomerKind, CustomerStatus, InvoiceStatus, PaymentMethod, PaymentStatus
from customers.models import CollectionPlan, Customer, Invoice, Payment, Product


def _unit_filter():
    """`unit=<id>`: rows of that unit's district offices (the unit and every unit below it)."""
    return SubtreeFilter(path="district__path", label=_("org unit (with sub-units)"))


def _unit_code_filter():
    """`unit_code=<code>` (the code a branch system knows, e.g. 330100): the same, by the unit's code."""
    return SubtreeCodeFilter(path="district__path", label=_("org unit code (with sub-units)"))


def _search_customers(queryset, value, prefix=""):
    """Name (contains), pinyin initials (start) or credit code (start) — how people look customers up."""
    value = value.strip()
    if not value:
        return queryset
    return queryset.filter(
        Q(**{f"{prefix}name__icontains": value})
        | Q(**{f"{prefix}name_initials__startswith": value.lower()})
        | Q(**{f"{prefix}credit_code__startswith": value.upper()})
    )


class CustomerFilterSet(django_filters.FilterSet):
    unit = _unit_filter()
    unit_code = _unit_code_filter()
    q = django_filters.CharFilter(method="search", label=_("search (name, pinyin initials, credit code)"))
    salesperson = IdFilter(field_name="salesperson_id", label=_("salesperson"))
    status = django_filters.ChoiceFilter(choices=CustomerStatus.choices, label=_("status"))
    kind = django_filters.ChoiceFilter(choices=CustomerKind.choices, label=_("customer type"))
    is_key = django_filters.BooleanFilter(label=_("key customer"))
    external_id = django_filters.CharFilter(lookup_expr="exact", label=_("external id"))
    credit_code = django_filters.CharFilter(lookup_expr="exact", label=_("unified social credit code"))

    class Meta:
        model = Customer
        fields = ["status", "kind", "is_key", "external_id", "credit_code"]

    def search(self, queryset, name, value):
        return _search_customers(queryset, value)


class ProductFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("search"))
    category = django_filters.CharFilter(lookup_expr="exact", label=_("category"))
    is_active = django_filters.BooleanFilter(label=_("active"))
    code = django_filters.CharFilter(lookup_expr="exact", label=_("code"))

    class Meta:
        model = Product
        fields = ["category", "is_active", "code"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value) | Q(code__startswith=value))


class LedgerFilterSet(django_filters.FilterSet):
    """What every list of invoices and payments is filtered by first: the unit, the customer, the salesperson."""

    unit = _unit_filter()
    unit_code = _unit_code_filter()
    customer = IdFilter(field_name="customer_id", label=_("customer"))
    customer_external_id = django_filters.CharFilter(field_name="customer__external_id", label=_("customer's external id"))
    salesperson = IdFilter(field_name="salesperson_id", label=_("salesperson"))

    def search(self, queryset, name, value):
        return _search_customers(queryset, value, prefix="customer__")


class InvoiceFilterSet(LedgerFilterSet):
    status = django_filters.ChoiceFilter(choices=InvoiceStatus.choices, label=_("status"))
    external_id = django_filters.CharFilter(lookup_expr="exact", label=_("external id"))
    issue_date_after = DateFilter(field_name="issue_date", lookup_expr="gte", label=_("issued on or after"))
    issue_date_before = DateFilter(field_name="issue_date", lookup_expr="lte", label=_("issued on or before"))
    due_date_after = DateFilter(field_name="due_date", lookup_expr="gte", label=_("due on or after"))
    due_date_before = DateFilter(field_name="due_date", lookup_expr="lte", label=_("due on or before"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue (open and past its due date)"))
    q = django_filters.CharFilter(method="search", label=_("search (customer name, pinyin initials, credit code)"))

    class Meta:
        model = Invoice
        fields = ["status", "external_id"]

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status=InvoiceStatus.OPEN, due_date__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class PaymentFilterSet(LedgerFilterSet):
    status = django_filters.ChoiceFilter(choices=PaymentStatus.choices, label=_("status"))
    method = django_filters.ChoiceFilter(choices=PaymentMethod.choices, label=_("method"))
    external_id = django_filters.CharFilter(lookup_expr="exact", label=_("external id"))
    received_on_after = DateFilter(field_name="received_on", lookup_expr="gte", label=_("received on or after"))
    received_on_before = DateFilter(field_name="received_on", lookup_expr="lte", label=_("received on or before"))
    q = django_filters.CharFilter(method="search", label=_("search (customer name, pinyin initials, credit code)"))

    class Meta:
        model = Payment
        fields = ["status", "method", "external_id"]


class CollectionPlanFilterSet(django_filters.FilterSet):
    unit = _unit_filter()
    unit_code = _unit_code_filter()
    customer = IdFilter(field_name="customer_id", label=_("customer"))
    invoice = IdFilter(field_name="invoice_id", label=_("invoice"))
    owner = IdFilter(field_name="owner_id", label=_("owner"))
    salesperson = IdFilter(field_name="owner_id", label=_("salesperson"))
    status = django_filters.ChoiceFilter(choices=CollectionPlanStatus.choices, label=_("status"))
    q = django_filters.CharFilter(method="search", label=_("search (customer name, pinyin initials, credit code)"))

    class Meta:
        model = CollectionPlan
        fields = ["status"]

    def search(self, queryset, name, value):
        return _search_customers(queryset, value, prefix="customer__")


class CharInFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    """`a,b,c`: any of these values (at most 1,000)."""

    def filter(self, qs, value):
        if value and len(value) > 1000:
            raise InvalidInput(_("At most 1,000 values."), field=self.field_name)
        return super().filter(qs, value)


class CreditBalanceFilterSet(django_filters.FilterSet):
    """The credit-balances list: customers' open receivable, credit and limit, for a branch to sync."""

    unit = _unit_filter()
    unit_code = _unit_code_filter()
    district_code = django_filters.CharFilter(field_name="district__code", max_length=20, label=_("district office code"))
    external_id = CharInFilter(field_name="external_id", lookup_expr="in", label=_("external ids (comma-separated)"))
    over_limit = django_filters.BooleanFilter(method="filter_over_limit", label=_("over the credit limit"))
    has_credit = django_filters.BooleanFilter(method="filter_has_credit", label=_("has credit to apply"))
    updated_since = django_filters.IsoDateTimeFilter(method="filter_updated_since", label=_("archive or balance changed since"))

    class Meta:
        model = Customer
        fields = []

    def filter_over_limit(self, queryset, name, value):
        over = Q(credit_limit__gt=0, open_balance__gt=F("credit_limit"))
        return queryset.filter(over) if value else queryset.exclude(over)

    def filter_updated_since(self, queryset, name, value):
        return queryset.filter(Q(updated_at__gte=value) | Q(balance_changed_at__gte=value))

    def filter_has_credit(self, queryset, name, value):
        # `credit` is annotated by the view (customers.selectors.with_credit).
        return queryset.filter(credit__gt=0) if value else queryset.filter(credit__lte=0)
