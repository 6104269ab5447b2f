"""Channels (渠道): the partners through which the company's financial products reach customers — banks,
securities firms, insurance agencies, wealth platforms, independent agents — and the history of each one's
life (渠道业务信息档案)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from channels.choices import ChannelKind, ChannelState, ChannelTier
from core.scoping import ScopedQuerySet, ScopeSpec


class Channel(models.Model):
    """A sales channel's archive: who the partner is (its unified social credit code where it has one), the
    district office that owns the relationship and the salesperson responsible, its tier and where it stands in
    its life. `state_since` is the day of the last move; every move is kept in ChannelTransition."""

    external_id = models.CharField(_("external id"), max_length=64, unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("channel type"), max_length=20, choices=ChannelKind.choices)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True, null=True, blank=True)
    unit = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="channels", verbose_name=_("district office")
    )
    salesperson = models.ForeignKey(
        "regions.StaffProfile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="channels",
        verbose_name=_("responsible salesperson"),
    )
    tier = models.CharField(_("tier"), max_length=20, choices=ChannelTier.choices, default=ChannelTier.REGULAR)
    state = models.CharField(_("state"), max_length=20, choices=ChannelState.choices, default=ChannelState.PROSPECT)
    state_since = models.DateField(_("in this state since"), default=timezone.localdate)
    address = models.CharField(_("address"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_spec = ScopeSpec(path="unit__path", owner="salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["unit", "state"], name="channel_unit_state"),
            models.Index(fields=["unit", "salesperson"], name="channel_unit_rep"),
        ]

    def __str__(self):
        return self.name


class ChannelTransition(models.Model):
    """One move of a channel's state (who, when, why): the history the new-channels figure is counted from —
    a channel counts as new in the month it first reached `contracted`."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("channel"))
    from_state = models.CharField(_("from"), max_length=20, choices=ChannelState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=ChannelState.choices)
    on = models.DateField(_("on"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_spec = ScopeSpec(path="channel__unit__path", owner="channel__salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("channel state change")
        verbose_name_plural = _("channel state changes")
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["to_state", "on"], name="channel_transition_to_on")]
        constraints = [models.CheckConstraint(condition=~Q(from_state=models.F("to_state")), name="channel_transition_moves")]

    def __str__(self):
        return f"{self.channel_id}: {self.from_state or '—'} → {self.to_state} ({self.on})"


# Promotional materials and promotion events (issue 17) live in their own module; imported here so Django finds them.
from channels.models_promotion import (  # noqa: E402, F401
    EventExpense,
    EventLead,
    EventParticipant,
    EventSale,
    MaterialDispatch,
    MaterialItem,
    MaterialMovement,
    MaterialRequest,
    MaterialRequestLine,
    MaterialStock,
    PromotionEvent,
)
