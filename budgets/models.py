from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budgets.choices import COUNTED_STATES, AllocationMethod, ExpenseCategory, ExpenseState
from core.formats import money
from core.money import MoneyField
from core.periods import PeriodField
from core.scoping import ScopedQuerySet, ScopeSpec


class BudgetQuerySet(ScopedQuerySet):
    def current(self):
        return self.filter(is_current=True)


class Budget(models.Model):
    """An expense budget (费用预算): how much a unit may spend on one category of expenses in a period
    (a year, a quarter or a month).

    Budgets flow down the tree like targets: a region's budget is allocated to its provinces, theirs to
    districts, and each across quarters or months; `parent` is the budget a row was allocated from, and
    the children add up exactly to it (`core.money.allocate`). A budget is never edited in place: setting
    or re-allocating it adds a new `version` and the previous one stops being current, so what was
    decided stays readable. One version per unit × period × category is current (a database constraint).

    `starts_on`/`ends_on` are the period's first and last day, stored so spending can be summed against
    a budget in the database.
    """

    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="budgets", verbose_name=_("org unit"))
    period = PeriodField(_("period"))
    category = models.CharField(_("category"), max_length=20, choices=ExpenseCategory.choices)
    amount = MoneyField(_("budget amount"))
    starts_on = models.DateField(_("starts on"), editable=False)
    ends_on = models.DateField(_("ends on"), editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current version"), default=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("allocated from")
    )
    method = models.CharField(_("how it was set"), max_length=10, choices=AllocationMethod.choices, default=AllocationMethod.SET)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("set by")
    )
    created_at = models.DateTimeField(_("set at"), default=timezone.now)

    scope_spec = ScopeSpec(path="unit__path")
    objects = BudgetQuerySet.as_manager()

    class Meta:
        verbose_name = _("expense budget")
        verbose_name_plural = _("expense budgets")
        ordering = ["period", "category", "-version", "id"]
        indexes = [
            models.Index(fields=["unit", "category", "period"], name="budget_unit_category_period"),
            models.Index(fields=["parent"], name="budget_parent"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_not_negative"),
            models.CheckConstraint(condition=Q(version__gte=1), name="budget_version_positive"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="budget_period_ordered"),
            models.UniqueConstraint(fields=["unit", "period", "category", "version"], name="budget_version_unique"),
            models.UniqueConstraint(
                fields=["unit", "period", "category"], condition=Q(is_current=True), name="budget_one_current"
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} {self.period} {self.unit}: {money(self.amount)} (v{self.version})"

    def get_absolute_url(self):
        return reverse("budgets:budget_detail", kwargs={"pk": self.pk})


class ExpenseQuerySet(ScopedQuerySet):
    def counted(self):
        """Expenses that count as spent: within budget, or beyond it and approved."""
        return self.filter(state__in=COUNTED_STATES)


class Expense(models.Model):
    """An expense (费用支出): money a unit spent on a category on a day, recorded by a person.

    Within the budget that applies (the unit's current budget of the category for the shortest period
    containing the day) it is simply recorded; beyond it — or with no budget at all — it waits for an
    approval (ApprovalKind.EXPENSE_OVER_BUDGET) and counts as spent only once approved. Pending,
    rejected, returned and cancelled expenses do not count.
    """

    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="expenses", verbose_name=_("org unit"))
    category = models.CharField(_("category"), max_length=20, choices=ExpenseCategory.choices)
    spent_on = models.DateField(_("spent on"))
    amount = MoneyField(_("amount"))
    description = models.CharField(_("description"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        "regions.StaffProfile", on_delete=models.PROTECT, related_name="expenses", verbose_name=_("recorded by")
    )
    state = models.CharField(_("state"), max_length=10, choices=ExpenseState.choices, default=ExpenseState.RECORDED)
    # The budget version that applied when the expense was recorded (none: there was no budget).
    budget = models.ForeignKey(
        Budget, null=True, blank=True, on_delete=models.PROTECT, related_name="expenses", verbose_name=_("budget")
    )
    approval_request = models.ForeignKey(
        "approvals.ApprovalRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approval request"),
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    scope_spec = ScopeSpec(path="unit__path", owner="recorded_by")
    objects = ExpenseQuerySet.as_manager()

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["-spent_on", "-id"]
        indexes = [
            models.Index(fields=["category", "spent_on"], name="expense_category_day"),
            models.Index(fields=["unit", "spent_on"], name="expense_unit_day"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive"),
            models.CheckConstraint(
                condition=~Q(state__in=["pending", "approved", "rejected", "returned"]) | Q(approval_request__isnull=False),
                name="expense_over_budget_has_request",
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} {self.spent_on} {money(self.amount)}"  # shown as the subject of a request

    def get_absolute_url(self):
        return reverse("budgets:expense_detail", kwargs={"pk": self.pk})

    @property
    def counts(self):
        return self.state in COUNTED_STATES
