"""Visits: planning and recording a visit to a customer or a channel, changing it (marking a planned visit done,
cancelling one), the bulk upsert of branch systems' visits, the visit rules — and keeping each customer's last
visit (CustomerLastVisit) in the same transaction as the visits, whichever of these wrote them.

A done visit with a next step gives its visitor a workflow task (workflow.services.task_create) due on the next
step's day, made once per visit. While that task is open it follows the visit: a next step or day changed later
moves the task's title and due day (workflow.services.task_update), and a next step removed or a visit cancelled
cancels it (task_cancel) — a done or cancelled task is left as it is. A visit in the future cannot be done: it is
planned, and marked done on the day.

The last visits: a new (or newly done, or later) visit grows a customer's row with one upsert that keeps the later
day (`GREATEST`), which also locks the row; a visit undone or moved earlier recomputes the row from the customer's
done visits under that lock. Lock order: the visit rows (by id), then the last-visit rows (by customer id), then
the follow-up task (workflow's services lock it).
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.signals import setting_changed
from django.db import connection, transaction
from django.db.models import Max
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channels.choices import ChannelState
from channels.models import Channel
from core.bulk import insert_rows
from core.dates import supported_range
from core.errors import Conflict, DomainError, InvalidInput
from core.rights import SYSTEM, ensure, may
from core.roles import Role, role_of, staff_of
from customers.choices import CustomerKind, CustomerStatus
from customers.models import Customer
from customers.services.inputs import EXTERNAL_ID_TAKEN, clean_choice, clean_date, clean_text
from regions.models import StaffProfile
from relations.models.visits import CustomerLastVisit, Visit, VisitKind, VisitRule, VisitSegment, VisitState
from workflow.choices import TaskState
from workflow.models import Task
from workflow.services import task_cancel, task_create, task_update

TEXT_MAX = {"participants": 300, "competitors": 300, "next_step": 200, "notes": 4000, "needs": 2000}
TEXT_FIELDS = tuple(TEXT_MAX)
UPDATABLE = {"on", "kind", "state", "salesperson", "external_id", "next_on", *TEXT_FIELDS}
FUTURE_DONE = gettext_lazy("A visit in the future cannot be done: plan it, and mark it done on the day it happens.")
TASK_TITLE_MAX = 200
# The visit's own columns, in the order the bulk path writes them.
_FIELDS = ("on", "kind", "state", *TEXT_FIELDS, "next_on")


def actor_user(by):
    """The user to record as the visit's author (None for the system or a branch system's key)."""
    return by if isinstance(by, get_user_model()) else None


# ------------------------------------------------------------------------------------------------ checks


def _subject(customer, channel):
    if (customer is None) == (channel is None):
        raise InvalidInput(_("Name the customer or the channel visited (one of the two)."), field="customer")
    if customer is not None:
        if not isinstance(customer, Customer):
            raise InvalidInput(_("Choose a customer."), field="customer")
        if customer.status == CustomerStatus.CLOSED:
            raise InvalidInput(_("%(name)s is a closed customer.") % {"name": customer.name}, field="customer")
        return customer
    if not isinstance(channel, Channel):
        raise InvalidInput(_("Choose a channel."), field="channel")
    if channel.state == ChannelState.TERMINATED:
        raise InvalidInput(_("The channel %(name)s is terminated.") % {"name": channel.name}, field="channel")
    return channel


def _unit_of(subject):
    return subject.district if isinstance(subject, Customer) else subject.unit


def default_visitor(by, subject):
    """Who visits when nobody is named: a salesperson themselves, else the subject's salesperson, else the
    person recording it (a manager), else nobody (a branch system's visit to a customer without a salesperson)."""
    staff = staff_of(by, active=True) if by is not SYSTEM else None
    if staff is not None and role_of(by) == Role.SALES_REP:
        return staff
    if subject.salesperson_id is not None and subject.salesperson.is_active:
        return subject.salesperson
    return staff


def _visitor(by, salesperson, subject):
    if salesperson is None:
        return default_visitor(by, subject)
    if not isinstance(salesperson, StaffProfile):
        raise InvalidInput(_("Choose who visited."), field="salesperson")
    if not salesperson.is_active:
        raise InvalidInput(_("%(name)s is no longer in service.") % {"name": salesperson.name}, field="salesperson")
    if by is not SYSTEM and role_of(by) == Role.SALES_REP:
        staff = staff_of(by, active=True)
        if staff is None or staff.pk != salesperson.pk:
            raise InvalidInput(_("A salesperson records their own visits."), field="salesperson")
    unit = _unit_of(subject)
    if not unit.path.startswith(salesperson.unit.path):
        raise InvalidInput(
            _("%(name)s does not work over the district office %(district)s.")
            % {"name": salesperson.name, "district": unit.name},
            field="salesperson",
        )
    return salesperson


def _external_id(value, *, exclude_pk=None):
    if value in (None, ""):
        return None
    value = clean_text(value, field="external_id", max_length=64)
    if Visit.objects.unscoped().filter(external_id=value).exclude(pk=exclude_pk).exists():
        raise InvalidInput(EXTERNAL_ID_TAKEN, field="external_id")
    return value or None


KINDS, STATES = frozenset(VisitKind.values), frozenset(VisitState.values)


def _choice(value, choices, allowed, *, field):
    # The choices' values read once (Django builds `.values` anew on every access): checked per visit in bulk.
    if isinstance(value, str) and value in allowed:
        return value
    return clean_choice(value, choices, field=field)


def _supported_range():
    # The supported range (core.dates) parsed once, not on every date of a bulk request; parsed again when a test
    # changes the settings.
    if not _RANGE:
        _RANGE.append(supported_range())
    return _RANGE[0]


_RANGE = []


@receiver(setting_changed)
def _range_changed(*, setting, **kwargs):
    if setting in ("SUPPORTED_DATE_MIN", "SUPPORTED_DATE_MAX"):
        _RANGE.clear()


def _clean_day(value, *, field):
    """clean_date for a visit's days: a plain date inside the supported range as it is; anything else (a text, a
    date outside the range) through clean_date, which converts it or words the refusal."""
    if type(value) is datetime.date:
        first, last = _supported_range()
        if first <= value <= last:
            return value
    return clean_date(value, field=field)


def clean_values(values, *, today):
    """The checked values of a visit (all of them given: the current ones merged with the changes): the date
    (a done visit not after `today`), kind, state, texts, and the next step with its day (both or neither, the day
    not before the visit's)."""
    out = {}
    out["on"] = _clean_day(values.get("on") if values.get("on") is not None else today, field="on")
    out["kind"] = _choice(values.get("kind") or VisitKind.VISIT, VisitKind, KINDS, field="kind")
    out["state"] = _choice(values.get("state") or VisitState.DONE, VisitState, STATES, field="state")
    if out["state"] == VisitState.DONE and out["on"] > today:
        raise InvalidInput(FUTURE_DONE, field="on")
    for name, limit in TEXT_MAX.items():
        value = values.get(name)
        out[name] = "" if value is None or value == "" else clean_text(value, field=name, max_length=limit)
    next_on = values.get("next_on")
    out["next_on"] = _clean_day(next_on, field="next_on") if next_on not in (None, "") else None
    if out["next_step"] and out["next_on"] is None:
        raise InvalidInput(_("Give the day of the next step."), field="next_on")
    if out["next_on"] is not None and not out["next_step"]:
        raise InvalidInput(_("Say what the next step is."), field="next_step")
    if out["next_on"] is not None and out["next_on"] < out["on"]:
        raise InvalidInput(_("The next step cannot come before the visit."), field="next_on")
    return out


# ------------------------------------------------------------------------------------------- last visits


def _greatest():
    return "GREATEST" if connection.vendor == "postgresql" else "MAX"


def last_visits_grow(days):
    """Keep the later of each customer's last visit and `days` ({customer id: day}): one upsert, which locks the
    rows it touches (in customer-id order)."""
    if not days:
        return
    items = sorted(days.items())
    table = CustomerLastVisit._meta.db_table
    values = ", ".join(["(%s, %s)"] * len(items))
    params = [value for item in items for value in item]
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" (customer_id, last_on) VALUES {values} '  # noqa: S608 (fixed table name)
            f'ON CONFLICT (customer_id) DO UPDATE SET last_on = {_greatest()}("{table}".last_on, EXCLUDED.last_on)',
            params,
        )


def last_visits_recompute(customer_ids):
    """Set the customers' last visits from their done visits (after a visit was undone or moved earlier)."""
    ids = sorted(set(customer_ids))
    if not ids:
        return
    list(CustomerLastVisit.objects.unscoped().select_for_update().filter(customer_id__in=ids).order_by("customer_id"))
    latest = dict(
        Visit.objects.unscoped()
        .filter(customer_id__in=ids, state=VisitState.DONE)
        .order_by()
        .values("customer_id")
        .annotate(last=Max("on"))
        .values_list("customer_id", "last")
    )
    CustomerLastVisit.objects.unscoped().filter(customer_id__in=ids).exclude(customer_id__in=list(latest)).delete()
    CustomerLastVisit.objects.bulk_create(
        [CustomerLastVisit(customer_id=pk, last_on=day) for pk, day in sorted(latest.items())],
        update_conflicts=True,
        unique_fields=["customer"],
        update_fields=["last_on"],
    )


def _follow_up(by, visit):
    """The next step of a done visit as its visitor's task (once per visit)."""
    if visit.state != VisitState.DONE or not visit.next_step or visit.task_id is not None:
        return
    owner = visit.salesperson
    if owner is None:
        raise InvalidInput(_("Nobody to give the next step to: name who visited."), field="salesperson")
    subject = visit.subject
    task_by = by if by is not SYSTEM and may(by, "task.create", owner) else SYSTEM
    visit.task = task_create(
        title=visit.next_step[:TASK_TITLE_MAX],
        owner=owner,
        due_on=visit.next_on,
        by=task_by,
        source=visit,
        description=_("Next step of the visit to %(subject)s on %(on)s.") % {"subject": subject, "on": visit.on.isoformat()},
    )
    Visit.objects.unscoped().filter(pk=visit.pk).update(task=visit.task)


def _task_actor(by, action, task):
    """Who moves the follow-up task: the person changing the visit when workflow's rule lets them, else the system
    (the visit's change was allowed by `visit.update`; the task only follows the visit)."""
    return by if by is not SYSTEM and may(by, action, task) else SYSTEM


def _open_task(visit):
    if visit.task_id is None:
        return None
    return Task.objects.filter(pk=visit.task_id, state=TaskState.OPEN).first()


def _check_task_day(visit, cleaned, *, today):
    """A next step's day moved while its task is open becomes the task's due day, which cannot lie in the past."""
    next_on = cleaned["next_on"]
    if next_on is None or next_on == visit.next_on or next_on >= today or visit.task_id is None:
        return
    if cleaned["state"] != VisitState.CANCELLED and _open_task(visit) is not None:
        raise InvalidInput(
            _("The next step's task is open: its day cannot be moved into the past (today is %(today)s).")
            % {"today": today.isoformat()},
            field="next_on",
        )


def _sync_task(by, visit, *, old_step, old_on):
    """Keep the open follow-up task in step with the visit after a change: the title and due day follow the next
    step and its day; a next step removed, or the visit cancelled, cancels the task (and frees the visit for a new
    next step's task)."""
    task = _open_task(visit)
    if task is None:
        return
    if visit.state == VisitState.CANCELLED or not visit.next_step:
        reason = _("The visit was cancelled.") if visit.state == VisitState.CANCELLED else _("The visit's next step was removed.")
        task_cancel(task=task, by=_task_actor(by, "task.cancel", task), reason=reason)
        visit.task = None
        Visit.objects.unscoped().filter(pk=visit.pk).update(task=None)
        return
    changes = {}
    if visit.next_step != old_step:
        changes["title"] = visit.next_step[:TASK_TITLE_MAX]
    if visit.next_on != old_on:
        changes["due_on"] = visit.next_on
    if changes:
        task_update(task=task, by=_task_actor(by, "task.edit", task), **changes)


# ------------------------------------------------------------------------------------------------ writes


@transaction.atomic
def visit_record(*, by, today=None, **values):
    """Plan or record a visit (`visit.record` of the customer or channel): `customer` or `channel`, done today by
    default; a done visit with a next step gives the visitor a task. Returns the Visit."""
    new = visit_prepare_new(by=by, values=values, today=today)
    visit = Visit.objects.create(
        customer=new.customer,
        channel=new.channel,
        unit=new.unit,
        salesperson=new.salesperson,
        external_id=new.external_id,
        created_by=actor_user(by),
        **new.values,
    )
    if visit.state == VisitState.DONE and visit.customer_id is not None:
        last_visits_grow({visit.customer_id: visit.on})
    _follow_up(by, visit)
    return visit


def lock_visit(visit):
    return (
        Visit.objects.unscoped()
        .select_for_update(of=("self",))
        .select_related("unit", "customer", "channel", "salesperson")
        .get(pk=visit.pk)
    )


@transaction.atomic
def visit_update(*, by, visit, today=None, **changes):
    """Change a visit (`visit.update`): its record, marking a planned visit done (not before its day), cancelling
    it. The customer or channel visited does not change. A cancelled visit stays as it is; a done visit does not
    go back to planned. Returns the Visit."""
    today = today or timezone.localdate()
    visit = lock_visit(visit)
    ensure(by, "visit.update", visit)
    changes = _changes_only(visit, changes)
    cleaned, visitor, external_id = _check_update(by, visit, changes, today=today)
    return _apply_update(by, visit, cleaned, visitor, external_id)


def _changes_only(visit, changes):
    for name in ("customer", "channel"):
        if name in changes:
            if changes.pop(name) != getattr(visit, name):
                raise InvalidInput(_("The customer or channel of a visit does not change: record a new visit."), field=name)
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise InvalidInput(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}, field=sorted(unknown)[0])
    return changes


def _check_update(by, visit, changes, *, today):
    if visit.state == VisitState.CANCELLED:
        raise Conflict(_("This visit was cancelled: it cannot be changed."), field="state")
    current = {name: getattr(visit, name) for name in ("on", "kind", "state", "next_on", *TEXT_FIELDS)}
    cleaned = clean_values(
        {**current, **{k: v for k, v in changes.items() if k not in ("salesperson", "external_id")}}, today=today
    )
    if visit.state == VisitState.DONE and cleaned["state"] == VisitState.PLANNED:
        raise Conflict(_("A done visit does not go back to planned."), field="state")
    _check_task_day(visit, cleaned, today=today)
    visitor = visit.salesperson
    if "salesperson" in changes and (changes["salesperson"] is not None or visit.salesperson_id is not None):
        if getattr(changes["salesperson"], "pk", None) != visit.salesperson_id:
            visitor = _visitor(by, changes["salesperson"], visit.subject)
    external_id = visit.external_id
    if "external_id" in changes and (changes["external_id"] or None) != visit.external_id:
        external_id = _external_id(changes["external_id"], exclude_pk=visit.pk)
    return cleaned, visitor, external_id


def _apply_update(by, visit, cleaned, visitor, external_id):
    was_done, old_on = visit.state == VisitState.DONE, visit.on
    old_step, old_next_on = visit.next_step, visit.next_on
    for name, value in cleaned.items():
        setattr(visit, name, value)
    visit.salesperson, visit.external_id = visitor, external_id
    visit.save()
    if visit.customer_id is not None:
        done = visit.state == VisitState.DONE
        if was_done and (not done or visit.on < old_on):
            last_visits_recompute([visit.customer_id])
        elif done and (not was_done or visit.on > old_on):
            last_visits_grow({visit.customer_id: visit.on})
    _sync_task(by, visit, old_step=old_step, old_on=old_next_on)
    _follow_up(by, visit)
    return visit


# ------------------------------------------------------------------------------------------------- bulk


@dataclass(frozen=True)
class NewVisit:
    """A new visit checked by `visit_prepare_new` (rights asked, values clean): what `visits_write_many` writes."""

    customer: object
    channel: object
    unit: object
    salesperson: object
    external_id: str | None
    values: dict


@dataclass(frozen=True)
class VisitChange:
    """A change of a visit checked by `visit_prepare_change`."""

    visit: object
    values: dict
    salesperson: object
    external_id: str | None


def _check_subject(by, customer, channel, salesperson):
    subject = _subject(customer, channel)
    ensure(by, "visit.record", subject)
    return subject, _visitor(by, salesperson, subject)


def _check_subject_once(by, customer, channel, salesperson, checked):
    """_check_subject, its answer (or refusal) kept in `checked` for the batch: the subject's state, the right
    to record its visits and the visitor depend only on the sender, the subject and the visitor named, so each
    distinct (subject, visitor) of a batch is judged once (as customers.rights.ensure_each does for invoices)."""
    subject = customer if customer is not None else channel
    if (
        checked is None
        or (customer is None) == (channel is None)
        or not isinstance(subject, Customer | Channel)
        or not (salesperson is None or isinstance(salesperson, StaffProfile))
    ):
        return _check_subject(by, customer, channel, salesperson)
    key = (type(subject), subject.pk, None if salesperson is None else salesperson.pk)
    answer = checked.get(key)
    if answer is None:
        try:
            answer = _check_subject(by, customer, channel, salesperson)
        except DomainError as error:
            answer = error
        checked[key] = answer
    if isinstance(answer, DomainError):
        raise answer.with_traceback(None)
    return answer


def visit_prepare_new(*, by, values, today=None, external_id_checked=False, checked=None):
    """Check a new visit as `visit_record` does (`visit.record` of its customer or channel) without writing it.
    `external_id_checked`: the caller has already found the external id unused (the bulk path, one query for the
    whole batch). `checked`: a dict the caller keeps over a batch, so that each distinct (subject, visitor) is
    judged once (its state, the right, the visitor)."""
    today = today or timezone.localdate()
    values = dict(values)
    customer, channel = values.pop("customer", None), values.pop("channel", None)
    subject, salesperson = _check_subject_once(by, customer, channel, values.pop("salesperson", None), checked)
    external_id = values.pop("external_id", None)
    unknown = set(values) - UPDATABLE
    if unknown:
        raise InvalidInput(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}, field=sorted(unknown)[0])
    cleaned = clean_values(values, today=today)
    if cleaned["state"] == VisitState.CANCELLED:
        raise InvalidInput(_("A new visit is planned or done."), field="state")
    if not external_id_checked:
        external_id = _external_id(external_id)
    return NewVisit(customer, channel, _unit_of(subject), salesperson, external_id or None, cleaned)


def visit_prepare_change(*, by, visit, changes, today=None):
    """Check a change of `visit` as `visit_update` does (`visit.update`) without writing it; None if nothing
    would change (a record sent again)."""
    today = today or timezone.localdate()
    ensure(by, "visit.update", visit)
    changes = _changes_only(visit, dict(changes))
    cleaned, visitor, external_id = _check_update(by, visit, changes, today=today)
    same = all(getattr(visit, name) == value for name, value in cleaned.items())
    if same and visitor == visit.salesperson and external_id == visit.external_id:
        return None
    return VisitChange(visit, cleaned, visitor, external_id)


def visits_write_many(*, by, creates, updates):
    """Write checked visits set-wise, in the caller's transaction: `creates` (NewVisit) by one COPY, `updates`
    (VisitChange, of visits the caller read) one by one; then the customers' last visits by one upsert (and a
    recompute for visits undone or moved earlier), and the follow-up tasks of done visits with a next step.
    Returns the new visits' ids."""
    now = timezone.now()
    author = actor_user(by)
    columns = ("external_id", "customer_id", "channel_id", "unit_id", "salesperson_id", "created_by_id", "created_at", *_FIELDS)
    ids = insert_rows(
        Visit,
        columns,
        [
            (
                new.external_id,
                getattr(new.customer, "pk", None),
                getattr(new.channel, "pk", None),
                new.unit.pk,
                getattr(new.salesperson, "pk", None),
                getattr(author, "pk", None),
                now,
                *(new.values[name] for name in _FIELDS),
            )
            for new in creates
        ],
    )
    grow, recompute, follow = {}, set(), []
    for pk, new in zip(ids, creates, strict=True):
        if new.values["state"] == VisitState.DONE:
            if new.customer is not None and new.values["on"] > grow.get(new.customer.pk, datetime.date.min):
                grow[new.customer.pk] = new.values["on"]
            if new.values["next_step"]:
                follow.append(pk)
    for change in sorted(updates, key=lambda c: c.visit.pk):
        visit = change.visit
        was_done, old_on = visit.state == VisitState.DONE, visit.on
        old_step, old_next_on = visit.next_step, visit.next_on
        for name, value in change.values.items():
            setattr(visit, name, value)
        visit.salesperson, visit.external_id = change.salesperson, change.external_id
        visit.save()
        if visit.customer_id is not None:
            done = visit.state == VisitState.DONE
            if was_done and (not done or visit.on < old_on):
                recompute.add(visit.customer_id)
            elif done:
                grow[visit.customer_id] = max(visit.on, grow.get(visit.customer_id, datetime.date.min))
        _sync_task(by, visit, old_step=old_step, old_on=old_next_on)
        if visit.state == VisitState.DONE and visit.next_step and visit.task_id is None:
            follow.append(visit.pk)
    last_visits_grow(grow)
    last_visits_recompute(recompute)
    if follow:
        for visit in Visit.objects.unscoped().filter(pk__in=follow).select_related("customer", "channel", "salesperson"):
            _follow_up(by, visit)
    return ids


# ------------------------------------------------------------------------------------------------ rules


@transaction.atomic
def visit_rule_set(*, by, segment, interval_days, customer_kind=""):
    """Set how often a class of customers is due a visit (`visit_rule.change`: the Development Center)."""
    ensure(by, "visit_rule.change")
    segment = clean_choice(segment, VisitSegment, field="segment")
    if customer_kind:
        customer_kind = clean_choice(customer_kind, CustomerKind, field="customer_kind")
    if isinstance(interval_days, bool) or not isinstance(interval_days, int) or not 1 <= interval_days <= 366:
        raise InvalidInput(_("The interval is a whole number of days from 1 to 366."), field="interval_days")
    rule, _created = VisitRule.objects.update_or_create(
        segment=segment, customer_kind=customer_kind or "", defaults={"interval_days": interval_days}
    )
    return rule


@transaction.atomic
def visit_rule_delete(*, by, rule):
    """Remove a visit rule (`visit_rule.change`): a rule for one kind of customer gives way to its class's general
    rule, a general rule to the default interval (relations.selectors.visits.DEFAULT_INTERVALS)."""
    ensure(by, "visit_rule.change", rule)
    VisitRule.objects.filter(pk=rule.pk).delete()
