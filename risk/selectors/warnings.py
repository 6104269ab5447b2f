"""Reads of early warnings: the open warnings a person owns (the worklist), the overview's panel and the
dashboard's alerts of a unit."""

from django.db.models import Case, Count, IntegerField, Value, When

from risk.choices import WARNING_OPEN_STATES, WARNING_SEVERITY_RANK, WarningSeverity
from risk.models import Warning

WARNING_SEVERITY_ORDER = Case(
    *[When(severity=severity, then=Value(rank)) for severity, rank in WARNING_SEVERITY_RANK.items()],
    default=Value(0),
    output_field=IntegerField(),
)


def my_open_warnings(user):
    """The open warnings `user` owns (as they read them)."""
    staff = getattr(user, "staff_profile", None)
    if staff is None:
        return Warning.objects.none()
    return Warning.objects.for_user(user).filter(owner=staff, state__in=WARNING_OPEN_STATES)


def open_warnings(queryset, limit=10):
    """The gravest open warnings of `queryset` first, then the earliest deadline; with rule, subject and owner."""
    return list(
        queryset.filter(state__in=WARNING_OPEN_STATES)
        .select_related("rule", "customer", "unit", "owner")
        .annotate(rank=WARNING_SEVERITY_ORDER)
        .order_by("-rank", "due_on", "pk")[:limit]
    )


def warning_panel(user, limit=10):
    """The risk overview's panel: open warnings by severity (counts) and the gravest ones with their owners and
    deadlines — two queries."""
    readable = Warning.objects.for_user(user)
    counts = dict(
        readable.filter(state__in=WARNING_OPEN_STATES)
        .order_by()
        .values("severity")
        .annotate(n=Count("pk"))
        .values_list("severity", "n")
    )
    by_severity = [(severity.label, counts.get(severity.value, 0)) for severity in reversed(WarningSeverity)]
    return {"warning_counts": by_severity, "warnings_open": open_warnings(readable, limit)}
