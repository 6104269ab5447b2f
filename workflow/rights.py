"""Who may do what to a task (core.rights: the one rule for writes).

- `task.create` (the owner, a StaffProfile): anyone for themselves; a manager (role right `task.assign`)
  for someone else — whether that person lies inside the manager's scope is checked by the service as
  input (a picker's choice), not as a right;
- `task.complete`: the owner or the supervisor; `task.reopen`: the supervisor;
- `task.cancel`: the creator or the supervisor;
- `task.reassign`: a manager with `task.assign` whose scope holds the task;
- `task.edit` (title, description, due date): the creator or a manager with `task.assign`.

The state (open, done, cancelled) decides the rest, in the services (a 409).
"""

from django.utils.translation import gettext_lazy as _

from core.rights import Refusal, may, rule
from core.roles import can, staff_of
from workflow.models import Task

# The moves on a task, each its own action `task.<move>`: what the task page offers a form for.
MOVES = ("complete", "reopen", "cancel", "reassign", "edit")


def _staff_id(user):
    staff = staff_of(user)
    return staff.pk if staff is not None else None


def _is(user, staff_id):
    mine = _staff_id(user)
    return mine is not None and staff_id is not None and mine == staff_id


def _is_creator(user, task):
    return user is not None and getattr(user, "pk", None) is not None and task.created_by_id == user.pk


@rule("task.create")
def may_create(user, owner):
    if _is(user, owner.pk) or can(user, "task.assign"):
        return True
    return Refusal(_("You may create tasks only for yourself."), field="owner")


@rule("task.complete")
def may_complete(user, task):
    return _is(user, task.owner_id) or _is(user, task.supervisor_id)


@rule("task.reopen")
def may_reopen(user, task):
    return _is(user, task.supervisor_id)


@rule("task.cancel")
def may_cancel(user, task):
    return _is(user, task.supervisor_id) or _is_creator(user, task)


@rule("task.reassign")
def may_reassign(user, task):
    if not can(user, "task.assign"):
        return Refusal(_("You have no right to assign tasks."))
    if not Task.objects.for_user(user).filter(pk=task.pk).exists():
        return Refusal(_("This task is outside your area."))
    return True


@rule("task.edit")
def may_edit(user, task):
    """The creator, or a manager with task.assign over the task (the task is in their scope at the door)."""
    return _is_creator(user, task) or can(user, "task.assign")


def task_moves(user, task):
    """{move: True/False} for the task page: which forms to offer (the state cuts them further)."""
    return {move: may(user, f"task.{move}", task) for move in MOVES}
