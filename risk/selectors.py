"""Reads of risk control: grade distributions and migrations for a scope, and the "why" of one grade."""

from django.db.models import Case, Count, Q, Value, When

from risk.choices import GRADES, OPEN_STATES, EventKind, EventSeverity, Factor
from risk.models import CustomerGradeChange, CustomerRating, EventEntry, EventStep, SpecialEvent, StaffGradeChange, StaffRating
from risk.scoring import Scorer

SUBJECTS = {
    "customer": (CustomerRating, CustomerGradeChange),
    "staff": (StaffRating, StaffGradeChange),
}


def grade_distribution(*, user, subject, month_start):
    """For the subject's ratings the user may read: the count per grade (best first, zeros included), the
    total, and the changes since `month_start` — how many rose, how many fell, how many were graded for the
    first time. Two grouped queries."""
    rating_model, change_model = SUBJECTS[subject]
    counts = dict(rating_model.objects.for_user(user).values_list("grade").annotate(n=Count("pk")).order_by())
    changes = change_model.objects.for_user(user).filter(on__gte=month_start).values_list("old_grade", "new_grade")
    rose = fell = first = 0
    for old, new in changes:
        if not old:
            first += 1
        elif GRADES.index(new) < GRADES.index(old):
            rose += 1
        else:
            fell += 1
    return {
        "grades": [{"grade": grade, "count": counts.get(grade, 0)} for grade in GRADES],
        "total": sum(counts.values()),
        "rose": rose,
        "fell": fell,
        "first": first,
    }


def migration_matrix(*, user, subject, since):
    """Grade migration since a day: {(from grade, to grade): count} over the changes the user may read (the
    last change of each subject since `since` against its grade before it)."""
    _rating_model, change_model = SUBJECTS[subject]
    rows = (
        change_model.objects.for_user(user)
        .filter(on__gte=since)
        .exclude(old_grade="")
        .values_list("old_grade", "new_grade")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(old, new): n for old, new, n in rows}


def explain(rating, fields):
    """The "why" of one rating: per factor of its scheme, the value, the score of its band and the weight."""
    scorer = Scorer.of(rating.scheme)
    values = {name: getattr(rating, name) for name in fields}
    scores = scorer.factor_scores(values)
    return [
        {
            "factor": Factor(factor.factor).label,
            "code": factor.factor,
            "value": values.get(factor.factor),
            "score": scores[factor.factor],
            "weight": factor.weight,
        }
        for factor in rating.scheme.factors.all()
    ]


def history(*, user, subject, owner_id, limit=12):
    """The latest grade changes of one customer or salesperson the user may read, newest first."""
    _rating_model, change_model = SUBJECTS[subject]
    owner = Q(customer_id=owner_id) if subject == "customer" else Q(staff_id=owner_id)
    return list(change_model.objects.for_user(user).filter(owner).select_related("scheme").order_by("-on", "-id")[:limit])


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
