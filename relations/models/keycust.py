"""Key customers (重点客户) and their long-term plans (客户长期规划), issue 18.

- KeyCustomerDecision: one decision that a customer is, or is no longer, a key customer — with the reason and who
  decided. The decisions of a customer are its history; `Customer.is_key` follows the latest one (kept in step by
  relations.services.keycust, the only writer of either).
- KeyCustomerPlan: a long-term plan for a key customer over a term (starts_on … ends_on), kept by a manager above
  the customer's district office or the Development Center.
- PlanObjective: what the plan aims at, as a figure by a date inside the term (sales of ¥X by a day, collections,
  a product's sales, the number of products the customer holds, or a figure the reviewer states).
- PlanAction: a step towards the objectives; each is a workflow Task (owner, supervisor, deadline).
- PlanReview / PlanReviewLine: the quarterly review — per objective, the target against the actual read from the
  ledger when the review was written (kept as written: a later posting does not rewrite a past review), and the
  reviewer's assessment.

Every model reads through the customer's scope: its district office's subtree, a salesperson their own customers'.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.periods import PeriodField
from core.scoping import ScopedQuerySet, ScopeSpec

CUSTOMER_SCOPE = ScopeSpec(path="customer__district__path", owner="customer__salesperson")
PLAN_SCOPE = ScopeSpec(path="plan__customer__district__path", owner="plan__customer__salesperson")


class PlanState(models.TextChoices):
    ACTIVE = "active", _("active")
    CLOSED = "closed", _("closed")


class ObjectiveMetric(models.TextChoices):
    """What an objective's figure measures. The first four are read from the ledger over the objective's window
    (relations.selectors.keycust.objective_actuals); `manual` is stated by the reviewer."""

    SALES = "sales", _("sales (invoiced)")
    COLLECTIONS = "collections", _("collections")
    PRODUCT_SALES = "product_sales", _("sales of a product")
    PRODUCTS_HELD = "products_held", _("products bought (count)")
    MANUAL = "manual", _("other (stated by the reviewer)")


LEDGER_METRICS = (
    ObjectiveMetric.SALES,
    ObjectiveMetric.COLLECTIONS,
    ObjectiveMetric.PRODUCT_SALES,
    ObjectiveMetric.PRODUCTS_HELD,
)
MONEY_METRICS = (ObjectiveMetric.SALES, ObjectiveMetric.COLLECTIONS, ObjectiveMetric.PRODUCT_SALES)


class ReviewRating(models.TextChoices):
    ON_TRACK = "on_track", _("on track")
    AT_RISK = "at_risk", _("at risk")
    OFF_TRACK = "off_track", _("off track")


class KeyCustomerDecision(models.Model):
    """A decision that a customer is (is_key) or is no longer a key customer: why, who decided and when."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="key_decisions", verbose_name=_("customer")
    )
    is_key = models.BooleanField(_("key customer"))
    reason = models.CharField(_("reason"), max_length=1000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    # The decider's name and post as they were (a person may leave or move; the record keeps what was true).
    decided_by_name = models.CharField(_("decided by"), max_length=120, blank=True)
    decided_on = models.DateField(_("decided on"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_spec = CUSTOMER_SCOPE
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("key-customer decision")
        verbose_name_plural = _("key-customer decisions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "created_at"], name="keycust_decision_customer")]

    def __str__(self):
        return f"{self.customer_id}: {'+' if self.is_key else '-'} {self.decided_on}"


class KeyCustomerPlan(models.Model):
    """A long-term plan (客户长期规划) for a key customer over its term: objectives, actions and quarterly reviews."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="key_plans", verbose_name=_("customer")
    )
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    summary = models.TextField(_("summary"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=PlanState.choices, default=PlanState.ACTIVE)
    closed_reason = models.CharField(_("reason for closing"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_spec = CUSTOMER_SCOPE
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("key-customer plan")
        verbose_name_plural = _("key-customer plans")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["customer", "state"], name="keycust_plan_customer")]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="keycust_plan_term")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("relations:keycust_plan_detail", kwargs={"pk": self.pk})


class PlanObjective(models.Model):
    """An objective of a plan: `target` of `metric` over `starts_on … due_on` (both inside the plan's term). A money
    metric's target is in yuan; `products_held` counts distinct products bought; `manual` is in `unit_label`."""

    plan = models.ForeignKey(KeyCustomerPlan, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("plan"))
    title = models.CharField(_("objective"), max_length=200)
    metric = models.CharField(_("measured by"), max_length=20, choices=ObjectiveMetric.choices)
    product = models.ForeignKey(
        "customers.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    target = models.DecimalField(_("target figure"), max_digits=18, decimal_places=2)
    unit_label = models.CharField(_("unit of the figure"), max_length=20, blank=True)
    starts_on = models.DateField(_("counted from"))
    due_on = models.DateField(_("due on"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_spec = PLAN_SCOPE
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan objective")
        verbose_name_plural = _("plan objectives")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=F("starts_on")), name="keycust_objective_window"),
            models.CheckConstraint(condition=Q(target__gt=0), name="keycust_objective_target_positive"),
            models.CheckConstraint(
                condition=~Q(metric="product_sales") | Q(product__isnull=False), name="keycust_objective_product"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_money(self):
        return self.metric in MONEY_METRICS

    @property
    def from_ledger(self):
        return self.metric in LEDGER_METRICS


class PlanAction(models.Model):
    """A step of a plan, given to a person as a workflow task (its owner, supervisor and deadline are the task's)."""

    plan = models.ForeignKey(KeyCustomerPlan, on_delete=models.CASCADE, related_name="actions", verbose_name=_("plan"))
    objective = models.ForeignKey(
        PlanObjective, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions", verbose_name=_("objective")
    )
    title = models.CharField(_("action"), max_length=200)
    task = models.OneToOneField(
        "workflow.Task", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("task")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_spec = PLAN_SCOPE
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        ordering = ["id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.plan.get_absolute_url()


class PlanReview(models.Model):
    """The review of a plan for one quarter (`period`, e.g. 2026-Q2): the reviewer's assessment and rating, with one
    line per objective holding its figures as they stood when the review was written."""

    plan = models.ForeignKey(KeyCustomerPlan, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("plan"))
    period = PeriodField(_("quarter"))
    rating = models.CharField(_("rating"), max_length=10, choices=ReviewRating.choices)
    assessment = models.TextField(_("assessment"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewed by")
    )
    reviewed_by_name = models.CharField(_("reviewed by"), max_length=120, blank=True)
    reviewed_on = models.DateField(_("reviewed on"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_spec = PLAN_SCOPE
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")
        ordering = ["-period", "-id"]
        constraints = [models.UniqueConstraint(fields=["plan", "period"], name="keycust_review_once_per_quarter")]

    def __str__(self):
        return f"{self.plan_id} {self.period}"

    def get_absolute_url(self):
        return reverse("relations:keycust_review_detail", kwargs={"pk": self.pk})


class PlanReviewLine(models.Model):
    """One objective in a review: its target, the actual of the quarter (within the objective's window) and the
    actual from the objective's start to the quarter's end (to date), and the progress (to date ÷ target)."""

    review = models.ForeignKey(PlanReview, on_delete=models.CASCADE, related_name="lines", verbose_name=_("review"))
    objective = models.ForeignKey(PlanObjective, on_delete=models.CASCADE, related_name="+", verbose_name=_("objective"))
    target = models.DecimalField(_("target figure"), max_digits=18, decimal_places=2)
    # None for a figure the ledger does not hold and the reviewer did not state (a `manual` objective).
    actual_period = models.DecimalField(_("actual in the quarter"), max_digits=18, decimal_places=2, null=True, blank=True)
    actual_to_date = models.DecimalField(_("actual to date"), max_digits=18, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    scope_spec = ScopeSpec(path="review__plan__customer__district__path", owner="review__plan__customer__salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("review line")
        verbose_name_plural = _("review lines")
        ordering = ["objective__due_on", "objective_id"]
        constraints = [models.UniqueConstraint(fields=["review", "objective"], name="keycust_review_line_once")]

    def __str__(self):
        return f"{self.review_id}/{self.objective_id}"

    @property
    def progress(self):
        """Percent of the target reached to date (a rate for |rate), or None without a target."""
        if not self.target or self.actual_to_date is None:
            return None
        return self.actual_to_date * 100 / self.target


__all__ = [
    "KeyCustomerDecision",
    "KeyCustomerPlan",
    "ObjectiveMetric",
    "PlanAction",
    "PlanObjective",
    "PlanReview",
    "PlanReviewLine",
    "PlanState",
    "ReviewRating",
]
