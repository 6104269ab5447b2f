"""Special events (突发事件 / 特殊事件): a market emergency or an incident someone reported, who owns it, the
procedure that handles it and its timeline."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet, ScopeSpec
from risk.choices import OPEN_STATES, EntryKind, EventKind, EventSeverity, EventState


class SpecialEventQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)


class SpecialEvent(models.Model):
    """A special event (突发事件): a market emergency, an incident, something about a customer, a product or
    a regulator that happened in a unit and must be handled, reported by anyone in that unit's part of the
    tree.

    The regional manager of the unit's region and the Development Center are told at once (risk.tasks). The
    event always has an owner (the unit's manager unless someone above assigns another) and is handled by a
    procedure of steps with deadlines; every change leaves a line in its timeline (EventEntry). It is closed
    only with a summary of what was done.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=EventSeverity.choices)
    unit = models.ForeignKey(
        "regions.OrgUnit", on_delete=models.PROTECT, related_name="special_events", verbose_name=_("org unit")
    )
    customers = models.ManyToManyField(
        "customers.Customer", blank=True, related_name="special_events", verbose_name=_("customers concerned")
    )
    products = models.ManyToManyField(
        "customers.Product", blank=True, related_name="special_events", verbose_name=_("products concerned")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what happened"))
    # A day, not a moment: the report lists events by the day they happened, and a reporter rarely knows the
    # minute; dates are checked by core.dates like every other date typed in.
    occurred_on = models.DateField(_("occurred on"))
    reported_by = models.ForeignKey(
        "regions.StaffProfile", on_delete=models.PROTECT, related_name="reported_events", verbose_name=_("reported by")
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    owner = models.ForeignKey(
        "regions.StaffProfile", on_delete=models.PROTECT, related_name="owned_events", verbose_name=_("owner")
    )
    state = models.CharField(_("state"), max_length=12, choices=EventState.choices, default=EventState.REPORTED)
    # Set once by the notification job, which sends only while it is empty (safe to run twice).
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # A salesperson sees the events he reported; managers their subtree's; the center all.
    scope_spec = ScopeSpec(path="unit__path", owner="reported_by")
    objects = SpecialEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("special event")
        verbose_name_plural = _("special events")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["unit", "occurred_on"], name="event_unit_day"),
            models.Index(fields=["owner", "state"], name="event_owner_state"),
        ]
        constraints = [
            # Closure needs a summary and a moment; an open event has neither.
            models.CheckConstraint(
                condition=(Q(state="closed", closed_at__isnull=False) & ~Q(summary=""))
                | (~Q(state="closed") & Q(closed_at__isnull=True)),
                name="event_closed_has_summary",
            ),
        ]

    def __str__(self):
        return f"{self.occurred_on:%Y-%m-%d} {self.title}"

    def get_absolute_url(self):
        return reverse("risk:event_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self):
        return self.state in OPEN_STATES


class EventStep(models.Model):
    """One step of the procedure that handles a special event: what to do, who does it, by which day (a
    deadline counted in working days by default), and when it was done."""

    event = models.ForeignKey(SpecialEvent, on_delete=models.CASCADE, related_name="steps", verbose_name=_("special event"))
    description = models.CharField(_("what to do"), max_length=500)
    owner = models.ForeignKey(
        "regions.StaffProfile", on_delete=models.PROTECT, related_name="event_steps", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("done by")
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    scope_spec = ScopeSpec(path="event__unit__path", owner="event__reported_by")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("event step")
        verbose_name_plural = _("event steps")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, done_by__isnull=True) | Q(done_at__isnull=False),
                name="event_step_done_by_when_done",
            ),
        ]

    def __str__(self):
        return f"{self.description} ({self.due_on:%Y-%m-%d})"

    @property
    def is_done(self):
        return self.done_at is not None


class EventEntry(models.Model):
    """One line of a special event's timeline: who did what and when (reported, owner assigned, a step added
    or done, a note, closed). Written by every service of the event, never edited."""

    event = models.ForeignKey(SpecialEvent, on_delete=models.CASCADE, related_name="entries", verbose_name=_("special event"))
    kind = models.CharField(_("what"), max_length=20, choices=EntryKind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    # None: the system itself (demo seeding, a job).
    by = models.ForeignKey(
        "regions.StaffProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    text = models.TextField(_("text"), blank=True)
    step = models.ForeignKey(
        EventStep, null=True, blank=True, on_delete=models.CASCADE, related_name="entries", verbose_name=_("step")
    )

    scope_spec = ScopeSpec(path="event__unit__path", owner="event__reported_by")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("event timeline entry")
        verbose_name_plural = _("event timeline")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"
