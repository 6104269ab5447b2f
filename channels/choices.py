"""Choices of the channels app: what kind of partner a channel is, and the states of its life with the moves
allowed between them (prospect → negotiating → contracted → active → dormant → terminated)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ChannelKind(models.TextChoices):
    BANK = "bank", _("bank")
    SECURITIES = "securities", _("securities firm")
    INSURANCE = "insurance", _("insurance agency")
    PLATFORM = "platform", _("wealth platform")
    AGENT = "agent", _("independent agent")
    OTHER = "other", _("other")


class ChannelTier(models.TextChoices):
    STRATEGIC = "strategic", _("strategic")
    KEY = "key", _("key")
    REGULAR = "regular", _("regular")


class ChannelState(models.TextChoices):
    PROSPECT = "prospect", _("prospect")
    NEGOTIATING = "negotiating", _("negotiating")
    CONTRACTED = "contracted", _("contracted")
    ACTIVE = "active", pgettext_lazy("channel state", "active")
    DORMANT = "dormant", _("dormant")
    TERMINATED = "terminated", _("terminated")


# The moves a channel's state may make; anything else is refused on the field `state`.
TRANSITIONS = {
    ChannelState.PROSPECT: {ChannelState.NEGOTIATING, ChannelState.TERMINATED},
    ChannelState.NEGOTIATING: {ChannelState.CONTRACTED, ChannelState.PROSPECT, ChannelState.TERMINATED},
    ChannelState.CONTRACTED: {ChannelState.ACTIVE, ChannelState.TERMINATED},
    ChannelState.ACTIVE: {ChannelState.DORMANT, ChannelState.TERMINATED},
    ChannelState.DORMANT: {ChannelState.ACTIVE, ChannelState.TERMINATED},
    ChannelState.TERMINATED: set(),
}


class ActivityKind(models.TextChoices):
    """What kind of contact a relationship-log entry records."""

    VISIT = "visit", _("visit")
    MEETING = "meeting", _("meeting")
    TRAINING = "training", _("training given")
    SUPPORT = "support", _("support given")
    CALL = "call", _("call")


class AgreementKind(models.TextChoices):
    """What a channel agreement on file is (a light record; contracts proper are the contracts' archive)."""

    COOPERATION = "cooperation", _("cooperation agreement")
    AGENCY = "agency", _("agency agreement")
    FRAMEWORK = "framework", _("framework agreement")
    CONFIDENTIALITY = "confidentiality", _("confidentiality agreement")
    OTHER = "other", _("other")
