"""Scoping-contract entries of this app (joined into tests.scoping_registry.REGISTRY)."""

from datetime import timedelta

from django.utils import timezone

from tests.scoping_registry import Scoped, _staff

_counter = iter(range(1, 10**6))


def _task(district, owner):
    """A task of the district: in 杭州 owned by the OWNER persona (rep_hangzhou_2), made by the system;
    in 广州 by a fresh salesperson. Its supervisor is the district manager (or the province's, if vacant)."""
    from workflow.services import task_create

    task_owner = owner.staff if owner is not None else _staff(district, owner)
    n = next(_counter)
    return task_create(title=f"登记任务{n}", owner=task_owner, due_on=timezone.localdate() + timedelta(days=7), by=None)


# Who may change a task's title/description/due date: its creator (here: the system) or a manager with
# task.assign over it. Sales reps hold no task.assign, and rep_hangzhou does not even see the task.
TASK_EDITORS = frozenset(
    {"director", "center", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong", "dm_hangzhou", "dm_guangzhou"}
)

ENTRIES = [
    Scoped(
        name="task",
        make=_task,
        api_list="task-list",
        api_detail="task-detail",
        web_list="workflow:task_list",
        web_detail="workflow:task_detail",
        api_patch={"description": "补充说明"},
        writers=TASK_EDITORS,
        rep_sees="own",
        # The page lists "my tasks" by default; `view=all` is every task the user may see.
        find=lambda obj: {"view": "all", "q": obj.title},
    ),
]
