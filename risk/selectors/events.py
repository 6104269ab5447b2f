"""Reads of risk control: the open events a person owns, an event's timeline and steps, and the special
events section of the business report. Never writes."""

from django.db.models import Case, Count, Value, When

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
    many are still open, and the list (date, unit, title, kind, severity, state), the most severe first
    (at most REPORT_LISTED). Two queries whatever the number of events."""
    events = SpecialEvent.objects.for_unit(unit).filter(occurred_on__gte=period.start, occurred_on__lte=period.end)
    by_kind = dict.fromkeys(EventKind.values, 0)
    by_severity = dict.fromkeys(reversed(EventSeverity.values), 0)  # critical first
    open_count = 0
    for kind, severity, state, n in events.order_by().values_list("kind", "severity", "state").annotate(n=Count("pk")):
        by_kind[kind] = by_kind.get(kind, 0) + n
        by_severity[severity] = by_severity.get(severity, 0) + n
        if state in OPEN_STATES:
            open_count += n
    rank = Case(*(When(severity=value, then=Value(n)) for value, n in SEVERITY_ORDER.items()), default=Value(len(SEVERITY_ORDER)))
    rows = (
        events.select_related("unit")
        .only("id", "occurred_on", "title", "kind", "severity", "state", "unit__name", "unit__code")
        .order_by(rank, "occurred_on", "id")[:REPORT_LISTED]
    )
    return {
        "count": sum(by_kind.values()),
        "open": open_count,
        "by_kind": by_kind,
        "by_severity": by_severity,
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
            for e in rows
        ],
    }
