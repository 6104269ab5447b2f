"""Market intelligence (市场信息, issue 18): structured reports from the field about competitors, prices, policies
and demand, tagged for search; a report that shows a major problem can be raised as a special event (risk) in one
step, and the monthly market-information report (reports) is built from them."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField
from core.scoping import CompanyWideQuerySet, ScopedQuerySet, ScopeSpec
from relations.choices_market import (
    PRICE_CHANGE_MAX,
    PRICE_CHANGE_MIN,
    TAG_MAX_LENGTH,
    DemandSignal,
    MarketReportKind,
    MarketSource,
    Reliability,
)

__all__ = ["MarketReport", "MarketTag"]


class MarketTag(models.Model):
    """A tag of market reports (标签), e.g. 降息 or 渠道返利: company-wide, made the first time someone uses it."""

    name = models.CharField(_("tag"), max_length=TAG_MAX_LENGTH, unique=True)

    objects = CompanyWideQuerySet.as_manager()

    class Meta:
        verbose_name = _("market tag")
        verbose_name_plural = _("market tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


class MarketReport(models.Model):
    """A market-intelligence report (市场信息): what someone in the field learnt about a competitor, a price, a
    policy or the customers' demand in a unit of the organisation — which competitor, which of the company's
    products it concerns, the competitor's price level and its change, the competitor's policy, the demand
    signal, where it came from and how reliable that is (A–D), and tags.

    `region` is the region the unit lies in (derived by the service, never typed): the overview and the monthly
    market-information report group by it. `special_event_id` is the special event (risk) the report was raised
    as — an id, not a foreign key, because this app sits below risk; risk sets it through
    relations.services.market_report_mark_raised in the same transaction that reports the event.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=MarketReportKind.choices)
    title = models.CharField(_("title"), max_length=200)
    unit = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="market_reports", verbose_name=_("org unit")
    )
    region = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="+", editable=False, verbose_name=_("region")
    )
    reporter = models.ForeignKey(
        "regions.StaffProfile", on_delete=models.PROTECT, related_name="market_reports", verbose_name=_("reported by")
    )
    observed_on = models.DateField(_("observed on"))
    competitor = models.CharField(_("competitor"), max_length=100, blank=True)
    competitor_product = models.CharField(_("competitor's product"), max_length=100, blank=True)
    product = models.ForeignKey(
        "customers.Product",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="market_reports",
        verbose_name=_("our product concerned"),
    )
    price_level = MoneyField(_("competitor's price"), null=True, blank=True)
    # Percent of the old price (−5.50 is a cut of 5.5 %); None: the report says nothing about a price change.
    price_change = models.DecimalField(_("price change %"), max_digits=6, decimal_places=2, null=True, blank=True)
    policy = models.TextField(_("competitor's policy"), blank=True)
    demand_signal = models.CharField(_("demand signal"), max_length=10, choices=DemandSignal.choices, blank=True)
    description = models.TextField(_("what was learnt"))
    source = models.CharField(_("source"), max_length=20, choices=MarketSource.choices)
    source_note = models.CharField(_("source details"), max_length=200, blank=True)
    reliability = models.CharField(_("reliability"), max_length=1, choices=Reliability.choices)
    is_major = models.BooleanField(_("major problem"), default=False)
    tags = models.ManyToManyField(MarketTag, blank=True, related_name="reports", verbose_name=_("tags"))
    special_event_id = models.PositiveBigIntegerField(_("special event"), null=True, blank=True, unique=True, editable=False)
    raised_at = models.DateTimeField(_("raised at"), null=True, blank=True, editable=False)
    raised_by = models.ForeignKey(
        "regions.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("raised by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # A salesperson reads the reports they wrote; managers their subtree's; the center all.
    scope_spec = ScopeSpec(path="unit__path", owner="reporter")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("market report")
        verbose_name_plural = _("market reports")
        ordering = ["-observed_on", "-id"]
        indexes = [
            models.Index(fields=["region", "observed_on"], name="market_region_day"),
            models.Index(fields=["unit", "observed_on"], name="market_unit_day"),
            models.Index(fields=["competitor", "observed_on"], name="market_competitor_day"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(reliability__in=Reliability.values), name="market_reliability_a_to_d"),
            models.CheckConstraint(
                condition=Q(price_change__isnull=True) | Q(price_change__gt=PRICE_CHANGE_MIN, price_change__lte=PRICE_CHANGE_MAX),
                name="market_price_change_bounded",
            ),
            models.CheckConstraint(
                condition=Q(price_level__isnull=True) | Q(price_level__gt=0), name="market_price_level_positive"
            ),
            models.CheckConstraint(
                condition=Q(special_event_id__isnull=True, raised_at__isnull=True)
                | Q(special_event_id__isnull=False, raised_at__isnull=False),
                name="market_raised_has_moment",
            ),
        ]

    def __str__(self):
        return f"{self.observed_on:%Y-%m-%d} {self.title}"

    def get_absolute_url(self):
        return reverse("relations:market_report_detail", kwargs={"pk": self.pk})

    @property
    def is_raised(self):
        return self.special_event_id is not None

    @property
    def price_direction(self):
        """ "up", "down", "flat", or None without a price change."""
        if self.price_change is None:
            return None
        return "up" if self.price_change > 0 else "down" if self.price_change < 0 else "flat"
