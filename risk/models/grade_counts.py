"""Kept counts of grades (信誉等级汇总): the risk overview's distributions and migration matrices read these
instead of counting a region's hundred thousand ratings on every request."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet, ScopeSpec
from risk.choices import Grade, RatingSubject


class GradeCount(models.Model):
    """How many customers (or sales staff) hold each grade, per unit and salesperson — the current ratings
    summed as they stood after the last rating run or override (risk.services.grade_counts_refresh). For a
    customer the unit is its district office and the salesperson its salesperson; for a person, their own
    unit and themselves — so the one scope rule reads these rows as it reads the ratings."""

    subject = models.CharField(_("grades"), max_length=10, choices=RatingSubject.choices)
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.CASCADE, related_name="+", verbose_name=_("org unit"))
    salesperson = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("salesperson")
    )
    grade = models.CharField(_("grade"), max_length=3, choices=Grade.choices)
    count = models.PositiveIntegerField(_("count"))

    scope_spec = ScopeSpec(path="unit__path", owner="salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("grade count")
        verbose_name_plural = _("grade counts")
        indexes = [models.Index(fields=["subject", "unit"], name="grade_count_subject_unit")]

    def __str__(self):
        return f"{self.subject} {self.unit_id} {self.grade}: {self.count}"


class GradeMoveCount(models.Model):
    """How many grade changes went from one grade to another in a month, per unit and salesperson (the first
    grade counts with an empty "from") — the month's rises and falls and the migration matrix, kept by the
    same refresh for the months it touched."""

    subject = models.CharField(_("grades"), max_length=10, choices=RatingSubject.choices)
    unit = models.ForeignKey("regions.OrgUnit", on_delete=models.CASCADE, related_name="+", verbose_name=_("org unit"))
    salesperson = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("salesperson")
    )
    month = models.DateField(_("month"))
    old_grade = models.CharField(_("from grade"), max_length=3, choices=Grade.choices, blank=True)
    new_grade = models.CharField(_("to grade"), max_length=3, choices=Grade.choices)
    count = models.PositiveIntegerField(_("count"))

    scope_spec = ScopeSpec(path="unit__path", owner="salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("grade move count")
        verbose_name_plural = _("grade move counts")
        indexes = [models.Index(fields=["subject", "month"], name="grade_move_subject_month")]

    def __str__(self):
        return f"{self.subject} {self.month:%Y-%m} {self.old_grade or '—'}→{self.new_grade}: {self.count}"
