from django.db import models
from django.utils.translation import gettext_lazy as _

from core.roles import Role


class AppraisedRole(models.TextChoices):
    """The roles an appraisal scheme (考核办法) can apply to: the managers of the network and sales staff."""

    REGIONAL_MANAGER = Role.REGIONAL_MANAGER.value, Role.REGIONAL_MANAGER.label
    PROVINCIAL_MANAGER = Role.PROVINCIAL_MANAGER.value, Role.PROVINCIAL_MANAGER.label
    DISTRICT_MANAGER = Role.DISTRICT_MANAGER.value, Role.DISTRICT_MANAGER.label
    SALES_REP = Role.SALES_REP.value, Role.SALES_REP.label


class PeriodKind(models.TextChoices):
    MONTH = "month", _("monthly")
    QUARTER = "quarter", _("quarterly")
    YEAR = "year", _("yearly")


class SchemeState(models.TextChoices):
    """A scheme's state, mirrored from its approval request (a return or withdrawal makes it a draft again)."""

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    RETIRED = "retired", _("retired")


class ItemKind(models.TextChoices):
    """What an item of a scheme measures: a KPI computed from the facts, or a manual item scored by the
    manager."""

    SALES_ATTAINMENT = "sales_attainment", _("sales attainment")
    COLLECTIONS_ATTAINMENT = "collections_attainment", _("collections attainment")
    NEW_CUSTOMERS = "new_customers", _("new customers vs target")
    OVERDUE_SHARE = "overdue_share", _("overdue share of receivables")
    TASK_COMPLETION = "task_completion", _("task completion rate")
    MANUAL = "manual", _("scored by the manager")


KPI_KINDS = tuple(kind for kind in ItemKind if kind != ItemKind.MANUAL)


class ScoringRule(models.TextChoices):
    LINEAR = "linear", _("linear: rate x 100, capped")
    TIERS = "tiers", _("threshold tiers")


class IncentiveSubject(models.TextChoices):
    """Who an incentive scheme pays: district offices (by the office's scale) or sales staff."""

    DISTRICT = "district", _("district offices")
    SALES_REP = "sales_rep", _("sales staff")


class RewardKind(models.TextChoices):
    REWARD = "reward", _("reward")
    SPECIAL_AWARD = "special_award", _("special award")


class ProposalState(models.TextChoices):
    """A reward proposal's state, mirrored from its approval request (returned/withdrawn: a draft again)."""

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
