"""Scoping-contract entries of this app (joined into tests.scoping_registry.REGISTRY)."""

from datetime import timedelta

from django.utils import timezone

from tests.scoping_registry import Scoped, Write, make_staff, make_unit

_counter = iter(range(1, 10**6))


def _task(district, owner):
    """A task of the district: in 杭州 owned by the OWNER persona (rep_hangzhou_2), made by the system;
    in 广州 by a fresh salesperson. Its supervisor is the district manager (or the province's, if vacant)."""
    from workflow.services import task_create

    task_owner = owner.staff if owner is not None else make_staff(district, owner)
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


# --- writes ----------------------------------------------------------------------------------------------------
#
# Rules (workflow/services.py; core/roles.py "task.change", "task.assign"): everyone who works has tasks; the
# owner or the supervisor completes a task, only the supervisor reopens one, the creator or the supervisor
# cancels it, a manager ("task.assign") reassigns it within their scope and changes its title, text or due
# date (so does its creator). A task is created for oneself, or by a manager for anyone in their scope. Branch
# keys have no tasks (403 in scope, 404 outside).
#
# The tasks here are made by the system (no creator) for the owner rep (rep_hangzhou_2 in 杭州, rep_hangzhou
# himself in the ownership variant) or a fresh 广州 rep; their supervisor is the district manager.

PEOPLE = TASK_EDITORS | {"rep_hangzhou"}
SUPERVISORS = frozenset({"dm_hangzhou", "dm_guangzhou"})


def _due():
    return (timezone.localdate() + timedelta(days=10)).isoformat()


def _done_task(district, owner):
    """A task its supervisor marked done (so it may be reopened)."""
    from workflow.services import task_complete

    task = _task(district, owner)
    return task_complete(task=task, by=task.supervisor.user)


def _colleague(task, world, persona):
    """Someone else in the task's district to hand it to. A sales rep sees nobody but himself, so he names
    himself: the body is then one he could send, and what refuses him is the missing right (403), not a name he
    cannot see (which the API refuses as unknown, 400, before any right is asked)."""
    from regions.models import StaffProfile

    if persona == "rep_hangzhou":
        return world.people[persona].staff.pk
    return StaffProfile.objects.filter(unit=task.unit, is_active=True).exclude(pk=task.owner_id).order_by("pk").first().pk


def _assignee(district, world, persona):
    """Whom a new task is for: in 杭州 rep_hangzhou (so he may give it to himself), in 广州 a rep of 广州."""
    from regions.models import StaffProfile

    if district.code == "330100":
        return world.people["rep_hangzhou"].staff.pk
    return StaffProfile.objects.filter(unit=district, role="sales_rep", is_active=True).order_by("pk").first().pk


def _task_form(action, **fields):
    return {"action": action, **{f"{action}-{key}": value for key, value in fields.items()}}


WRITES = [
    # --- API -------------------------------------------------------------------------------------------------
    Write(
        name="task create",
        url="task-list",
        make=make_unit,
        detail=False,
        body=lambda district, world, persona: {"title": "新任务", "owner": _assignee(district, world, persona), "due_on": _due()},
        writers=PEOPLE,
        success=201,
        rep_sees="unit",
        outside=400,
    ),
    Write(name="task complete", url="task-complete", make=_task, body={"note": "已完成"}, writers=SUPERVISORS | {"rep_hangzhou"}),
    Write(name="task reopen", url="task-reopen", make=_done_task, body={"reason": "还没做完"}, writers=SUPERVISORS),
    Write(name="task cancel", url="task-cancel", make=_task, body={"reason": "不需要了"}, writers=SUPERVISORS),
    Write(
        name="task reassign",
        url="task-reassign",
        make=_task,
        body=lambda task, world, persona: {"owner": _colleague(task, world, persona)},
        writers=TASK_EDITORS,
    ),
    # --- pages -----------------------------------------------------------------------------------------------
    Write(
        name="task create page",
        url="workflow:task_create",
        make=make_unit,
        detail=False,
        body=lambda district, world, persona: {"title": "新任务", "owner": _assignee(district, world, persona), "due_on": _due()},
        writers=PEOPLE,
        success=302,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="task complete page",
        url="workflow:task_detail",
        make=_task,
        body=_task_form("complete", note="已完成"),
        writers=SUPERVISORS | {"rep_hangzhou"},
        success=302,
    ),
    Write(
        name="task reopen page",
        url="workflow:task_detail",
        make=_done_task,
        body=_task_form("reopen", reason="还没做完"),
        writers=SUPERVISORS,
        success=302,
    ),
    Write(
        name="task cancel page",
        url="workflow:task_detail",
        make=_task,
        body=_task_form("cancel", reason="不需要了"),
        writers=SUPERVISORS,
        success=302,
    ),
    Write(
        name="task reassign page",
        url="workflow:task_detail",
        make=_task,
        body=lambda task, world, persona: _task_form("reassign", owner=_colleague(task, world, persona)),
        writers=TASK_EDITORS,
        success=302,
    ),
    Write(
        name="task edit page",
        url="workflow:task_detail",
        make=_task,
        body=lambda task, world, persona: _task_form("edit", title="改过的任务", due_on=_due(), description="补充说明"),
        writers=TASK_EDITORS,
        success=302,
    ),
]
