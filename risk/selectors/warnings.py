"""Reads of early warnings: the open warnings a person owns (the worklist), the overview's panel and the
dashboard's alerts of a unit; the old → new table of a proposed rule change."""

from django.db.models import Case, Count, IntegerField, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from risk.choices import WARNING_OPEN_STATES, WARNING_SEVERITY_RANK, WarningKind, WarningLevel, WarningSeverity
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
    """The gravest open warnings of `queryset` first, then the earliest deadline; with rule, subject and owner.
    One query per severity, gravest first, until `limit` are found: each walks the open warnings' index by
    deadline (warning_open_by_due) instead of ranking a region's tens of thousands of open warnings."""
    found = []
    for severity in sorted(WARNING_SEVERITY_RANK, key=WARNING_SEVERITY_RANK.get, reverse=True):
        if len(found) >= limit:
            break
        found += (
            queryset.filter(state__in=WARNING_OPEN_STATES, severity=severity)
            .select_related("rule", "customer", "unit", "owner")
            .annotate(rank=WARNING_SEVERITY_ORDER)
            .order_by("due_on", "pk")[: limit - len(found)]
        )
    return found


def warning_panel(user, limit=10):
    """The risk overview's panel: open warnings by severity (counts) and the gravest ones with their owners and
    deadlines — two queries."""
    readable = Warning.objects.for_user(user)
    counts = dict(
        readable.filter(state__in=WARNING_OPEN_STATES)
        .order_by()
        .values("severity")
        .annotate(n=Count("*"))
        .values_list("severity", "n")
    )
    by_severity = [(severity.label, counts.get(severity.value, 0)) for severity in reversed(WarningSeverity)]
    return {"warning_counts": by_severity, "warnings_open": open_warnings(readable, limit)}


# --- changes of the rules (预警规则变更) ------------------------------------------------------------------------
def _shown(key, raw):
    """A snapshot value as a person reads it: choices by their label, yes/no, an empty window as —."""
    if raw is None or raw == "":
        return "—"
    if key == "kind":
        return WarningKind(raw).label if raw in WarningKind.values else raw
    if key == "level":
        return WarningLevel(raw).label if raw in WarningLevel.values else raw
    if key == "severity":
        return WarningSeverity(raw).label if raw in WarningSeverity.values else raw
    if key == "is_active":
        return _("yes") if raw else _("no")
    return str(raw)


RULE_FIELD_LABELS = {
    "name": gettext_lazy("Name"),
    "kind": gettext_lazy("Kind"),
    "level": gettext_lazy("Level"),
    "threshold": gettext_lazy("Threshold"),
    "window": gettext_lazy("Window"),
    "severity": gettext_lazy("Severity"),
    "deadline_days": gettext_lazy("Deadline (working days)"),
    "is_active": gettext_lazy("Active"),
}


def rule_change_rows(old, new):
    """The diff table of a proposal: [{label, old, new, changed}] per value, from two dicts of rule values (as
    risk.services.rule_changes.rule_values writes them; `old` None for a new rule)."""
    rows = []
    for key, label in RULE_FIELD_LABELS.items():
        before = None if old is None else old.get(key)
        after = new.get(key)
        rows.append(
            {
                "field": key,
                "label": label,
                "old": "—" if old is None else _shown(key, before),
                "new": _shown(key, after),
                "changed": old is None or before != after,
            }
        )
    return rows
