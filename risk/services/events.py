"""Special events: report one, give it an owner, a procedure of steps with deadlines, notes, and close it
with a summary. Every service takes the actor (`by=`), asks its right (risk/rights.py) before it writes,
locks the event's row, and writes a line of the timeline (EventEntry) with the change.

Reporting tells the regional manager of the unit's region and the Development Center at once: the report
enqueues `risk.notify_event_reported` after its commit (inbox and e-mail, notifications.notify); the job
sends once, whatever the number of runs (`notified_at` is claimed with a conditional UPDATE).
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from approvals.calendar import add_working_days
from core.dates import check_supported_date
from core.errors import Conflict, InvalidInput, Unprocessable
from core.rights import SYSTEM, ensure
from core.roles import Role, staff_of
from customers.models import Customer, Product
from notifications.choices import NotificationKind
from notifications.services import notify
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile
from risk.choices import OPEN_STATES, EntryKind, EventKind, EventSeverity, EventState
from risk.models import EventEntry, EventStep, SpecialEvent
from workflow.services import MANAGER_OF

TITLE_MAX = SpecialEvent._meta.get_field("title").max_length
STEP_MAX = EventStep._meta.get_field("description").max_length
NOTE_MAX = EventStep._meta.get_field("note").max_length
TEXT_MAX = 10_000  # what happened, a note, a summary: a long text, not a file
# The deadline of a step when none is given: this many working days after today.
DEFAULT_STEP_DAYS = 3
MAX_STEP_DAYS = 250  # about a working year


# --- input checks ---------------------------------------------------------------------------------
def _choice(value, choices, field):
    if value not in choices.values:
        raise InvalidInput(
            _("Unknown value %(value)s: use one of %(choices)s.") % {"value": value, "choices": ", ".join(choices.values)},
            field=field,
        )
    return choices(value)


def _text(value, *, field, label, max_length=TEXT_MAX, required=True):
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(_("%(label)s is required.") % {"label": label}, field=field)
    if len(text) > max_length:
        raise InvalidInput(
            _("%(label)s is too long (at most %(n)d characters).") % {"label": label, "n": max_length}, field=field
        )
    if "\x00" in text:
        raise InvalidInput(_("Null characters are not allowed."), field=field)
    return text


def _unit(unit):
    if unit is None or unit == "":
        raise InvalidInput(_("Choose the org unit where the event happened."), field="unit")
    if not isinstance(unit, OrgUnit):
        try:
            unit = OrgUnit.objects.filter(pk=int(unit)).first()
        except (TypeError, ValueError, OverflowError):
            unit = None
        if unit is None:
            raise InvalidInput(_("No such org unit."), field="unit")
    if not unit.is_active:
        raise InvalidInput(_("%(unit)s is closed.") % {"unit": unit}, field="unit")
    return unit


def _staff(by):
    """The acting person's profile (None for the system)."""
    return None if by is SYSTEM else staff_of(by)


def _holder(role, unit):
    return StaffProfile.objects.filter(unit=unit, role=role, is_active=True).order_by("pk").first()


def unit_manager(unit):
    """The manager of `unit`: the holder of its manager's post, or — while that post is vacant — of the
    next one up (the Development Center's director at the top). None only in an empty company."""
    for level in [unit, *reversed(list(unit.ancestors()))]:
        role = MANAGER_OF.get(level.kind)
        holder = _holder(role, level) if role else None
        if holder is not None:
            return holder
    return None


def _region_of(unit):
    if unit.kind == UnitKind.REGION:
        return unit
    return unit.ancestors().filter(kind=UnitKind.REGION).first()


def candidates(event_unit):
    """The people who may own an event (or a step) of `event_unit`: active staff of the unit, of the units
    below it and of the units above it (its managers up to the Development Center)."""
    ancestor_ids = [u.pk for u in event_unit.ancestors()]
    return StaffProfile.objects.filter(Q(unit__path__startswith=event_unit.path) | Q(unit_id__in=ancestor_ids), is_active=True)


def _person(value, *, unit, field):
    """An active staff member who may own work of an event of `unit`."""
    pk = getattr(value, "pk", value)
    try:
        person = candidates(unit).filter(pk=int(pk)).select_related("unit", "user").first()
    except (TypeError, ValueError, OverflowError):
        person = None
    if person is None:
        raise InvalidInput(
            _("Choose an active member of staff of %(unit)s, of a unit below it or of its managers above.") % {"unit": unit},
            field=field,
        )
    return person


def _customers(values, *, unit, by):
    """The customers concerned: in the unit's subtree and, for a person, inside their own scope."""
    ids = []
    for value in values or ():
        try:
            ids.append(int(getattr(value, "pk", value)))
        except (TypeError, ValueError, OverflowError):
            raise InvalidInput(_("No such customer: %(value)s.") % {"value": value}, field="customers") from None
    if not ids:
        return []
    readable = Customer.objects.all() if by is SYSTEM else Customer.objects.for_user(by)
    found = {c.pk: c for c in readable.filter(pk__in=ids, district__path__startswith=unit.path)}
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise InvalidInput(
            _("These customers are not customers of %(unit)s that you can see: %(ids)s.")
            % {"unit": unit, "ids": ", ".join(missing)},
            field="customers",
        )
    return list(found.values())


def _products(values):
    ids = []
    for value in values or ():
        try:
            ids.append(int(getattr(value, "pk", value)))
        except (TypeError, ValueError, OverflowError):
            raise InvalidInput(_("No such product: %(value)s.") % {"value": value}, field="products") from None
    found = {p.pk: p for p in Product.objects.filter(pk__in=ids)}
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise InvalidInput(_("No such product: %(value)s.") % {"value": ", ".join(missing)}, field="products")
    return list(found.values())


def _occurred_on(value, today):
    if value is None:
        raise InvalidInput(_("Say on which day the event happened."), field="occurred_on")
    check_supported_date(value, field="occurred_on")
    if value > today:
        raise InvalidInput(_("An event cannot have happened after today."), field="occurred_on")
    return value


def _lock(event):
    return SpecialEvent.objects.select_for_update().select_related("unit", "owner").get(pk=event.pk)


def _require_open(event):
    if event.state not in OPEN_STATES:
        raise Conflict(_("This event is closed; nothing more can be done to it."))


def _entry(event, kind, by, text="", step=None):
    return EventEntry.objects.create(event=event, kind=kind, by=_staff(by), text=text, step=step, at=timezone.now())


def _message(message, **params):
    """A notification text in the default language, like everything notify() sends."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % params if params else str(message)


# --- report ---------------------------------------------------------------------------------------
@transaction.atomic
def event_report(*, by, unit, kind, severity, title, description, occurred_on, customers=(), products=()):
    """Report a special event of `unit`. Its owner is the unit's manager (the next manager up while the post
    is vacant); the regional manager and the Development Center are notified once the report commits."""
    unit = _unit(unit)
    ensure(by, "event.report", unit)
    today = timezone.localdate()
    kind = _choice(kind, EventKind, "kind")
    severity = _choice(severity, EventSeverity, "severity")
    title = _text(title, field="title", label=_("The title"), max_length=TITLE_MAX)
    description = _text(description, field="description", label=_("What happened"))
    occurred_on = _occurred_on(occurred_on, today)
    customers = _customers(customers, unit=unit, by=by)
    products = _products(products)
    reporter = _staff(by)
    owner = unit_manager(unit) or reporter
    if reporter is None:
        reporter = owner
    if owner is None:
        raise Conflict(_("Nobody can own an event of %(unit)s: its managers' posts are all vacant.") % {"unit": unit})
    event = SpecialEvent.objects.create(
        kind=kind,
        severity=severity,
        unit=unit,
        title=title,
        description=description,
        occurred_on=occurred_on,
        reported_by=reporter,
        owner=owner,
    )
    event.customers.set(customers)
    event.products.set(products)
    _entry(event, EntryKind.REPORTED, by, text=title)
    _entry(event, EntryKind.OWNER_ASSIGNED, by, text=owner.name)

    # cycle: risk.tasks imports risk.services (the job calls event_notify_reported)
    from risk.tasks import notify_event_reported

    transaction.on_commit(lambda: notify_event_reported.delay(event.pk))
    return event


def event_recipients(event):
    """Whom a report tells: the regional manager of the unit's region, the Development Center's people and
    the event's owner — not the reporter himself."""
    region = _region_of(event.unit)
    people = []
    if region is not None:
        people += list(StaffProfile.objects.filter(unit=region, role=Role.REGIONAL_MANAGER, is_active=True))
    people += list(
        StaffProfile.objects.filter(unit__kind=UnitKind.CENTER, role__in=(Role.DIRECTOR, Role.CENTER_STAFF), is_active=True)
    )
    people.append(event.owner)
    seen, result = set(), []
    for person in people:
        if person.pk in seen or person.pk == event.reported_by_id:
            continue
        seen.add(person.pk)
        result.append(person)
    return result


@transaction.atomic
def event_notify_reported(*, event_id):
    """Tell the regional manager and the Development Center of a reported event (inbox and e-mail). Sends
    once: the first run claims `notified_at`; another run, or a run for a gone event, does nothing.
    Returns how many people were told."""
    claimed = SpecialEvent.objects.filter(pk=event_id, notified_at__isnull=True).update(notified_at=timezone.now())
    if claimed != 1:
        return 0
    event = SpecialEvent.objects.select_related("unit", "owner", "reported_by").get(pk=event_id)
    recipients = event_recipients(event)
    notify(
        recipients=[person.user for person in recipients if person.user_id],
        kind=NotificationKind.OTHER,
        title=_message(
            _("Special event (%(severity)s) in %(unit)s: %(title)s"),
            severity=event.get_severity_display(),
            unit=event.unit.name,
            title=event.title,
        ),
        body=_message(
            _("%(kind)s, happened on %(day)s, reported by %(reporter)s; owner %(owner)s.\n\n%(description)s"),
            kind=event.get_kind_display(),
            day=event.occurred_on.isoformat(),
            reporter=event.reported_by.name,
            owner=event.owner.name,
            description=event.description,
        ),
        url=event.get_absolute_url(),
    )
    return len(recipients)


# --- handling -------------------------------------------------------------------------------------
def _start(event):
    """The first act of handling moves a reported event on."""
    if event.state == EventState.REPORTED:
        event.state = EventState.IN_PROGRESS


@transaction.atomic
def event_assign_owner(*, by, event, owner):
    """Give the event an owner: a member of staff of its unit, below it or above it. The new owner is told."""
    event = _lock(event)
    ensure(by, "event.assign", event)
    _require_open(event)
    owner = _person(owner, unit=event.unit, field="owner")
    if owner.pk == event.owner_id:
        raise Conflict(_("%(name)s already owns this event.") % {"name": owner.name}, field="owner")
    event.owner = owner
    _start(event)
    event.save(update_fields=["owner", "state", "updated_at"])
    _entry(event, EntryKind.OWNER_ASSIGNED, by, text=owner.name)
    if owner.user_id and _staff(by) != owner:
        notify(
            recipients=[owner.user],
            kind=NotificationKind.OTHER,
            title=_message(_("You own the special event: %(title)s"), title=event.title),
            body=event.description,
            url=event.get_absolute_url(),
        )
    return event


@transaction.atomic
def event_add_step(*, by, event, description, owner=None, due_on=None, working_days=None):
    """Add a step to the event's procedure: what to do, who does it (the event's owner by default) and by
    when — a day, or a number of working days from today (DEFAULT_STEP_DAYS when neither is given)."""
    event = _lock(event)
    ensure(by, "event.add_step", event)
    _require_open(event)
    description = _text(description, field="description", label=_("What to do"), max_length=STEP_MAX)
    owner = event.owner if owner in (None, "") else _person(owner, unit=event.unit, field="owner")
    today = timezone.localdate()
    if due_on is None:
        days = DEFAULT_STEP_DAYS if working_days in (None, "") else working_days
        try:
            days = int(days)
        except (TypeError, ValueError, OverflowError):
            days = -1
        if not 1 <= days <= MAX_STEP_DAYS:
            raise InvalidInput(_("Give the deadline as 1 to %(n)d working days.") % {"n": MAX_STEP_DAYS}, field="working_days")
        due_on = add_working_days(today, days)
    else:
        check_supported_date(due_on, field="due_on")
        if due_on < today:
            raise InvalidInput(_("A step's deadline cannot be in the past."), field="due_on")
    step = EventStep.objects.create(event=event, description=description, owner=owner, due_on=due_on)
    _start(event)
    event.save(update_fields=["state", "updated_at"])
    _entry(event, EntryKind.STEP_ADDED, by, text=f"{description} · {owner.name} · {due_on.isoformat()}", step=step)
    if owner.user_id and _staff(by) != owner:
        notify(
            recipients=[owner.user],
            kind=NotificationKind.OTHER,
            title=_message(_("New step of the special event %(title)s (due %(due)s)"), title=event.title, due=due_on.isoformat()),
            body=description,
            url=event.get_absolute_url(),
        )
    return step


@transaction.atomic
def event_complete_step(*, by, step, note=""):
    """Mark a step of the procedure done, with an optional note."""
    event = _lock(step.event)
    step = EventStep.objects.select_for_update().select_related("event__unit").get(pk=step.pk)
    ensure(by, "event.complete_step", step)
    _require_open(event)
    if step.is_done:
        raise Conflict(_("This step is already done."))
    note = _text(note, field="note", label=_("The note"), max_length=NOTE_MAX, required=False)
    step.done_at = timezone.now()
    step.done_by = _staff(by)
    step.note = note
    step.save(update_fields=["done_at", "done_by", "note"])
    event.save(update_fields=["updated_at"])
    _entry(event, EntryKind.STEP_DONE, by, text=f"{step.description}" + (f" · {note}" if note else ""), step=step)
    return step


@transaction.atomic
def event_add_note(*, by, event, text):
    """Write a note into the event's timeline (what was learnt, who was called)."""
    event = _lock(event)
    ensure(by, "event.note", event)
    _require_open(event)
    text = _text(text, field="text", label=_("The note"))
    event.save(update_fields=["updated_at"])
    return _entry(event, EntryKind.NOTE, by, text=text)


@transaction.atomic
def event_close(*, by, event, summary):
    """Close the event with a summary of what happened and what was done. Every step must be done first:
    nothing of the procedure is left to drift."""
    event = _lock(event)
    ensure(by, "event.close", event)
    _require_open(event)
    summary = (summary or "").strip()
    if not summary:
        raise Unprocessable(_("Closing an event needs a summary of what was done."), field="summary")
    summary = _text(summary, field="summary", label=_("The summary"))
    open_steps = list(event.steps.filter(done_at__isnull=True).order_by("due_on", "pk"))
    if open_steps:
        raise Conflict(
            _("Steps still open: %(steps)s. Mark them done before closing the event.")
            % {"steps": "; ".join(step.description for step in open_steps)},
            field="summary",
        )
    event.state = EventState.CLOSED
    event.closed_at = timezone.now()
    event.summary = summary
    event.save(update_fields=["state", "closed_at", "summary", "updated_at"])
    _entry(event, EntryKind.CLOSED, by, text=summary)
    return event
