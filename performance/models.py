"""Summary tables of the performance app: the sales facts rolled up by month, so that dashboards,
attainment pages and reports never scan the raw invoices, payments and customers."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField
from core.scoping import ScopedQuerySet, ScopeSpec


class MonthlyFact(models.Model):
    """The sales facts of one month (月度汇总) for one district office × salesperson × product.

    A derived row, never edited by hand: `performance.services.summaries_rebuild` deletes and re-inserts
    whole months from the raw facts (customers.Invoice, InvoiceLine, Allocation) with the very
    definitions of `plans.selectors.actual`:

    - `invoiced`: invoices issued in the month that are not cancelled (a cancelled invoice counts nowhere,
      whenever it was cancelled). An invoice with product lines is split by line amount over product rows;
      the product-null row holds invoices without lines (and any difference between an invoice and its lines),
      so the sum over all rows is the sales amount.
    - `invoice_count`, `collected` and `new_customers` live on product-null rows only (a payment or a new
      customer has no product): `invoice_count` counts the month's invoices that are not cancelled;
      `collected` the allocations made in the month that are not reversed, by the invoice's district and
      salesperson; `new_customers` the customers whose first invoice (not cancelled) was issued in the
      month, by that invoice's district and salesperson (`plans.selectors.first_invoices`).
    - `new_channels` (product-null rows too): the channels that first reached `contracted` in the month (their
      earliest ChannelTransition to that state, `channels.metrics.first_contracts`), by the channel's district
      office and responsible salesperson.

    `salesperson` is null for facts without one; `product` null as said above. Four partial unique
    constraints make (month, district, salesperson, product) unique with NULLs taken as values.
    """

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    district = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("district office"), db_index=False
    )
    salesperson = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("salesperson")
    )
    product = models.ForeignKey(
        "customers.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    invoiced = MoneyField(_("invoiced"), default=Decimal("0.00"))
    invoice_count = models.PositiveIntegerField(_("invoices"), default=0)
    collected = MoneyField(_("collected"), default=Decimal("0.00"))
    new_customers = models.PositiveIntegerField(_("new customers"), default=0)
    new_channels = models.PositiveIntegerField(_("new channels"), default=0, db_default=0)

    scope_spec = ScopeSpec(path="district__path", owner="salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly summary")
        verbose_name_plural = _("monthly summaries")
        ordering = ["month", "district", "salesperson", "product"]
        indexes = [
            models.Index(fields=["district", "month"], name="monthlyfact_district_month"),
            models.Index(fields=["month"], name="monthlyfact_month"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "district", "salesperson", "product"],
                condition=Q(salesperson__isnull=False, product__isnull=False),
                name="monthlyfact_unique_rep_product",
            ),
            models.UniqueConstraint(
                fields=["month", "district", "salesperson"],
                condition=Q(salesperson__isnull=False, product__isnull=True),
                name="monthlyfact_unique_rep",
            ),
            models.UniqueConstraint(
                fields=["month", "district", "product"],
                condition=Q(salesperson__isnull=True, product__isnull=False),
                name="monthlyfact_unique_product",
            ),
            models.UniqueConstraint(
                fields=["month", "district"],
                condition=Q(salesperson__isnull=True, product__isnull=True),
                name="monthlyfact_unique_district",
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.district_id}/{self.salesperson_id}/{self.product_id}"


class DistrictMonthFact(models.Model):
    """The sales facts of one month for one district office (地办月度汇总): MonthlyFact added up over its
    salespeople and products, written in the same transaction as the MonthlyFact rows of that month (so the
    two never disagree). Attainment of units and the dashboard read it: a company-wide year is a few
    thousand rows here instead of tens of thousands of salesperson × product rows.

    `open_at_end` is the district's open receivable (应收账款余额) at the month's last day, with the
    definitions of `customers.selectors` (an invoice counts if issued on or before that day and not
    cancelled by then; an allocation counts if made on or before it and not reversed by then; open =
    invoiced − allocated over the counting invoices) — equal to the ageing total at that day to the cent.
    It is what receivable turnover and DSO (performance.turnover) read, so that no page recomputes it
    from the invoices. A district with an open receivable but no sales or payments in a month still has
    its row (the other columns zero). Written by the same rebuild (performance.services.summaries_rebuild).
    """

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    district = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("district office"), db_index=False
    )
    invoiced = MoneyField(_("invoiced"), default=Decimal("0.00"))
    invoice_count = models.PositiveIntegerField(_("invoices"), default=0)
    collected = MoneyField(_("collected"), default=Decimal("0.00"))
    new_customers = models.PositiveIntegerField(_("new customers"), default=0)
    new_channels = models.PositiveIntegerField(_("new channels"), default=0, db_default=0)
    open_at_end = MoneyField(_("open receivable at month end"), default=Decimal("0.00"), db_default=Decimal("0.00"))

    scope_spec = ScopeSpec(path="district__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("district monthly summary")
        verbose_name_plural = _("district monthly summaries")
        ordering = ["month", "district"]
        indexes = [models.Index(fields=["month"], name="districtmonthfact_month")]
        constraints = [models.UniqueConstraint(fields=["district", "month"], name="districtmonthfact_unique")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.district_id}"


class ChannelMonthFact(models.Model):
    """The sales through one channel in one month, for one district office (渠道月度汇总): what the per-channel
    pages and API read instead of the invoices. Derived, written by the same rebuild as MonthlyFact
    (performance.services.summaries_rebuild), with the same definitions restricted to invoices that name the
    channel:

    - `invoiced` / `invoice_count`: invoices issued in the month through the channel, not cancelled;
    - `collected`: allocations made in the month to those invoices, not reversed, write-offs excluded
      (customers.models.COLLECTED) — money received, not debt given up;
    - `open_at_end`: the open receivable of the channel's invoices at the month's last day (the definitions of
      DistrictMonthFact.open_at_end), so a channel with debts but no sale in a month keeps its row.

    `district` is the invoice's district office (whose customer bought), so the scope rule is the facts' own; a
    salesperson sees the rows of the channels they are responsible for.
    """

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    channel = models.ForeignKey(
        "sales_channels.Channel", on_delete=models.PROTECT, related_name="+", verbose_name=_("channel"), db_index=False
    )
    district = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("district office"), db_index=False
    )
    invoiced = MoneyField(_("invoiced"), default=Decimal("0.00"))
    invoice_count = models.PositiveIntegerField(_("invoices"), default=0)
    collected = MoneyField(_("collected"), default=Decimal("0.00"))
    open_at_end = MoneyField(_("open receivable at month end"), default=Decimal("0.00"))

    scope_spec = ScopeSpec(path="district__path", owner="channel__salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("channel monthly summary")
        verbose_name_plural = _("channel monthly summaries")
        ordering = ["month", "channel", "district"]
        indexes = [
            models.Index(fields=["month", "district"], name="channelfact_month_district"),
            models.Index(fields=["channel", "month"], name="channelfact_channel_month"),
        ]
        constraints = [models.UniqueConstraint(fields=["month", "district", "channel"], name="channelmonthfact_unique")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.channel_id}/{self.district_id}"
