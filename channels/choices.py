"""Choices of the channels app: what kind of partner a channel is, and the states of its life with the moves
allowed between them (prospect → negotiating → contracted → active → dormant → terminated)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
    ACTIVE = "active", _("active")
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


# --- promotional materials (推广用品) and promotion events (推广活动), issue 17 ---------------------------------
class MovementKind(models.TextChoices):
    """Why a unit's stock of an item moved: every change of a MaterialStock is one of these rows."""

    RECEIPT = "receipt", _("receipt from a supplier")
    DISPATCH_OUT = "dispatch_out", _("dispatched to a unit below")
    DISPATCH_IN = "dispatch_in", _("received from the unit above")
    CONSUMPTION = "consumption", _("used at a promotion event")
    ADJUSTMENT = "adjustment", _("stock-take adjustment")


class DispatchState(models.TextChoices):
    SENT = "sent", _("sent")
    RECEIVED = "received", _("received")


class MaterialRequestState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned for revision")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


class PromotionKind(models.TextChoices):
    CONFERENCE = "conference", _("conference")
    EXHIBITION = "exhibition", _("exhibition")
    BRIEFING = "briefing", _("product briefing")
    SALON = "salon", _("salon")
    OTHER = "other", _("other")
