"""Grade overrides: a manager sets a customer's or salesperson's grade by hand, for a reason and until a day,
through the approval mechanism."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet, ScopeSpec
from risk.choices import Grade, OverrideState


class GradeOverride(models.Model):
    """A grade set by hand (人工调整信誉等级): a manager who knows more than the figures — a guarantee received,
    a lawsuit filed — asks for a customer's or salesperson's grade to be `grade` until `expires_on`, saying
    why. Once approved it replaces the computed grade in every rating until it expires; then the computed
    grade returns by itself. `unit` is where the subject sits (the customer's district, the person's unit)."""

    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="grade_overrides",
        verbose_name=_("customer"),
    )
    staff = models.ForeignKey(
        "regions.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="grade_overrides",
        verbose_name=_("staff member"),
    )
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("org unit"))
    # The salesperson who owns the subject (the customer's, or the person themself): a salesperson reads these.
    owner = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("owner")
    )
    grade = models.CharField(_("grade"), max_length=3, choices=Grade.choices)
    computed_grade = models.CharField(_("computed grade"), max_length=3, choices=Grade.choices)
    reason = models.TextField(_("reason"))
    expires_on = models.DateField(_("expires on"))
    state = models.CharField(_("state"), max_length=10, choices=OverrideState.choices, default=OverrideState.SUBMITTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_spec = ScopeSpec(path="unit__path", owner="owner")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("grade override")
        verbose_name_plural = _("grade overrides")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=False, staff__isnull=True) | Q(customer__isnull=True, staff__isnull=False),
                name="grade_override_one_subject",
            ),
            # One override waiting or in force per subject: a second one would leave it unclear which applies.
            models.UniqueConstraint(
                fields=["customer"], condition=Q(state__in=["submitted", "approved"]), name="grade_override_one_open_per_customer"
            ),
            models.UniqueConstraint(
                fields=["staff"], condition=Q(state__in=["submitted", "approved"]), name="grade_override_one_open_per_staff"
            ),
        ]

    def __str__(self):
        return f"{self.subject_name} → {self.grade}"

    def get_absolute_url(self):
        return reverse("risk:override_list") + f"?id={self.pk}"

    @property
    def subject_name(self):
        return self.customer.name if self.customer_id else self.staff.name
