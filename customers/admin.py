"""Admin for the sales ledger's master data. Invoices and payments are facts posted by services (pages,
API, import): the admin shows them read-mostly, so a receivable can never be edited out of balance."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from customers.models import (
    Allocation,
    CollectionPlan,
    CollectionPlanLine,
    Contact,
    Customer,
    FollowUp,
    ImportJob,
    Invoice,
    InvoiceLine,
    Payment,
    Product,
    ProductPrice,
)
from customers.validators import pinyin_initials


class ProductPriceInline(admin.TabularInline):
    model = ProductPrice
    extra = 0


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "category", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["code", "name", "name_en"]
    inlines = [ProductPriceInline]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "external_id", "credit_code", "kind", "district", "salesperson", "is_key", "credit_limit", "status"]
    list_filter = ["kind", "status", "is_key"]
    search_fields = ["name", "name_initials", "credit_code", "external_id"]
    list_select_related = ["district", "salesperson"]
    raw_id_fields = ["district", "salesperson"]
    readonly_fields = ["name_initials", "created_at", "updated_at"]
    inlines = [ContactInline]

    def save_model(self, request, obj, form, change):
        # Keep the search initials in step with the name, as the services do.

        obj.name_initials = pinyin_initials(obj.name)
        super().save_model(request, obj, form, change)


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    readonly_fields = ["product", "quantity", "unit_price", "amount"]

    def has_add_permission(self, request, obj=None):
        return False


class AllocationInline(admin.TabularInline):
    model = Allocation
    extra = 0
    can_delete = False
    readonly_fields = ["payment", "invoice", "amount", "allocated_on", "reversed_on"]

    def has_add_permission(self, request, obj=None):
        return False


class ReadMostlyAdmin(SimpleHistoryAdmin):
    """Posted facts: visible, searchable, never added or deleted here (services post and cancel them)."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(Invoice)
class InvoiceAdmin(ReadMostlyAdmin):
    list_display = ["__str__", "external_id", "customer", "district", "salesperson", "issue_date", "due_date", "amount", "status"]
    list_filter = ["status", "over_credit_limit"]
    search_fields = ["number", "external_id", "customer__name"]
    list_select_related = ["customer", "district", "salesperson"]
    date_hierarchy = "issue_date"
    inlines = [InvoiceLineInline, AllocationInline]


@admin.register(Payment)
class PaymentAdmin(ReadMostlyAdmin):
    list_display = ["pk", "external_id", "customer", "district", "received_on", "amount", "method", "status"]
    list_filter = ["status", "method"]
    search_fields = ["external_id", "reference", "customer__name"]
    list_select_related = ["customer", "district"]
    date_hierarchy = "received_on"
    inlines = [AllocationInline]


class CollectionPlanLineInline(admin.TabularInline):
    model = CollectionPlanLine
    extra = 0


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    extra = 0
    raw_id_fields = ["by"]


@admin.register(CollectionPlan)
class CollectionPlanAdmin(SimpleHistoryAdmin):
    list_display = ["pk", "customer", "invoice", "district", "owner", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["customer__name", "note"]
    list_select_related = ["customer", "invoice", "district", "owner"]
    raw_id_fields = ["customer", "invoice", "district", "owner"]
    inlines = [CollectionPlanLineInline, FollowUpInline]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "status", "filename", "unit", "created_by", "total_rows", "error_count", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["unit", "created_by"]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in ImportJob._meta.fields]
