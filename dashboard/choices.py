"""Choices of the dashboard app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgeingBucket(models.TextChoices):
    """Days past due of an open invoice on the snapshot date (as_of − due date); 0 or fewer is not due."""

    NOT_DUE = "not_due", _("Not due")
    D1_30 = "d1_30", _("1–30 days overdue")
    D31_60 = "d31_60", _("31–60 days overdue")
    D61_90 = "d61_90", _("61–90 days overdue")
    D91_180 = "d91_180", _("91–180 days overdue")
    OVER_180 = "over_180", _("Over 180 days overdue")


# (key, first day, last day) as customers.selectors.ageing_buckets takes them: the same buckets, so the
# snapshot can be checked against customers.selectors.ageing cell by cell.
BUCKET_DAYS = [
    (AgeingBucket.NOT_DUE.value, None, 0),
    (AgeingBucket.D1_30.value, 1, 30),
    (AgeingBucket.D31_60.value, 31, 60),
    (AgeingBucket.D61_90.value, 61, 90),
    (AgeingBucket.D91_180.value, 91, 180),
    (AgeingBucket.OVER_180.value, 181, None),
]
OVERDUE_BUCKETS = [key for key, _first, _last in BUCKET_DAYS if key != AgeingBucket.NOT_DUE]
