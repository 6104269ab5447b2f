"""Reads of complaints: the SLA state of one complaint (as of a day), the SLA figures of a set of complaints, the
queue of a manager's area, the center's view (by product, channel and region, with handling time) and the complaints
section of the business monthly report. Never writes.

Definitions (relations/services/complaints.py sets the dates they read):
- *breached*: no result yet (open, in progress or reopened) and its due day is before the day asked;
- *met* / *missed*: the result was given on / before, or after, the due day;
- *handling time*: the working days from receipt to closing (`handling_days`, set when closed);
- a complaint belongs to a region through its district office (the second step of the unit's path)."""

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q
from django.utils import timezone

from core.roles import staff_of
from core.scoping import Scope, scope_of
from regions.models import OrgUnit
from relations.choices_complaints import (
    OPEN_STATES,
    UNRESOLVED_STATES,
    ComplaintCause,
    ComplaintKind,
    ComplaintSeverity,
    ComplaintState,
    SlaState,
)
from relations.models.complaints import Complaint

__all__ = [
    "SLA_FILTERS",
    "TOP_CAUSES",
    "center_view",
    "complaint_queue",
    "complaint_report_section",
    "complaint_worklist",
    "sla_figures",
    "sla_filter",
    "sla_state",
]

TOP_CAUSES = 5
DAYS = Decimal("0.1")
RATE = Decimal("0.0001")


def sla_state(complaint, today=None):
    """Where `complaint` stands against its SLA as of `today` (SlaState)."""
    today = today or timezone.localdate()
    if complaint.resolved_on is not None:
        return SlaState.MET if complaint.resolved_on <= complaint.due_on else SlaState.MISSED
    if complaint.due_on > today:
        return SlaState.ON_TIME
    return SlaState.DUE_TODAY if complaint.due_on == today else SlaState.BREACHED


def sla_filter(state, today):
    """The Q of complaints in SLA state `state` as of `today` (the same definitions as sla_state)."""
    unresolved = Q(state__in=UNRESOLVED_STATES, resolved_on__isnull=True)
    return {
        SlaState.ON_TIME: unresolved & Q(due_on__gt=today),
        SlaState.DUE_TODAY: unresolved & Q(due_on=today),
        SlaState.BREACHED: unresolved & Q(due_on__lt=today),
        SlaState.MET: Q(resolved_on__isnull=False, resolved_on__lte=F("due_on")),
        SlaState.MISSED: Q(resolved_on__isnull=False, resolved_on__gt=F("due_on")),
    }[SlaState(state)]


SLA_FILTERS = tuple(SlaState.values)


def _average(total, n):
    return None if not n else (Decimal(total) / Decimal(n)).quantize(DAYS, rounding=ROUND_HALF_UP)


def _rate(part, whole):
    return None if not whole else (Decimal(part) / Decimal(whole)).quantize(RATE, rounding=ROUND_HALF_UP)


_FIELDS = ("state", "severity", "due_on", "resolved_on", "closed_on", "handling_days")


def _figures(rows, today):
    """SLA figures of rows (dicts of _FIELDS)."""
    counts = Counter()
    handling_total = 0
    by_severity = {key: Counter() for key in ComplaintSeverity.values}
    for row in rows:
        counts["total"] += 1
        sev = by_severity[row["severity"]]
        sev["total"] += 1
        if row["state"] in OPEN_STATES:
            counts["open"] += 1
        if row["state"] in UNRESOLVED_STATES and row["resolved_on"] is None and row["due_on"] < today:
            counts["breached"] += 1
            sev["breached"] += 1
        if row["resolved_on"] is not None:
            counts["resolved"] += 1
            met = row["resolved_on"] <= row["due_on"]
            counts["met" if met else "missed"] += 1
            sev["met" if met else "missed"] += 1
        if row["state"] == ComplaintState.CLOSED:
            counts["closed"] += 1
            handling_total += row["handling_days"]
    return {
        "total": counts["total"],
        "open": counts["open"],
        "breached": counts["breached"],
        "resolved": counts["resolved"],
        "met": counts["met"],
        "missed": counts["missed"],
        "met_rate": _rate(counts["met"], counts["resolved"]),
        "closed": counts["closed"],
        "handling_days_total": handling_total,
        "handling_days_average": _average(handling_total, counts["closed"]),
        "by_severity": {
            key: {"total": c["total"], "breached": c["breached"], "met": c["met"], "missed": c["missed"]}
            for key, c in by_severity.items()
        },
    }


def sla_figures(queryset, today=None):
    """The SLA figures of the complaints of `queryset` as of `today`: how many, open, breached, resolved within
    (met) and after (missed) their SLA, the share met, closed, and the average handling time of the closed ones
    (working days), overall and by severity. One query."""
    today = today or timezone.localdate()
    return _figures(queryset.values(*_FIELDS), today)


def complaint_queue(user):
    """The complaints of the reader's area not closed yet (a salesperson: of their own customers)."""
    return Complaint.objects.for_user(user).filter(state__in=OPEN_STATES)


def complaint_worklist(user, today=None):
    """{queue, breached} of the person's worklist: the queue of their area — for the Development Center, whose area is
    the whole company, the complaints escalated to them (they own) — and how many of it are past their SLA."""
    today = today or timezone.localdate()
    queue = complaint_queue(user)
    if scope_of(user).everything:
        staff = staff_of(user)
        queue = queue.filter(owner=staff) if staff is not None else queue.none()
    # One query for both figures (the home page's query count stays constant: tests/home/test_sales_home.py).
    counts = queue.aggregate(
        complaints_queue=Count("pk"), complaints_breached=Count("pk", filter=sla_filter(SlaState.BREACHED, today))
    )
    return {"complaints_queue": counts["complaints_queue"], "complaints_breached": counts["complaints_breached"]}


# --- the center's view ------------------------------------------------------------------------------------------------
def _region_id(path):
    parts = [p for p in path.split("/") if p]
    return int(parts[1]) if len(parts) > 1 else None


def _group(rows, key, today):
    groups = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return {k: _figures(v, today) for k, v in groups.items()}


def center_view(queryset, today=None):
    """The complaints of `queryset` grouped by product, by channel and by region (each with its SLA figures and
    handling time), and the closed ones with their handling time (newest first)."""
    today = today or timezone.localdate()
    rows = list(
        queryset.values(
            *_FIELDS,
            "pk",
            "kind",
            "product_id",
            "product__name",
            "channel_id",
            "channel__name",
            "unit__path",
        )
    )
    by_product = _group([r for r in rows if r["kind"] == ComplaintKind.PRODUCT], lambda r: r["product_id"], today)
    by_channel = _group([r for r in rows if r["kind"] == ComplaintKind.CHANNEL], lambda r: r["channel_id"], today)
    by_region = _group(rows, lambda r: _region_id(r["unit__path"]), today)
    names = {
        "product": {r["product_id"]: r["product__name"] for r in rows if r["product_id"]},
        "channel": {r["channel_id"]: r["channel__name"] for r in rows if r["channel_id"]},
        "region": dict(OrgUnit.objects.filter(pk__in=[k for k in by_region if k]).values_list("pk", "name")),
    }

    def listed(groups, names_of):
        return sorted(
            ({"id": k, "name": names_of.get(k, "—"), **v} for k, v in groups.items()),
            key=lambda g: (-g["total"], str(g["name"])),
        )

    return {
        "today": today,
        "totals": _figures(rows, today),
        "by_product": listed(by_product, names["product"]),
        "by_channel": listed(by_channel, names["channel"]),
        "by_region": listed(by_region, names["region"]),
    }


# --- the business monthly report's section ----------------------------------------------------------------------------
def complaint_report_section(unit, period):
    """The complaints section of the business report of `unit` (a region or the company) for `period`: complaints
    received in the period (by kind and severity), closed in it (with their average handling time and the share
    whose result met its SLA), still open and past their SLA at the period's end, and the top causes of those
    received. Read as the unit's own scope (a report is built for its unit). Plain JSON-able values."""
    start, end = period.start, period.end
    # One query: every complaint received or closed in the period, or still open at its end.
    rows = list(
        Complaint.objects.for_scope(Scope(path=unit.path))
        .filter(
            Q(received_on__range=(start, end))
            | Q(closed_on__range=(start, end))
            | (Q(received_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=end)))
        )
        .values("kind", "severity", "cause", "received_on", "due_on", "resolved_on", "closed_on", "handling_days")
    )
    received = [r for r in rows if start <= r["received_on"] <= end]
    closed = [r for r in rows if r["closed_on"] is not None and start <= r["closed_on"] <= end]
    # Open at the period's end: received by then, not closed by then. Past SLA at the end: also no result by then.
    at_end = [r for r in rows if r["received_on"] <= end and (r["closed_on"] is None or r["closed_on"] > end)]
    open_at_end = len(at_end)
    breached_at_end = sum(1 for r in at_end if r["due_on"] < end and (r["resolved_on"] is None or r["resolved_on"] > end))
    causes = Counter(row["cause"] for row in received)
    handling = [row["handling_days"] for row in closed]
    met = sum(1 for row in closed if row["resolved_on"] <= row["due_on"])
    return {
        "received": len(received),
        "by_kind": {key: sum(1 for r in received if r["kind"] == key) for key in ComplaintKind.values},
        "by_severity": {key: sum(1 for r in received if r["severity"] == key) for key in ComplaintSeverity.values},
        "closed": len(closed),
        "handling_days_average": str(_average(sum(handling), len(handling))) if handling else None,
        "met_rate": str(_rate(met, len(closed))) if closed else None,
        "open_at_end": open_at_end,
        "breached_at_end": breached_at_end,
        "top_causes": [
            {"cause": cause, "count": n}
            for cause, n in sorted(causes.items(), key=lambda item: (-item[1], ComplaintCause.values.index(item[0])))[:TOP_CAUSES]
        ],
    }
