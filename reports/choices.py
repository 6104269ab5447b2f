from django.db import models
from django.utils.translation import gettext_lazy as _

from core.periods import MONTH, QUARTER


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly report")
    QUARTERLY = "quarterly", _("Quarterly report")
    # 市场信息月报 (issue 18): market intelligence of a region (or the company) for a month, from relations.
    MARKET = "market", _("Monthly market-information report")


# The period kind each report kind covers (a monthly report covers "2026-10", a quarterly "2026-Q3").
PERIOD_KIND = {ReportKind.MONTHLY: MONTH, ReportKind.QUARTERLY: QUARTER, ReportKind.MARKET: MONTH}


class ReportState(models.TextChoices):
    """Where a built report stands; after submission it mirrors its approval request."""

    BUILT = "built", _("Built")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for revision")
    REJECTED = "rejected", _("Rejected")


# The analysis may be written (and the report submitted) only in these states.
WRITABLE_STATES = (ReportState.BUILT, ReportState.RETURNED)


class RunState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


ACTIVE_RUN_STATES = (RunState.QUEUED, RunState.RUNNING)
