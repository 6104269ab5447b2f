"""Reads of the organisation and staff, always through the caller's scope."""

from collections import defaultdict

from django.db.models import Count, Q

from regions.models import OrgUnit, StaffProfile


def org_unit_tree(*, user, root=None, include_closed=False):
    """The caller's visible units as nested dicts, built from one query ordered by path."""
    units = OrgUnit.objects.for_user(user)
    if root is not None:
        units = units.subtree_of(root)
    if not include_closed:
        units = units.filter(is_active=True)
    units = list(units.order_by("depth", "code").values("id", "kind", "code", "name", "name_en", "parent_id", "is_active"))
    children = defaultdict(list)
    ids = {u["id"] for u in units}
    for unit in units:
        children[unit["parent_id"]].append(unit)
    for unit in units:
        unit["children"] = children.get(unit["id"], [])
    # Roots of the visible forest: units whose parent the caller cannot see.
    return [unit for unit in units if unit["parent_id"] not in ids]


def staff_list(*, user):
    return StaffProfile.objects.for_user(user).select_related("unit", "user")


def worklist(user):
    """What waits for the person today: decisions, their own submissions in flight, tasks, messages.
    A handful of COUNT queries, whatever the size of the data."""
    from django.utils import timezone

    from approvals.choices import RequestState
    from approvals.selectors import my_submissions, queue_for
    from notifications.models import Notification
    from workflow.choices import TaskState
    from workflow.selectors import my_tasks

    waiting = queue_for(user=user)
    today = timezone.localdate()
    # Pairs of counts over plain columns come from one query each (filtered counts).
    mine = my_submissions(user=user).aggregate(
        submitted=Count("pk", filter=Q(state=RequestState.SUBMITTED)),
        returned=Count("pk", filter=Q(state=RequestState.RETURNED)),
    )
    tasks = (
        my_tasks(user)
        .filter(state=TaskState.OPEN)
        .aggregate(tasks_open=Count("pk"), tasks_overdue=Count("pk", filter=Q(due_on__lt=today)))
    )
    return {
        "waiting": waiting.count(),
        # (A filtered Count over the `overdue` annotation reads 0 on SQLite; a filtered count does not.)
        "waiting_overdue": waiting.filter(overdue=True).count(),
        **mine,
        **tasks,
        "unread": Notification.objects.for_user(user).unread().count(),
    }
