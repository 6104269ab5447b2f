"""Tasks: create, complete, reopen, cancel, reassign, edit, and the daily overdue run.

Every transition locks the task row (`select_for_update`) and checks the state under the lock, so two
people acting at once produce one change; the second gets a Conflict (409) with the reason.

Who may do what is ruled in workflow/rights.py (`task.create`, `task.complete`, `task.reopen`,
`task.cancel`, `task.reassign`, `task.edit`); every service here asks it with the acting person `by`.
`by=None` (or `core.rights.SYSTEM`) is the system: tasks made from an approved plan's actions, demo data.
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from approvals.calendar import working_days_between
from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM, ensure
from core.roles import Role, staff_of
from core.scoping import scope_of
from notifications.choices import NotificationKind
from notifications.services import notify
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile
from workflow.choices import TaskState
from workflow.models import Task

# The manager of each kind of unit: whom the people of that unit (and the managers one level below) report to.
MANAGER_OF = {
    UnitKind.CENTER: Role.DIRECTOR,
    UnitKind.REGION: Role.REGIONAL_MANAGER,
    UnitKind.PROVINCE: Role.PROVINCIAL_MANAGER,
    UnitKind.DISTRICT: Role.DISTRICT_MANAGER,
}
# Roles that report to the manager of their own unit rather than of the parent unit.
_REPORTS_IN_OWN_UNIT = {Role.SALES_REP, Role.CENTER_STAFF}

TITLE_MAX = Task._meta.get_field("title").max_length


# ------------------------------------------------------------------------------------------ helpers


def _holder(role, unit):
    """The active person holding `role` on `unit`, or None while the post is vacant."""
    return StaffProfile.objects.filter(unit=unit, role=role, is_active=True).order_by("pk").first()


def default_supervisor(owner):
    """Whom `owner` reports to: a salesperson's district manager, a manager's manager one level up
    (the director for a regional manager). A vacant post passes to the next level; None for the director."""
    unit = owner.unit
    start = unit if owner.role in _REPORTS_IN_OWN_UNIT else unit.parent
    if start is None:
        return None
    chain = [start, *reversed(list(start.ancestors()))]
    for level in chain:
        role = MANAGER_OF.get(level.kind)
        holder = _holder(role, level) if role else None
        if holder is not None and holder.pk != owner.pk:
            return holder
    return None


class ManagerChart:
    """The org tree's managers read once (three queries), for a job that asks "who manages this unit" and
    "whom does this person report to" thousands of times: the same answers as unit_manager-style lookups
    and default_supervisor, from memory. Built fresh per job run (posts change between runs)."""

    def __init__(self):
        self._units = {pk: (parent_id, kind) for pk, parent_id, kind in OrgUnit.objects.values_list("pk", "parent_id", "kind")}
        self._holders = {}
        # The first active holder (lowest pk) of each manager's post, as _holder orders them.
        for pk, unit_id, role in (
            StaffProfile.objects.unscoped()
            .filter(is_active=True, role__in=set(MANAGER_OF.values()))
            .order_by("-pk")
            .values_list("pk", "unit_id", "role")
        ):
            self._holders[(unit_id, role)] = pk
        self._people = StaffProfile.objects.unscoped().select_related("user", "unit").in_bulk(set(self._holders.values()))

    def _chain(self, unit_id):
        while unit_id is not None:
            yield unit_id
            unit_id = self._units[unit_id][0]

    def _first_holder(self, unit_id, *, besides=None):
        for level in self._chain(unit_id):
            role = MANAGER_OF.get(self._units[level][1])
            holder = self._holders.get((level, role)) if role else None
            if holder is not None and holder != besides:
                return holder
        return None

    def person(self, pk):
        """The manager with this id (one of the chart's holders), or None."""
        return None if pk is None else self._people[pk]

    def unit_manager_id(self, unit_id):
        """The manager of the unit — of the next unit up while the post is vacant; None in an empty company."""
        return self._first_holder(unit_id)

    def supervisor_id(self, person_id, unit_id, role):
        """default_supervisor of the person with this id, unit and role, as an id."""
        start = unit_id if role in _REPORTS_IN_OWN_UNIT else self._units[unit_id][0]
        return None if start is None else self._first_holder(start, besides=person_id)

    def unit_manager(self, unit_id):
        return self.person(self.unit_manager_id(unit_id))

    def supervisor(self, owner):
        """default_supervisor(owner), from memory."""
        return self.person(self.supervisor_id(owner.pk, owner.unit_id, owner.role))


def _text(message, **params):
    """A notification text, in the default language like everything notify() sends."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % params if params else str(message)


def _in_scope(user, staff):
    """True if `staff` lies inside the user's scope (a salesperson's scope holds only themselves)."""
    scope = scope_of(user)
    if scope.everything:
        return True
    if scope.own_only:
        return staff.pk == scope.staff_id
    return scope.covers_path(staff.unit.path)


def _clean_title(title):
    title = (title or "").strip() if isinstance(title, str) else ""
    if not title:
        raise InvalidInput(_("A task needs a title."), field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(_("The title is too long (at most %(max)d characters).") % {"max": TITLE_MAX}, field="title")
    return title


def _clean_due_on(due_on, *, allow_past):
    if not isinstance(due_on, datetime.date) or isinstance(due_on, datetime.datetime):
        raise InvalidInput(_("A task needs a due date."), field="due_on")
    if not allow_past and due_on < timezone.localdate():
        raise InvalidInput(_("The due date must not be in the past."), field="due_on")
    return due_on


def _required_text(text, field, message):
    text = (text or "").strip() if isinstance(text, str) else ""
    if not text:
        raise InvalidInput(message, field=field)
    return text


def _lock(task):
    return Task.objects.select_for_update(of=("self",)).select_related("owner", "supervisor").get(pk=task.pk)


def _is(user, staff_id):
    staff = staff_of(user)
    return staff is not None and staff_id is not None and staff.pk == staff_id


def _check_assigner(by, owner, field="owner"):
    """`by` may give `owner` a task: themselves, or anyone inside their scope with the right task.assign."""
    ensure(by, "task.create", owner)
    if not _is(by, owner.pk) and by is not SYSTEM and not _in_scope(by, owner):
        raise InvalidInput(_("This person is outside your area."), field=field)


def _check_supervisor(supervisor, owner, unit):
    """An explicit supervisor: someone else, in service, not a salesperson, and over the task's unit
    (so they see the task: it lies in their subtree)."""
    if not isinstance(supervisor, StaffProfile) or not supervisor.is_active:
        raise InvalidInput(_("Choose a supervisor in service."), field="supervisor")
    if supervisor.pk == owner.pk:
        raise InvalidInput(_("The supervisor must be someone other than the owner."), field="supervisor")
    if supervisor.role == Role.SALES_REP or not unit.path.startswith(supervisor.unit.path):
        raise InvalidInput(_("The supervisor must be a manager over the task's unit."), field="supervisor")


def _check_owner(owner, field="owner"):
    if not isinstance(owner, StaffProfile):
        raise InvalidInput(_("Choose the person responsible."), field=field)
    if not owner.is_active:
        raise InvalidInput(_("This person is no longer in service."), field=field)


# ------------------------------------------------------------------------------------------ create


@transaction.atomic
def task_create(*, title, owner, due_on, by, supervisor=None, unit=None, description="", source=None, allow_past=False):
    """Give `owner` a task due on `due_on`; returns the Task.

    `by` is the user assigning it (None for the system). A due date in the past is refused unless
    `allow_past` is set or the task comes from a `source` record (e.g. an approved plan's action, whose
    date may already have passed at approval) or from the system — pages never pass either.
    The unit defaults to the owner's unit and must lie inside it; the supervisor defaults to whom the
    owner reports to (see `default_supervisor`).
    """
    title = _clean_title(title)
    _check_owner(owner)
    due_on = _clean_due_on(due_on, allow_past=allow_past or source is not None or by is None or by is SYSTEM)
    if by is not None:  # None: the system (as SYSTEM)
        _check_assigner(by, owner)
    if unit is None:
        unit = owner.unit
    elif not unit.path.startswith(owner.unit.path):
        raise InvalidInput(_("The task's unit must be the owner's unit or one below it."), field="unit")
    if supervisor is None:
        supervisor = default_supervisor(owner)
    else:
        _check_supervisor(supervisor, owner, unit)
    content_type = object_id = None
    if source is not None:
        if getattr(source, "pk", None) is None:
            raise InvalidInput(_("The source record must be saved first."), field="source")
        content_type, object_id = ContentType.objects.get_for_model(source), source.pk
    task = Task.objects.create(
        title=title,
        description=(description or "").strip(),
        unit=unit,
        owner=owner,
        supervisor=supervisor,
        due_on=due_on,
        content_type=content_type,
        object_id=object_id,
        created_by=None if by is SYSTEM else by,
    )
    if not _is(by, owner.pk):
        notify(
            recipients=[owner],
            kind=NotificationKind.TASK_ASSIGNED,
            title=_text(_("New task: %(title)s (due %(due)s)"), title=title, due=due_on.isoformat()),
            body=task.description,
            url=task.get_absolute_url(),
        )
    return task


# ------------------------------------------------------------------------------------------ transitions


@transaction.atomic
def task_complete(*, task, by, note=""):
    """The owner (or the supervisor, on their behalf) marks an open task done, with an optional note."""
    task = _lock(task)
    ensure(by, "task.complete", task, _("Only the owner or the supervisor may complete this task."))
    if task.state != TaskState.OPEN:
        raise Conflict(_("Only an open task can be completed; this one is %(state)s.") % {"state": task.get_state_display()})
    now = timezone.now()
    task.state = TaskState.DONE
    task.completed_at = now
    task.completed_on = timezone.localdate(now)
    task.completed_by = by
    task.completion_note = (note or "").strip()
    task.save()
    if not _is(by, task.supervisor_id) and task.supervisor_id:
        notify(
            recipients=[task.supervisor],
            kind=NotificationKind.OTHER,
            title=_text(_("Task done: %(title)s"), title=task.title),
            body=task.completion_note,
            url=task.get_absolute_url(),
            email=False,
        )
    return task


@transaction.atomic
def task_reopen(*, task, by, reason=""):
    """The supervisor sends a done or cancelled task back to its owner: open again, completion cleared."""
    task = _lock(task)
    ensure(by, "task.reopen", task, _("Only the supervisor may reopen this task."))
    if task.state == TaskState.OPEN:
        raise Conflict(_("The task is already open."))
    task.state = TaskState.OPEN
    # The old outcome stays in the history; the task itself starts over.
    task.completed_at = task.completed_on = task.completed_by = None
    task.completion_note = task.cancelled_reason = ""
    # Reminders and the escalation start afresh for the reopened task.
    task.reminded_on = task.escalated_on = None
    task.save()
    notify(
        recipients=[task.owner],
        kind=NotificationKind.TASK_ASSIGNED,
        title=_text(_("Task reopened: %(title)s"), title=task.title),
        body=(reason or "").strip(),
        url=task.get_absolute_url(),
    )
    return task


@transaction.atomic
def task_cancel(*, task, by, reason):
    """The creator or the supervisor drops an open task; a reason is required."""
    reason = _required_text(reason, "reason", _("Say why the task is cancelled."))
    task = _lock(task)
    ensure(by, "task.cancel", task, _("Only the creator or the supervisor may cancel this task."))
    if task.state != TaskState.OPEN:
        raise Conflict(_("Only an open task can be cancelled; this one is %(state)s.") % {"state": task.get_state_display()})
    task.state = TaskState.CANCELLED
    task.cancelled_reason = reason[:500]
    task.save()
    if not _is(by, task.owner_id):
        notify(
            recipients=[task.owner],
            kind=NotificationKind.OTHER,
            title=_text(_("Task cancelled: %(title)s"), title=task.title),
            body=task.cancelled_reason,
            url=task.get_absolute_url(),
            email=False,
        )
    return task


@transaction.atomic
def task_reassign(*, task, by, owner, supervisor=None):
    """A manager hands an open task to someone else inside their scope; the unit and (unless given) the
    supervisor follow the new owner."""
    _check_owner(owner)
    ensure(by, "task.reassign", task)
    if not _in_scope(by, owner):
        raise InvalidInput(_("This person is outside your area."), field="owner")
    task = _lock(task)
    if task.state != TaskState.OPEN:
        raise Conflict(_("Only an open task can be reassigned; this one is %(state)s.") % {"state": task.get_state_display()})
    if owner.pk == task.owner_id:
        raise InvalidInput(_("The task already belongs to this person."), field="owner")
    if supervisor is None:
        supervisor = default_supervisor(owner)
    else:
        _check_supervisor(supervisor, owner, owner.unit)
    task.owner, task.unit, task.supervisor = owner, owner.unit, supervisor
    task.reminded_on = task.escalated_on = None
    task.save()
    notify(
        recipients=[owner],
        kind=NotificationKind.TASK_ASSIGNED,
        title=_text(_("New task: %(title)s (due %(due)s)"), title=task.title, due=task.due_on.isoformat()),
        body=task.description,
        url=task.get_absolute_url(),
    )
    return task


@transaction.atomic
def task_update(*, task, by, **changes):
    """Change the title, description or due date of an open task (the creator or a manager)."""
    unknown = set(changes) - {"title", "description", "due_on"}
    if unknown:
        raise InvalidInput(_("These fields cannot be changed here."), field=sorted(unknown)[0])
    task = _lock(task)
    ensure(by, "task.edit", task, _("Only the creator or a manager may change this task."))
    if task.state != TaskState.OPEN:
        raise Conflict(_("Only an open task can be changed; this one is %(state)s.") % {"state": task.get_state_display()})
    if "title" in changes:
        task.title = _clean_title(changes["title"])
    if "description" in changes:
        task.description = (changes["description"] or "").strip()
    if "due_on" in changes and changes["due_on"] != task.due_on:
        task.due_on = _clean_due_on(changes["due_on"], allow_past=False)
        # A new deadline: the owner is reminded and the supervisor alerted afresh against it.
        task.reminded_on = task.escalated_on = None
    task.save()
    return task


# ------------------------------------------------------------------------------------------ daily job


def tasks_remind_overdue(today=None):
    """Remind owners of open tasks due today or overdue (once a day) and escalate to the supervisor
    those overdue by at least one working day (once). Safe to run twice: each mark is set by a
    conditional UPDATE that only the first run wins. Returns {"reminded": n, "escalated": m}."""
    today = today or timezone.localdate()
    reminded = escalated = 0
    candidates = (
        Task.objects.unscoped()
        .filter(state=TaskState.OPEN, due_on__lte=today)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today) | Q(escalated_on__isnull=True))
        .select_related("owner__user", "supervisor__user")
        .order_by("due_on", "pk")
    )
    for task in candidates.iterator(chunk_size=500):
        with transaction.atomic():
            mine = Task.objects.filter(pk=task.pk, state=TaskState.OPEN)
            won = mine.filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today)).update(reminded_on=today)
            if won:
                reminded += 1
                late = task.due_on < today
                message = _("Task overdue: %(title)s (due %(due)s)") if late else _("Task due today: %(title)s")
                title = _text(message, title=task.title, due=task.due_on.isoformat())
                notify(
                    recipients=[task.owner],
                    kind=NotificationKind.TASK_OVERDUE,
                    title=title,
                    body=task.description,
                    url=task.get_absolute_url(),
                )
            if task.supervisor_id and task.escalated_on is None and working_days_between(task.due_on, today) >= 1:
                won = mine.filter(escalated_on__isnull=True).update(escalated_on=today)
                if won:
                    escalated += 1
                    notify(
                        recipients=[task.supervisor],
                        kind=NotificationKind.ESCALATED,
                        title=_text(
                            _("Overdue task of %(owner)s: %(title)s (due %(due)s)"),
                            owner=task.owner.name,
                            title=task.title,
                            due=task.due_on.isoformat(),
                        ),
                        body=task.description,
                        url=task.get_absolute_url(),
                    )
    return {"reminded": reminded, "escalated": escalated}
