from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import audit_history
from core.jobs import HeartbeatJob
from core.money import ZERO, MoneyField
from core.scoping import ScopedQuerySet, ScopeSpec
from customers.choices import CollectionPlanStatus, CustomerKind, CustomerStatus, InvoiceStatus, PaymentMethod, PaymentStatus


class Product(models.Model):
    """A financial product the company sells (金融产品); its prices live in ProductPrice."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    category = models.CharField(_("category"), max_length=50, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = audit_history()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class ProductPrice(models.Model):
    """A list price of a product from a date on (the price list with effective dates)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="prices", verbose_name=_("product"))
    price = MoneyField(_("price"))
    effective_from = models.DateField(_("effective from"))

    class Meta:
        verbose_name = _("product price")
        verbose_name_plural = _("price list")
        ordering = ["product", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["product", "effective_from"], name="price_one_per_day"),
            models.CheckConstraint(condition=Q(price__gte=0), name="price_not_negative"),
        ]

    def __str__(self):
        return f"{self.product_id} {self.price} @ {self.effective_from}"


class Customer(models.Model):
    """A customer's archive (客户档案): who they are, which district office owns them, who serves them,
    their credit limit. Every change is kept in the history (the center's "dynamic update")."""

    external_id = models.CharField(_("external id"), max_length=64, unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=200)
    name_initials = models.CharField(_("pinyin initials"), max_length=200, blank=True, db_index=True, editable=False)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True, null=True, blank=True)
    kind = models.CharField(_("customer type"), max_length=20, choices=CustomerKind.choices, default=CustomerKind.ENTERPRISE)
    industry = models.CharField(_("industry"), max_length=50, blank=True)
    province = models.CharField(_("province"), max_length=30, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    district = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="customers", verbose_name=_("district office")
    )
    salesperson = models.ForeignKey(
        "regions.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
        verbose_name=_("salesperson"),
    )
    is_key = models.BooleanField(_("key customer"), default=False)
    credit_limit = MoneyField(_("credit limit"), default=ZERO)
    # The open receivable now (live invoices less live allocations), which the credit limit is checked
    # against. Kept by the ledger's postings (customers.services), under the customer's row lock, so a
    # credit check reads one row instead of summing the customer's invoices and allocations; equal to
    # customers.services.exposures() at every commit (tested).
    open_balance = MoneyField(_("open receivable"), default=ZERO, db_default=ZERO, editable=False)
    # When a posting last moved open_balance (or a payment's allocations), for branches that sync balances
    # (`updated_since` of the credit-balances list). Not indexed: an index would make the balance updates
    # non-HOT (docs/DECISIONS.md #6).
    balance_changed_at = models.DateTimeField(_("balance changed at"), null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=CustomerStatus.choices, default=CustomerStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The open balance moves with every invoice and payment, which have their own history.
    history = audit_history(excluded_fields=["open_balance", "balance_changed_at"])
    scope_spec = ScopeSpec(path="district__path", owner="salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["district", "salesperson"], name="customer_district_rep"),
            # The key customers of a subtree (visit coverage, relations.selectors.visits): ~3 % of the customers.
            models.Index(fields=["district"], condition=Q(is_key=True), name="customer_key_district"),
        ]
        constraints = [models.CheckConstraint(condition=Q(credit_limit__gte=0), name="customer_credit_limit_not_negative")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # A save of the archive never writes back an open balance read before a posting changed it:
        # only the postings write it, with UPDATE … SET open_balance = …
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in ("open_balance", "balance_changed_at")
            ]
        super().save(*args, **kwargs)


class DistrictOpenBalance(models.Model):
    """What the customers of a district office owe now (应收合计): the sum of their `open_balance`, kept by the
    database itself — on PostgreSQL a statement trigger on customers_customer adds each statement's change per
    district (migration 0015), whichever code wrote the balances or moved a customer — so that an exposure cap's
    check reads a province's dozen district rows instead of summing its customers (customers.services.limits).
    Never written by the application; a district with nothing owed may have no row."""

    district = models.OneToOneField(
        "regions.OrgUnit", primary_key=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("district office")
    )
    open_balance = MoneyField(_("open receivable"), default=ZERO)

    scope_spec = ScopeSpec(path="district__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("open receivable of a district")
        verbose_name_plural = _("open receivables of districts")

    def __str__(self):
        return f"{self.district_id}: {self.open_balance}"


class Contact(models.Model):
    """A person to talk to at a customer."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("customer"))
    name = models.CharField(_("full name"), max_length=50)
    title = models.CharField(_("position"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    history = audit_history()
    scope_spec = ScopeSpec(path="customer__district__path", owner="customer__salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["customer", "-is_primary", "name"]

    def __str__(self):
        return self.name


class Invoice(models.Model):
    """A sale: an order/invoice issued to a customer, due on a date. Never deleted: cancelled with a reason.

    `district` and `salesperson` are copied from the customer at issue, so scope and roll-ups need no
    join through the customer and a later change of owner does not rewrite history.
    """

    external_id = models.CharField(_("external id"), max_length=64, null=True, blank=True)
    number = models.CharField(_("invoice number"), max_length=40, blank=True)
    # No single-column indexes on the keys: the composite indexes below start with them and serve the
    # same look-ups; every index costs on each of the millions of inserts.
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("customer"), db_index=False
    )
    district = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("district office"), db_index=False
    )
    salesperson = models.ForeignKey(
        "regions.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("salesperson"),
        db_index=False,
    )
    # The sales channel (渠道) the sale came through, if any. Named by a string: customers sits below channels
    # and never imports it (docs/ARCHITECTURE.md); code that needs the model asks this field's related_model.
    # No plain index (every insert would pay for it): the partial index below holds only invoices with a channel.
    channel = models.ForeignKey(
        "sales_channels.Channel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("channel"),
        db_index=False,
    )
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"))
    amount = MoneyField(_("amount"))
    status = models.CharField(_("status"), max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=200, blank=True)
    over_credit_limit = models.BooleanField(_("over credit limit"), default=False)
    # What live allocations (not reversed) pay of it now, kept by every posting under the customer's lock
    # (customers.services.ledger.refresh_invoices): today's ageing reads `amount − allocated` of the open
    # invoices from one partial index instead of summing the allocation history (docs/DECISIONS.md 43).
    # A derived figure, like Customer.open_balance, so not in the history; new rows start at 0 (db_default:
    # COPY and set-wise loads too).
    allocated = MoneyField(_("allocated"), default=ZERO, db_default=ZERO, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    # The history is read per invoice (by id); indexes on its other keys would only slow every insert.
    history = audit_history(no_db_index=["customer", "district", "salesperson", "channel"], excluded_fields=["allocated"])
    scope_spec = ScopeSpec(path="district__path", owner="salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["district", "issue_date"], name="invoice_district_issued"),
            models.Index(fields=["customer", "due_date"], name="invoice_customer_due"),
            models.Index(fields=["salesperson", "issue_date"], name="invoice_rep_issued"),
            # Credit checks read only a customer's unpaid invoices: a small partial index serves them, and
            # with the amount in it the sum needs no visit to the table (an index-only scan).
            # Also today's open receivable of a page of customers (customers.selectors.with_open_today).
            models.Index(
                fields=["customer"],
                include=["amount", "allocated", "issue_date"],
                condition=Q(status="open"),
                name="invoice_open_by_customer",
            ),
            # Today's ageing: the open invoices of a set of districts by due date, answered from the index
            # alone (the columns it groups and sums are included). Small: only open invoices are in it.
            models.Index(
                fields=["district", "due_date"],
                include=["amount", "allocated", "salesperson", "customer", "issue_date"],
                condition=Q(status="open"),
                name="invoice_open_ageing",
            ),
            # Cancellations dated after a day: the few invoices today's ageing must take from the facts.
            models.Index(fields=["cancelled_on"], condition=Q(status="cancelled"), name="invoice_cancelled_on"),
            # Sales through a channel (the per-channel summaries, a channel's page): only invoices that name one.
            models.Index(fields=["channel", "issue_date"], condition=Q(channel__isnull=False), name="invoice_channel_issued"),
        ]
        constraints = [
            # A constraint rather than unique=True: PostgreSQL then has no extra LIKE index on the column.
            models.UniqueConstraint(fields=["external_id"], name="invoice_external_id_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_amount_positive"),
            models.CheckConstraint(condition=Q(due_date__gte=F("issue_date")), name="invoice_due_after_issue"),
            models.CheckConstraint(
                condition=Q(status="cancelled", cancelled_on__isnull=False)
                | (~Q(status="cancelled") & Q(cancelled_on__isnull=True)),
                name="invoice_cancelled_has_date",
            ),
        ]

    def __str__(self):
        return self.number or self.external_id or f"#{self.pk}"


class InvoiceLine(models.Model):
    """A product line of an invoice; the lines sum to the invoice amount when an invoice has lines."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("invoice"))
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product"))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=2)
    unit_price = MoneyField(_("unit price"))
    amount = MoneyField(_("amount"))

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0) & Q(amount__gte=0), name="invoice_line_positive")]

    def __str__(self):
        return f"{self.invoice_id}: {self.product_id} × {self.quantity}"


class Payment(models.Model):
    """Money received from a customer (回款). Allocated to invoices; what is not allocated is the
    customer's credit. Never deleted: reversed with a reason, which releases its allocations."""

    external_id = models.CharField(_("external id"), max_length=64, unique=True, null=True, blank=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="payments", verbose_name=_("customer"))
    district = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("district office"))
    salesperson = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("salesperson")
    )
    received_on = models.DateField(_("received on"))
    amount = MoneyField(_("amount"))
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.BANK_TRANSFER)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.POSTED)
    reversed_on = models.DateField(_("reversed on"), null=True, blank=True)
    reverse_reason = models.CharField(_("reversal reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    history = audit_history()
    scope_spec = ScopeSpec(path="district__path", owner="salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["district", "received_on"], name="payment_district_received"),
            models.Index(fields=["customer", "received_on"], name="payment_customer_received"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="reversed", reversed_on__isnull=False) | (~Q(status="reversed") & Q(reversed_on__isnull=True)),
                name="payment_reversed_has_date",
            ),
        ]

    def __str__(self):
        return self.external_id or self.reference or f"#{self.pk}"


class AllocationOrigin(models.TextChoices):
    # Made with the payment (as the branch said, or oldest due first): what a re-push is compared with.
    PAYMENT = "payment", _("with the payment")
    # The customer's credit applied later (by a person, a branch system or the auto-apply policy).
    CREDIT = "credit", _("credit applied")
    # Not money: an approved write-off (核销, risk.WriteOff) closing an open amount from a day. It settles the
    # invoice like an allocation — so balances, ageing as of any date and the summaries' open figures need no
    # second rule — but it is no collection: every figure of money collected excludes it (COLLECTED).
    WRITE_OFF = "write_off", _("written off")


# The allocations that are money collected (回款): all but write-offs. Every collections figure filters with it;
# receivables (open amounts, ageing) count every allocation.
COLLECTED = ~Q(origin=AllocationOrigin.WRITE_OFF)


class Allocation(models.Model):
    """A part of a payment applied to an invoice, from a date. A payment's reversal ends its
    allocations on the reversal date, so receivables "as of" any date stay reproducible; so does a
    re-allocation (the old allocations end with a reason, the new ones start on the same date).

    A write-off (origin "write_off") is an allocation without a payment: it closes the open amount from the day
    the write-off was approved, and its reversal ends it the same way (nothing is deleted, so the ageing as of an
    earlier day still shows the debt)."""

    payment = models.ForeignKey(
        Payment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name=_("payment"),
        db_index=False,
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("invoice"), db_index=False
    )
    amount = MoneyField(_("amount"))
    allocated_on = models.DateField(_("allocated on"))
    reversed_on = models.DateField(_("reversed on"), null=True, blank=True)
    # db_default: rows written by COPY and set-based loads (seed_scale) get it from the database.
    origin = models.CharField(
        _("origin"), max_length=10, choices=AllocationOrigin.choices, default=AllocationOrigin.PAYMENT, db_default="payment"
    )
    reverse_reason = models.CharField(_("reversal reason"), max_length=200, blank=True, default="", db_default="")

    scope_spec = ScopeSpec(path="invoice__district__path", owner="invoice__salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        indexes = [
            models.Index(fields=["invoice", "allocated_on"], name="allocation_invoice_date"),
            models.Index(fields=["payment"], name="allocation_payment"),
            # Reversals dated after a day (customers.selectors.changed_after); reversed allocations are few.
            # Allocations *made* after a day are found by a BRIN index on allocated_on (PostgreSQL only,
            # migration 0012): rows arrive in date order, so it is a few pages however long the history.
            models.Index(fields=["reversed_on"], condition=Q(reversed_on__isnull=False), name="allocation_reversed_on"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
            # Money has a payment; a write-off has none.
            models.CheckConstraint(
                condition=Q(origin="write_off", payment__isnull=True) | (~Q(origin="write_off") & Q(payment__isnull=False)),
                name="allocation_payment_unless_write_off",
            ),
        ]

    def __str__(self):
        return f"{self.payment_id or _('write-off')} → {self.invoice_id}: {self.amount}"


class CollectionPlan(models.Model):
    """A receivable-collection plan (账款回收计划) for a customer or one invoice: who chases it,
    how much is expected when, and the follow-up notes."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="collection_plans", verbose_name=_("customer"))
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="collection_plans", verbose_name=_("invoice")
    )
    district = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("district office"))
    owner = models.ForeignKey(
        "regions.StaffProfile", on_delete=models.PROTECT, related_name="collection_plans", verbose_name=_("owner")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CollectionPlanStatus.choices, default=CollectionPlanStatus.ACTIVE
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    history = audit_history()
    scope_spec = ScopeSpec(path="district__path", owner="owner")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("collection plan")
        verbose_name_plural = _("collection plans")
        ordering = ["-id"]

    def __str__(self):
        return f"#{self.pk} {self.customer_id}"


class CollectionPlanLine(models.Model):
    """One planned collection: an amount expected by a date."""

    plan = models.ForeignKey(CollectionPlan, on_delete=models.CASCADE, related_name="lines", verbose_name=_("collection plan"))
    due_on = models.DateField(_("planned date"))
    amount = MoneyField(_("planned amount"))

    class Meta:
        verbose_name = _("planned collection")
        verbose_name_plural = _("planned collections")
        ordering = ["plan", "due_on"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="collection_line_positive")]

    def __str__(self):
        return f"{self.due_on} {self.amount}"


class FollowUp(models.Model):
    """A follow-up note on a collection plan (called, visited, promised to pay…)."""

    plan = models.ForeignKey(
        CollectionPlan, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("collection plan")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    note = models.TextField(_("note"))

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["plan", "-at"]

    def __str__(self):
        return self.note[:40]


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", _("customers")
    INVOICES = "invoices", _("invoices")
    PAYMENTS = "payments", _("payments")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("uploaded")
    VALIDATED = "validated", _("validated")
    FAILED = "failed", _("failed")
    COMMITTED = "committed", _("committed")


def _import_upload_to(instance, filename):
    # The original name is kept for the page; the stored name is made unique by the storage.
    return f"imports/{timezone.now():%Y/%m}/{filename}"


class ImportJob(HeartbeatJob):
    """A spreadsheet (.xlsx or .csv) of customers, invoices or payments uploaded in the browser by a
    branch without its own system: checked row by row, previewed, and written only when every row is
    valid, all in one transaction. Large files are checked and written by a background task, which holds
    the job by its heartbeat (core/jobs.py): a job whose worker died is failed by the reaper."""

    kind = models.CharField(_("kind of data"), max_length=20, choices=ImportKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    file = models.FileField(_("file"), upload_to=_import_upload_to, max_length=255)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("org unit"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    # [{"row": 3, "column": "金额", "message": "..."}]; row 0 = the file as a whole.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors found"), default=0)
    # The first rows as read, for the preview page: {"columns": [...], "rows": [[...], ...]}.
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    # What the commit did, e.g. {"created": 10, "updated": 2, "unchanged": 1}.
    result = models.JSONField(_("result"), default=dict, blank=True)
    commit_requested_at = models.DateTimeField(_("commit requested at"), null=True, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    scope_spec = ScopeSpec(path="unit__path", owner="created_by__staff_profile")
    objects = ScopedQuerySet.as_manager()

    # Checked (uploaded) or written (validated) while a worker holds the job.
    job_state_field = "status"
    job_held_states = (ImportStatus.UPLOADED, ImportStatus.VALIDATED)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-id"]
        indexes = [models.Index(fields=["unit", "created_at"], name="importjob_unit_created")]
        constraints = [
            models.CheckConstraint(condition=Q(processed_rows__lte=F("total_rows")), name="importjob_progress_bounded")
        ]

    def __str__(self):
        return self.filename or f"#{self.pk}"

    @property
    def progress_percent(self):
        if not self.total_rows:
            return 100 if self.status != ImportStatus.UPLOADED else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @classmethod
    def job_failure(cls, message):
        # Nothing was written (the commit is one transaction): the file is refused as a whole, row 0.
        return {
            "status": ImportStatus.FAILED,
            "errors": [{"row": 0, "column": "", "message": str(message)}],
            "error_count": 1,
            "finished_at": timezone.now(),
            "commit_requested_at": None,
        }

    @property
    def is_running(self):
        """True while a background task still works on the job (the page keeps polling)."""
        return self.status == ImportStatus.UPLOADED or (
            self.status == ImportStatus.VALIDATED and self.commit_requested_at is not None
        )
