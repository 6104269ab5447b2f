"""Credit control (信用控制, issue 16): credit-limit exceptions granted through the approval mechanism."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField
from core.scoping import CompanyWideQuerySet, ScopedQuerySet, ScopeSpec
from risk.choices import (
    AtLimitAction,
    CreditExceptionState,
    CreditPolicyState,
    HoldReleaseState,
    HoldRule,
    HoldState,
    SuggestionState,
)


class CreditException(models.Model):
    """A credit-limit exception (信用额度例外): a customer may owe `extra_amount` more than its credit limit from
    `valid_from` to `valid_to`, for a reason and on evidence (a guarantee, a large order confirmed), once the
    approval chain agrees — a chain as long as the amount and the customer's grade say. While approved and
    valid, every credit check of a new invoice uses the limit plus the exception; the day after `valid_to` it no
    longer counts, whoever does anything (the check reads the dates). The nightly job then stamps `ended_on`
    and tells the customer's salesperson.

    `unit` is the customer's district and `owner` its salesperson when asked: a salesperson reads the
    exceptions of their own customers, a manager those of the customers of their part of the tree."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="credit_exceptions", verbose_name=_("customer")
    )
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("org unit"))
    owner = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("owner")
    )
    extra_amount = MoneyField(_("extra credit"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    reason = models.TextField(_("reason"))
    evidence = models.TextField(_("evidence"), blank=True)
    # The grade of the customer when submitted (none: not graded): with the amount it set the chain's length.
    grade = models.CharField(_("grade"), max_length=3, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=CreditExceptionState.choices, default=CreditExceptionState.DRAFT)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # The first day it no longer applied (the day after valid_to), stamped by the nightly job.
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_spec = ScopeSpec(path="unit__path", owner="owner")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit-limit exception")
        verbose_name_plural = _("credit-limit exceptions")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The credit check: the approved exceptions of a batch's customers covering a day.
            models.Index(fields=["customer", "valid_from"], condition=Q(state="approved"), name="credit_exception_approved"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(extra_amount__gt=0), name="credit_exception_amount_positive"),
            models.CheckConstraint(condition=Q(valid_to__gte=F("valid_from")), name="credit_exception_dates_ordered"),
            models.CheckConstraint(condition=~Q(reason=""), name="credit_exception_has_reason"),
        ]

    def __str__(self):
        return f"{self.customer} +{self.extra_amount} ({self.valid_from:%Y-%m-%d}–{self.valid_to:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("risk:credit_exception_detail", kwargs={"pk": self.pk})

    def applies_on(self, day):
        """True if the exception counts in the credit check on `day`: approved, and `day` within its dates."""
        return self.state == CreditExceptionState.APPROVED and self.valid_from <= day <= self.valid_to

    @property
    def is_editable(self):
        return self.state in (CreditExceptionState.DRAFT, CreditExceptionState.RETURNED)


class CreditHold(models.Model):
    """A credit hold (暂停赊销): the customer gets no new invoice — by any door, whatever its limit — from
    `placed_on` until a release is approved. Placed by the nightly job when a rule of the credit policy matches
    (grade D; an open invoice more than N days overdue), with what matched in `detail`; never placed twice at once
    (one hold on per customer)."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="credit_holds", verbose_name=_("customer")
    )
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("org unit"))
    owner = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("owner")
    )
    rule = models.CharField(_("rule"), max_length=10, choices=HoldRule.choices)
    detail = models.CharField(_("detail"), max_length=300)
    placed_on = models.DateField(_("placed on"))
    state = models.CharField(_("state"), max_length=10, choices=HoldState.choices, default=HoldState.ON)
    released_on = models.DateField(_("released on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_spec = ScopeSpec(path="unit__path", owner="owner")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit hold")
        verbose_name_plural = _("credit holds")
        ordering = ["-placed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["customer"], condition=Q(state="on"), name="credit_hold_one_on_per_customer"),
            models.CheckConstraint(
                condition=Q(state="on", released_on__isnull=True) | Q(state="released", released_on__isnull=False),
                name="credit_hold_released_has_day",
            ),
        ]

    def __str__(self):
        return f"{self.customer} · {self.get_rule_display()}"

    def get_absolute_url(self):
        return reverse("risk:credit_hold_detail", kwargs={"pk": self.pk})


class CreditHoldRelease(models.Model):
    """A request to release a credit hold (解除暂停赊销): why the customer may buy on credit again, decided by the
    approval chain (kind CREDIT_HOLD_RELEASE). Approved, the hold is released in the decision's transaction.
    One waiting per hold."""

    hold = models.ForeignKey(CreditHold, on_delete=models.PROTECT, related_name="releases", verbose_name=_("credit hold"))
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("org unit"))
    owner = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("owner")
    )
    reason = models.TextField(_("reason"))
    state = models.CharField(_("state"), max_length=10, choices=HoldReleaseState.choices, default=HoldReleaseState.DRAFT)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_spec = ScopeSpec(path="unit__path", owner="owner")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit hold release")
        verbose_name_plural = _("credit hold releases")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="credit_hold_release_has_reason"),
            models.UniqueConstraint(fields=["hold"], condition=Q(state="submitted"), name="credit_hold_release_one_waiting"),
        ]

    def __str__(self):
        return f"{self.hold} → {self.get_state_display()}"

    def get_absolute_url(self):
        return self.hold.get_absolute_url()


class CreditPolicy(models.Model):
    """The credit policy (信用政策) the Development Center sets, versioned and approved, one in force: the credit
    limit it suggests per grade (`limits`: {grade: {"mode": "multiple", "multiple", "floor", "ceiling"} or
    {"mode": "fixed", "amount"}}, amounts as text with two decimals), what a new invoice beyond the limit meets
    (flag or refuse — replacing the CREDIT_LIMIT_POLICY setting while a policy is in force), the hold rules (grade
    D; an open invoice more than `hold_overdue_days` overdue, none: no such rule) and the exposure caps of
    districts and provinces (CreditCap rows)."""

    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="revisions", verbose_name=_("previous version")
    )
    name = models.CharField(_("name"), max_length=120)
    at_limit_action = models.CharField(_("at the limit"), max_length=10, choices=AtLimitAction.choices)
    hold_grade_d = models.BooleanField(_("hold customers of grade D"), default=True)
    hold_overdue_days = models.PositiveSmallIntegerField(_("hold after days overdue"), null=True, blank=True)
    limits = models.JSONField(_("suggested limits per grade"), default=dict)
    reason = models.TextField(_("reason"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=CreditPolicyState.choices, default=CreditPolicyState.DRAFT)
    drafted_by = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CompanyWideQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit policy")
        verbose_name_plural = _("credit policies")
        ordering = ["-version", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["state"], condition=Q(state="approved"), name="credit_policy_one_in_force"),
            models.CheckConstraint(
                condition=Q(hold_overdue_days__isnull=True) | Q(hold_overdue_days__gte=1), name="credit_policy_overdue_days"
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"

    def get_absolute_url(self):
        return reverse("risk:credit_policy_detail", kwargs={"pk": self.pk})

    @property
    def is_editable(self):
        return self.state == CreditPolicyState.DRAFT


class CreditCap(models.Model):
    """An exposure cap (敞口上限) of a credit policy: the open balances of the customers of a district or a
    province may not add up to more than `cap`."""

    policy = models.ForeignKey(CreditPolicy, on_delete=models.CASCADE, related_name="caps", verbose_name=_("credit policy"))
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("org unit"))
    cap = MoneyField(_("exposure cap"))

    objects = CompanyWideQuerySet.as_manager()

    class Meta:
        verbose_name = _("exposure cap")
        verbose_name_plural = _("exposure caps")
        ordering = ["unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "unit"], name="credit_cap_one_per_unit"),
            models.CheckConstraint(condition=Q(cap__gte=0), name="credit_cap_not_negative"),
        ]

    def __str__(self):
        return f"{self.unit} ≤ {self.cap}"


class CreditLimitSuggestion(models.Model):
    """A credit limit suggested by the policy in force (建议信用额度): for a customer of `grade` with average monthly
    sales of `monthly_sales` over the last twelve months, the nightly job suggests `suggested_limit` where it
    differs from `current_limit`. A manager above the customer's district accepts it, possibly changed: up to the
    suggestion it is applied to the customer at once; beyond it, it goes to the approval chain and is applied once
    approved."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="limit_suggestions", verbose_name=_("customer")
    )
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("org unit"))
    owner = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("owner")
    )
    policy = models.ForeignKey(CreditPolicy, on_delete=models.PROTECT, related_name="+", verbose_name=_("credit policy"))
    grade = models.CharField(_("grade"), max_length=3)
    monthly_sales = MoneyField(_("average monthly sales"))
    current_limit = MoneyField(_("current limit"))
    suggested_limit = MoneyField(_("suggested limit"))
    accepted_limit = MoneyField(_("accepted limit"), null=True, blank=True)
    suggested_on = models.DateField(_("suggested on"))
    state = models.CharField(_("state"), max_length=10, choices=SuggestionState.choices, default=SuggestionState.OPEN)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_spec = ScopeSpec(path="unit__path", owner="owner")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggested credit limit")
        verbose_name_plural = _("suggested credit limits")
        ordering = ["-suggested_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["customer"], condition=Q(state="open"), name="limit_suggestion_one_open"),
        ]

    def __str__(self):
        return f"{self.customer} → {self.suggested_limit}"

    def get_absolute_url(self):
        return reverse("risk:limit_suggestion_detail", kwargs={"pk": self.pk})
