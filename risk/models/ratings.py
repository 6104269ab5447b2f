"""Credit ratings (信誉等级) of customers and sales staff: the schemes that grade them, their current grades
and every change of grade with the factor values behind it."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import CompanyWideQuerySet, ScopedQuerySet, ScopeSpec
from risk.choices import ChangeReason, Factor, Grade, RatingSubject, SchemeState

# A factor's value: days, months, shares and rates (a share 0.2537, a utilisation of 3.1416 = 314 %).
VALUE = {"max_digits": 14, "decimal_places": 4, "null": True, "blank": True}


class RatingScheme(models.Model):
    """A rating scheme (信誉评级办法): how customers — or sales staff — are graded. Weighted factors computed
    from the facts (the weights add up to 100), each scored 0–100 by bands the Development Center sets; the
    weighted total falls in one grade's range (AAA … D, ranges covering 0–100 without gaps or overlaps).

    Drafted by the Development Center and approved through the approval mechanism; one scheme per subject
    is in force at a time (approving a new version retires the old one); an approved scheme is never edited:
    revising it makes a draft of the next version."""

    subject = models.CharField(_("grades"), max_length=10, choices=RatingSubject.choices)
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="revisions", verbose_name=_("revises")
    )
    state = models.CharField(_("state"), max_length=10, choices=SchemeState.choices, default=SchemeState.DRAFT)
    # [{"grade": "AAA", "from": "90", "to": "100"}, …] best first; a total t has the grade whose from ≤ t < to
    # (the best grade's range includes its `to`, 100).
    grades = models.JSONField(_("grade ranges"), default=list)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("drafted by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CompanyWideQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating scheme")
        verbose_name_plural = _("rating schemes")
        ordering = ["subject", "name", "-version"]
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="rating_scheme_version_positive"),
            # One scheme in force per subject: the rating job never has to choose.
            models.UniqueConstraint(fields=["subject"], condition=Q(state="approved"), name="rating_scheme_one_in_force"),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"

    def get_absolute_url(self):
        return reverse("risk:scheme_detail", kwargs={"pk": self.pk})

    @property
    def is_editable(self):
        return self.state == SchemeState.DRAFT


class SchemeFactor(models.Model):
    """One weighted factor of a rating scheme: which fact, its weight (a scheme's weights add up to exactly
    100), the score of each band of its value — [{"from": value, "score": 0–100}, …], `from` rising; a value
    scores the band with the highest `from` it reaches, a value below the first band scores the first — and
    the score when the value cannot be computed (no receivable, no credit limit, no target)."""

    scheme = models.ForeignKey(RatingScheme, on_delete=models.CASCADE, related_name="factors", verbose_name=_("scheme"))
    factor = models.CharField(_("factor"), max_length=30, choices=Factor.choices)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)
    bands = models.JSONField(_("bands"), default=list)
    if_missing = models.DecimalField(_("score without a value"), max_digits=5, decimal_places=2, default=Decimal("100"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("rating factor")
        verbose_name_plural = _("rating factors")
        ordering = ["scheme", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0, weight__lte=100), name="rating_factor_weight_range"),
            models.CheckConstraint(condition=Q(if_missing__gte=0, if_missing__lte=100), name="rating_factor_missing_range"),
            models.UniqueConstraint(fields=["scheme", "factor"], name="rating_factor_once_per_scheme"),
        ]

    def __str__(self):
        return f"{self.get_factor_display()} ({self.weight})"


class CustomerFactors(models.Model):
    """The values of the customer factors on a rating day (risk.factors defines each)."""

    days_beyond_terms = models.DecimalField(_("weighted days beyond terms"), **VALUE)
    overdue_share = models.DecimalField(_("overdue share"), **VALUE)
    oldest_overdue = models.DecimalField(_("oldest overdue (days)"), **VALUE)
    delay_trend = models.DecimalField(_("payment delay trend (days)"), **VALUE)
    limit_utilisation = models.DecimalField(_("credit-limit utilisation"), **VALUE)
    tenure = models.DecimalField(_("tenure (months)"), **VALUE)

    class Meta:
        abstract = True


class StaffFactors(models.Model):
    """The values of the staff factors on a rating day (risk.factors defines each)."""

    customers_overdue_share = models.DecimalField(_("customers' overdue share"), **VALUE)
    collection_attainment = models.DecimalField(_("collection attainment"), **VALUE)
    appraisal_score = models.DecimalField(_("appraisal score"), **VALUE)
    task_timeliness = models.DecimalField(_("tasks done on time"), **VALUE)

    class Meta:
        abstract = True


class GradeFields(models.Model):
    scheme = models.ForeignKey(RatingScheme, on_delete=models.PROTECT, related_name="+", verbose_name=_("scheme"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    # The grade in force: the computed one, or an approved override's until it expires.
    grade = models.CharField(_("grade"), max_length=3, choices=Grade.choices)
    computed_grade = models.CharField(_("computed grade"), max_length=3, choices=Grade.choices, blank=True, default="")
    override = models.ForeignKey(
        "risk.GradeOverride", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("override")
    )
    rated_on = models.DateField(_("rated on"))

    class Meta:
        abstract = True


class CustomerRating(GradeFields, CustomerFactors):
    """A customer's current credit grade (信誉等级) and the factor values of its latest rating; `since` is
    the day the customer first had this grade without a break."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="rating", verbose_name=_("customer")
    )
    since = models.DateField(_("grade since"))

    scope_spec = ScopeSpec(path="customer__district__path", owner="customer__salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer rating")
        verbose_name_plural = _("customer ratings")
        indexes = [models.Index(fields=["grade"], name="customer_rating_grade")]

    def __str__(self):
        return f"{self.customer_id}: {self.grade}"


class StaffRating(GradeFields, StaffFactors):
    """A salesperson's current credit grade and the factor values of their latest rating."""

    staff = models.OneToOneField("regions.StaffProfile", on_delete=models.CASCADE, related_name="rating", verbose_name=_("staff"))
    since = models.DateField(_("grade since"))

    scope_spec = ScopeSpec(path="staff__unit__path", owner="staff")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff rating")
        verbose_name_plural = _("staff ratings")

    def __str__(self):
        return f"{self.staff_id}: {self.grade}"


class ChangeFields(models.Model):
    on = models.DateField(_("on"))
    old_grade = models.CharField(_("from grade"), max_length=3, choices=Grade.choices, blank=True)
    new_grade = models.CharField(_("to grade"), max_length=3, choices=Grade.choices)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    scheme = models.ForeignKey(RatingScheme, on_delete=models.PROTECT, related_name="+", verbose_name=_("scheme"))
    reason = models.CharField(_("reason"), max_length=20, choices=ChangeReason.choices, default=ChangeReason.RATED)

    class Meta:
        abstract = True


class CustomerGradeChange(ChangeFields, CustomerFactors):
    """A change of a customer's grade (the first grade too, from nothing), with the factor values that
    produced it: "why is this customer B, and since when"."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="grade_changes", verbose_name=_("customer")
    )

    scope_spec = ScopeSpec(path="customer__district__path", owner="customer__salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer grade change")
        verbose_name_plural = _("customer grade changes")
        indexes = [models.Index(fields=["customer", "-on"], name="customer_grade_change_by_day")]

    def __str__(self):
        return f"{self.customer_id}: {self.old_grade or '—'} → {self.new_grade} ({self.on})"


class StaffGradeChange(ChangeFields, StaffFactors):
    """A change of a salesperson's grade, with the factor values that produced it."""

    staff = models.ForeignKey(
        "regions.StaffProfile", on_delete=models.CASCADE, related_name="grade_changes", verbose_name=_("staff")
    )

    scope_spec = ScopeSpec(path="staff__unit__path", owner="staff")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff grade change")
        verbose_name_plural = _("staff grade changes")
        indexes = [models.Index(fields=["staff", "-on"], name="staff_grade_change_by_day")]

    def __str__(self):
        return f"{self.staff_id}: {self.old_grade or '—'} → {self.new_grade} ({self.on})"


CUSTOMER_FACTOR_FIELDS = [f.name for f in CustomerFactors._meta.fields]
STAFF_FACTOR_FIELDS = [f.name for f in StaffFactors._meta.fields]
