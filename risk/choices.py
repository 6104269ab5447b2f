"""Choices of risk control (风险控制): credit ratings (信誉等级) of customers and sales staff."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RatingSubject(models.TextChoices):
    """Who a rating scheme grades."""

    CUSTOMER = "customer", _("customers")
    STAFF = "staff", _("sales staff")


class Grade(models.TextChoices):
    """Credit grades, best first (the order of `GRADES` is the order of the scale)."""

    AAA = "AAA", "AAA"
    AA = "AA", "AA"
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


# Best first: a fall of two steps is two places to the right.
GRADES = [grade.value for grade in Grade]


class SchemeState(models.TextChoices):
    """A rating scheme's state, mirrored from its approval request (a return or withdrawal makes it a draft
    again); approving a scheme retires the one in force for the same subject."""

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("in force")
    REJECTED = "rejected", _("rejected")
    RETIRED = "retired", _("retired")


class Factor(models.TextChoices):
    """The factors a rating scheme may weigh, each computed from the facts as of the rating day (risk.factors
    says exactly how). Customer factors first, then staff factors."""

    # Customers
    DAYS_BEYOND_TERMS = "days_beyond_terms", _("weighted days beyond terms")
    OVERDUE_SHARE = "overdue_share", _("overdue share")
    OLDEST_OVERDUE = "oldest_overdue", _("oldest overdue (days)")
    DELAY_TREND = "delay_trend", _("payment delay trend (days)")
    LIMIT_UTILISATION = "limit_utilisation", _("credit-limit utilisation")
    TENURE = "tenure", _("tenure (months)")
    # Staff
    CUSTOMERS_OVERDUE_SHARE = "customers_overdue_share", _("customers' overdue share")
    COLLECTION_ATTAINMENT = "collection_attainment", _("collection attainment")
    APPRAISAL_SCORE = "appraisal_score", _("appraisal score")
    TASK_TIMELINESS = "task_timeliness", _("tasks done on time")


FACTORS_OF = {
    RatingSubject.CUSTOMER: [
        Factor.DAYS_BEYOND_TERMS,
        Factor.OVERDUE_SHARE,
        Factor.OLDEST_OVERDUE,
        Factor.DELAY_TREND,
        Factor.LIMIT_UTILISATION,
        Factor.TENURE,
    ],
    RatingSubject.STAFF: [
        Factor.CUSTOMERS_OVERDUE_SHARE,
        Factor.COLLECTION_ATTAINMENT,
        Factor.APPRAISAL_SCORE,
        Factor.TASK_TIMELINESS,
    ],
}


class ChangeReason(models.TextChoices):
    """Why a grade changed."""

    RATED = "rated", _("rating run")
    OVERRIDE = "override", _("override approved")
    OVERRIDE_ENDED = "override_ended", _("override expired")
