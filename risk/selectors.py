"""Reads of risk control: the open events a person owns, an event's timeline and steps, and the special
events section of the business report. Never writes."""

from django.db.models import Count

from risk.choices import OPEN_STATES, EventKind, EventSeverity
from risk.models import EventEntry, EventStep, SpecialEvent

# The report lists at most this many events (the most severe first); the counts cover them all.
REPORT_LISTED = 50
SEVERITY_ORDER = {value: n for n, value in enumerate(reversed(EventSeverity.values))}  # critical first


def my_open_events(user):
    """The open special events the person owns (none for someone without a staff profile)."""
    staff = getattr(user, "staff_profile", None)
    if staff is None:
        return SpecialEvent.objects.none()
    return SpecialEvent.objects.filter(owner=staff, state__in=OPEN_STATES)


def event_timeline(event):
    return EventEntry.objects.filter(event=event).select_related("by", "step").order_by("at", "pk")


def event_steps(event):
    return EventStep.objects.filter(event=event).select_related("owner", "done_by").order_by("due_on", "pk")


def period_events(unit, period):
    """The special events section of a report of `unit` for `period`: the events of the unit's subtree that
    happened in the period — their count, the counts by kind and by severity (every choice, zeros too), how
    many are still open, and the list (date, unit, title, kind, severity, state), the most severe first.
    Three queries whatever the number of events."""
    events = SpecialEvent.objects.for_unit(unit).filter(occurred_on__gte=period.start, occurred_on__lte=period.end)
    by_kind = dict(events.order_by().values_list("kind").annotate(n=Count("pk")))
    by_severity = dict(events.order_by().values_list("severity").annotate(n=Count("pk")))
    open_count = events.filter(state__in=OPEN_STATES).count()
    rows = sorted(
        events.select_related("unit").only("id", "occurred_on", "title", "kind", "severity", "state", "unit__name", "unit__code"),
        key=lambda e: (SEVERITY_ORDER[e.severity], e.occurred_on, e.pk),
    )
    return {
        "count": sum(by_kind.values()),
        "open": open_count,
        "by_kind": {kind: by_kind.get(kind, 0) for kind in EventKind.values},
        "by_severity": {severity: by_severity.get(severity, 0) for severity in reversed(EventSeverity.values)},
        "rows": [
            {
                "id": e.pk,
                "date": e.occurred_on,
                "unit": e.unit.name,
                "unit_code": e.unit.code,
                "title": e.title,
                "kind": e.kind,
                "severity": e.severity,
                "state": e.state,
            }
            for e in rows[:REPORT_LISTED]
        ],
    }
