"""Reads of tasks: what a person sees, their team's tasks, completion rates and the team summary.

Completion rate of a period = tasks done on time ÷ tasks due in the period. A task counts as due once
its result is known: its deadline has passed (before `today`) or it is already done; a cancelled task
is not due at all. So an open task due later this month does not lower this month's rate yet, and one
done early raises it. Done on time = completed on or before its due date. None when nothing is due.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.periods import MONTH, QUARTER, Period
from core.roles import staff_of
from core.scoping import scope_of
from regions.choices import UnitKind
from regions.models import OrgUnit
from workflow.choices import TaskState
from workflow.models import Task

RATE_PLACES = Decimal("0.0001")


def visible_tasks(user):
    """Every task the user may read (the scope rule)."""
    return Task.objects.for_user(user)


def my_tasks(user):
    staff = staff_of(user)
    if staff is None:
        return Task.objects.none()
    return Task.objects.for_user(user).filter(owner=staff)


def team_tasks(user):
    """Tasks of the people in the user's subtree (their own excluded); a salesperson has no team."""
    staff = staff_of(user)
    queryset = Task.objects.for_user(user)
    return queryset.exclude(owner=staff) if staff is not None else queryset


def overdue_count(user, today=None):
    """How many of the user's own open tasks are past their due date (the badge in the navigation)."""
    staff = staff_of(user)
    if staff is None:
        return 0
    today = today or timezone.localdate()
    return Task.objects.filter(owner=staff, state=TaskState.OPEN, due_on__lt=today).count()


# ------------------------------------------------------------------------------------------ rates


def parse_period(value, today=None):
    """`month` / `quarter` (the current one) or a period text such as 2026-Q3; None if invalid."""
    today = today or timezone.localdate()
    if value in (None, "", MONTH):
        return Period.of(today, MONTH)
    if value == QUARTER:
        return Period.of(today, QUARTER)
    try:
        return Period.parse(value)
    except ValueError:
        return None


def due_q(period, today, prefix=""):
    p = prefix
    return (
        Q(**{f"{p}due_on__gte": period.start, f"{p}due_on__lte": period.end})
        & ~Q(**{f"{p}state": TaskState.CANCELLED})
        & (Q(**{f"{p}due_on__lt": today}) | Q(**{f"{p}state": TaskState.DONE}))
    )


def on_time_q(period, today, prefix=""):
    p = prefix
    return due_q(period, today, prefix) & Q(**{f"{p}state": TaskState.DONE, f"{p}completed_on__lte": F(f"{p}due_on")})


def _stats(period, today):
    """The aggregates of the summary, as conditional counts over one set of tasks."""
    return {
        "open": Count("pk", filter=Q(state=TaskState.OPEN)),
        "overdue": Count("pk", filter=Q(state=TaskState.OPEN, due_on__lt=today)),
        "due": Count("pk", filter=due_q(period, today)),
        "done_on_time": Count("pk", filter=on_time_q(period, today)),
    }


def rate(done_on_time, due):
    """done ÷ due as a Decimal with 4 places (0.6667), None when nothing was due."""
    if not due:
        return None
    return (Decimal(done_on_time) / Decimal(due)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def completion_rate(*, period, unit=None, staff=None, today=None, queryset=None):
    """Done on time ÷ due in `period` for a unit's subtree and/or one person (Decimal, None if nothing due)."""
    period = Period.parse(period)
    today = today or timezone.localdate()
    queryset = Task.objects.unscoped() if queryset is None else queryset
    if unit is not None:
        queryset = queryset.filter(unit__path__startswith=unit.path)
    if staff is not None:
        queryset = queryset.filter(owner=staff)
    counts = queryset.aggregate(
        due=Count("pk", filter=due_q(period, today)), done_on_time=Count("pk", filter=on_time_q(period, today))
    )
    return rate(counts["done_on_time"], counts["due"])


def summary_root(user):
    """The unit whose team the user leads: their own unit, the Development Center for a national scope."""
    scope = scope_of(user)
    if scope.everything:
        return OrgUnit.objects.get(kind=UnitKind.CENTER)
    staff = staff_of(user)
    return staff.unit if staff is not None else None


def _count_in_subtree(tasks, condition):
    """A correlated COUNT of `tasks` under the outer unit's path (no GROUP BY: one row)."""
    inner = (
        tasks.filter(condition, unit__path__startswith=OuterRef("path"))
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    return Coalesce(Subquery(inner, output_field=IntegerField()), 0)


def team_summary(user, *, period, today=None):
    """Per person and per sub-unit of the user's team: open, overdue, done on time and due in the period,
    and the completion rate. Each table is one aggregate query."""
    period = Period.parse(period)
    today = today or timezone.localdate()
    root = summary_root(user)
    tasks = Task.objects.for_user(user)
    if root is None:
        return {"period": period, "root": None, "people": [], "units": [], "total": None}
    tasks = tasks.filter(unit__path__startswith=root.path)
    people = list(
        tasks.order_by()
        .values("owner_id", "owner__name", "owner__employee_no", "owner__role", "owner__unit__name")
        .annotate(**_stats(period, today))
        .order_by("owner__unit__path", "owner__employee_no")
    )
    for row in people:
        row["rate"] = rate(row["done_on_time"], row["due"])
    units = list(
        OrgUnit.objects.filter(parent=root)
        .annotate(
            open=_count_in_subtree(tasks, Q(state=TaskState.OPEN)),
            overdue=_count_in_subtree(tasks, Q(state=TaskState.OPEN, due_on__lt=today)),
            due=_count_in_subtree(tasks, due_q(period, today)),
            done_on_time=_count_in_subtree(tasks, on_time_q(period, today)),
        )
        .order_by("code")
        .values("pk", "code", "name", "name_en", "kind", "open", "overdue", "due", "done_on_time")
    )
    for row in units:
        row["rate"] = rate(row["done_on_time"], row["due"])
    total = tasks.aggregate(**_stats(period, today))
    total["rate"] = rate(total["done_on_time"], total["due"])
    return {"period": period, "root": root, "people": people, "units": units, "total": total}
