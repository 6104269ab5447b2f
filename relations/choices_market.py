"""Choices of market intelligence (市场信息): what a report is about, how reliable its source is, which way demand
moves, where the information came from."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class MarketReportKind(models.TextChoices):
    """What a market report is mainly about (GLOSSARY: MarketReport.Kind; INCIDENT is 市场突发事件)."""

    COMPETITOR = "competitor", _("Competitor move")
    PRICE = "price", _("Price change")
    POLICY = "policy", _("Policy change")
    DEMAND = "demand", _("Demand change")
    INCIDENT = "incident", _("Market incident")
    OTHER = "other", _("Other market information")


class Reliability(models.TextChoices):
    """How far the information can be trusted, on the A–D scale of intelligence work: A confirmed by more than
    one source or in writing, B from a source that has been right before, C not yet checked, D hearsay."""

    A = "A", _("A · confirmed")
    B = "B", _("B · usually reliable")
    C = "C", _("C · unconfirmed")
    D = "D", _("D · hearsay")


class DemandSignal(models.TextChoices):
    """Which way customers' demand is moving, as the report sees it."""

    RISING = "rising", _("Demand rising")
    STEADY = "steady", _("Demand steady")
    FALLING = "falling", _("Demand falling")


class MarketSource(models.TextChoices):
    """Where the information came from."""

    VISIT = "visit", _("Customer visit")
    CHANNEL = "channel", _("Channel partner")
    EXHIBITION = "exhibition", _("Exhibition or conference")
    PUBLIC = "public", _("Public announcement")
    MEDIA = "media", _("Media or internet")
    OTHER = "other", _("Other source")


# A price change is a percentage of the old price. A competitor's price that fell to nothing (−100 %) or more
# than doubled (+100 %) is a typing mistake far more often than a fact: outside (−100, +100] it is refused.
PRICE_CHANGE_MIN = Decimal("-100")  # exclusive
PRICE_CHANGE_MAX = Decimal("100")  # inclusive
MAX_TAGS = 10
TAG_MAX_LENGTH = 30
