"""Summary tables of the dashboard: receivables by ageing bucket as of a date, so that no dashboard request
scans the raw invoices and allocations."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField
from core.scoping import ScopedQuerySet, ScopeSpec
from dashboard.choices import bucket_choices


class ReceivableSnapshot(models.Model):
    """Open receivables (应收账款) on one date for one district office × salesperson × ageing bucket.

    A derived row, never edited by hand: `dashboard.services.receivables_snapshot_rebuild` replaces a
    whole date at once from customers' invoices and allocations with the definitions of
    `customers.selectors` (an invoice counts if issued on or before the date and not cancelled by then;
    open = amount − allocations made by then and not reversed by then). `district` and `salesperson`
    are the invoice's (copied from the customer at issue). `invoice_count` counts the invoices with a
    non-zero open amount.

    Kept: the latest date, and month-end dates (the trend of the overdue share).
    """

    as_of = models.DateField(_("as of"))
    district = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.CASCADE, related_name="+", verbose_name=_("district office"), db_index=False
    )
    salesperson = models.ForeignKey(
        "regions.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("salesperson"),
        db_index=False,
    )
    bucket = models.CharField(_("ageing bucket"), max_length=10, choices=bucket_choices)
    open_amount = MoneyField(_("open amount"), default=Decimal("0.00"))
    invoice_count = models.PositiveIntegerField(_("open invoices"), default=0)

    scope_spec = ScopeSpec(path="district__path", owner="salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("receivables snapshot")
        verbose_name_plural = _("receivables snapshots")
        ordering = ["as_of", "district", "salesperson", "bucket"]
        indexes = [
            # Dashboards read one date (or the month ends) for a subtree or a salesperson.
            models.Index(fields=["as_of", "district"], name="recsnap_asof_district"),
            # A salesperson's trend over 25 dates reads only the index (INCLUDE is ignored by SQLite).
            models.Index(fields=["salesperson", "as_of"], name="recsnap_rep_asof", include=["bucket", "open_amount"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "district", "salesperson", "bucket"],
                condition=Q(salesperson__isnull=False),
                name="recsnap_unique_rep",
            ),
            models.UniqueConstraint(
                fields=["as_of", "district", "bucket"],
                condition=Q(salesperson__isnull=True),
                name="recsnap_unique_district",
            ),
        ]

    def __str__(self):
        return f"{self.as_of} {self.district_id}/{self.salesperson_id} {self.bucket}"


class CreditSnapshot(models.Model):
    """Customers over their credit limit on one date, per district office × salesperson (the customer's
    own owner): open receivable (as in ReceivableSnapshot) above a non-zero credit limit — the rule of
    customers.services' credit check. Rebuilt together with ReceivableSnapshot, for the same dates."""

    as_of = models.DateField(_("as of"))
    district = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.CASCADE, related_name="+", verbose_name=_("district office"), db_index=False
    )
    salesperson = models.ForeignKey(
        "regions.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("salesperson"),
        db_index=False,
    )
    customers_over_limit = models.PositiveIntegerField(_("customers over credit limit"), default=0)
    amount_over_limit = MoneyField(_("amount over credit limit"), default=Decimal("0.00"))

    scope_spec = ScopeSpec(path="district__path", owner="salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit limit snapshot")
        verbose_name_plural = _("credit limit snapshots")
        ordering = ["as_of", "district", "salesperson"]
        indexes = [
            models.Index(fields=["as_of", "district"], name="creditsnap_asof_district"),
            models.Index(fields=["salesperson", "as_of"], name="creditsnap_rep_asof"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "district", "salesperson"], condition=Q(salesperson__isnull=False), name="creditsnap_unique_rep"
            ),
            models.UniqueConstraint(
                fields=["as_of", "district"], condition=Q(salesperson__isnull=True), name="creditsnap_unique_district"
            ),
        ]

    def __str__(self):
        return f"{self.as_of} {self.district_id}/{self.salesperson_id} {self.customers_over_limit}"


class DistrictReceivableSnapshot(models.Model):
    """ReceivableSnapshot rolled up to the district office (salespeople together): as_of × district ×
    ageing bucket. Written by the same rebuild from the same open invoices, so the two always agree; it
    keeps the managers' reads (a region's or the company's receivables, the overdue trend over 25 dates)
    to a few thousand rows instead of one row per salesperson."""

    as_of = models.DateField(_("as of"))
    district = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.CASCADE, related_name="+", verbose_name=_("district office"), db_index=False
    )
    bucket = models.CharField(_("ageing bucket"), max_length=10, choices=bucket_choices)
    open_amount = MoneyField(_("open amount"), default=Decimal("0.00"))
    invoice_count = models.PositiveIntegerField(_("open invoices"), default=0)

    scope_spec = ScopeSpec(path="district__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("district receivables snapshot")
        verbose_name_plural = _("district receivables snapshots")
        ordering = ["as_of", "district", "bucket"]
        indexes = [
            models.Index(
                fields=["district", "as_of"], name="drecsnap_district_asof", include=["bucket", "open_amount", "invoice_count"]
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["as_of", "district", "bucket"], name="drecsnap_unique"),
        ]

    def __str__(self):
        return f"{self.as_of} {self.district_id} {self.bucket}"
