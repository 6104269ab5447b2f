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


# --- contracts (合同, issue 17) ------------------------------------------------------------------------------------
class ContractKind(models.TextChoices):
    SALES = "sales", _("sales contract")
    COOPERATION = "cooperation", _("cooperation agreement")
    FRAMEWORK = "framework", _("framework agreement")
    OTHER = "other", _("other")


class ContractState(models.TextChoices):
    DRAFT = "draft", _("draft (negotiating)")
    UNDER_REVIEW = "under_review", _("under review")
    SIGNED = "signed", _("signed")
    FILING = "filing", _("submitted for filing")
    FILED = "filed", _("filed")
    EXPIRING = "expiring", _("expiring")
    EXPIRED = "expired", _("expired")
    TERMINATED = "terminated", _("terminated")
    RENEWED = "renewed", _("renewed")


# The moves a person makes by hand (filing is the approval's; expiring and expired the nightly job's).
CONTRACT_MOVES = {
    ContractState.DRAFT: {ContractState.UNDER_REVIEW, ContractState.TERMINATED},
    ContractState.UNDER_REVIEW: {ContractState.DRAFT, ContractState.SIGNED, ContractState.TERMINATED},
    ContractState.SIGNED: {ContractState.TERMINATED},
    ContractState.FILED: {ContractState.TERMINATED, ContractState.RENEWED},
    ContractState.EXPIRING: {ContractState.TERMINATED, ContractState.RENEWED},
    ContractState.EXPIRED: {ContractState.RENEWED},
}
# States whose details (parties, dates, file) may still be changed.
CONTRACT_EDITABLE_STATES = (ContractState.DRAFT, ContractState.UNDER_REVIEW, ContractState.SIGNED)
# States of a contract in force, whose end the reminder job watches.
CONTRACT_IN_FORCE_STATES = (ContractState.SIGNED, ContractState.FILED, ContractState.EXPIRING)
# Days before the end on which the owner is reminded (once each).
CONTRACT_REMINDER_DAYS = (30, 7)


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
