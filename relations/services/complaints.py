"""Complaints (投诉): logged for a customer about a product the company sells or a channel in the logger's scope,
handled by an owner taken from the org tree against an SLA in working days, closed with a result and the customer's
confirmation, escalated up the tree while past the SLA without a result.

**The owner** (`complaint_owner`): the customer's salesperson while they are in service — they know the customer
and do the field work; a critical complaint, or a customer without an active salesperson, goes to the manager of
the customer's district office (the next manager up while that post is vacant). The district's manager sees every
complaint of the district in their queue either way.

**The SLA**: the result is due `SLA_WORKING_DAYS[severity]` working days after the day the complaint was received
(China's calendar: approvals.calendar, holidays off, make-up working days on). A complaint without a result after
its due day is *breached*; a result given on or before the due day *met* the SLA. Handling time is the working days
from receipt to closing.

**Escalation** (`complaints_escalate`, the beat task relations.complaints_escalate): on each working day, every
breached complaint passes one level up — its owner's next manager (workflow.services.default_supervisor: a
salesperson's district manager, then the provincial, the regional manager, the director) becomes its owner and is
told. At most once per complaint and working day (`escalated_on` and ComplaintEscalation's unique constraint, the
row taken under a lock), so the job may run any number of times; a complaint with a result, or closed, is no longer
escalated. A person may *report* a breach (a customer calls again): that escalates at once, by the same rule.

States: open → in progress → resolved (the result) → closed (the customer's confirmation); resolved or closed →
reopened (the customer was not satisfied: the SLA clock runs again against the same due day).

Bad input is refused on its field (InvalidInput 400 / Unprocessable 422) before anything is written; a move the
state does not allow is a Conflict (409); a missing right NotAllowed (403)."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.calendar import add_working_days, is_working_day, working_days_between
from channels.models import Channel
from core.errors import Conflict, InvalidInput, Unprocessable
from core.rights import SYSTEM, ensure
from customers.models import Customer, Product
from customers.services.inputs import EXTERNAL_ID_TAKEN, clean_date, clean_text
from notifications.choices import NotificationKind
from notifications.services import notify
from regions.models import StaffProfile
from relations.choices_complaints import (
    SLA_WORKING_DAYS,
    UNRESOLVED_STATES,
    ComplaintCause,
    ComplaintKind,
    ComplaintSeverity,
    ComplaintState,
    CustomerConfirmation,
    EscalationReason,
    StepKind,
)
from relations.models.complaints import Complaint, ComplaintEscalation, ComplaintStep
from workflow.services import MANAGER_OF, default_supervisor

__all__ = [
    "DESCRIPTION_MAX",
    "NOTE_MAX",
    "RESULT_MAX",
    "complaint_close",
    "complaint_create",
    "complaint_owner",
    "complaint_reopen",
    "complaint_report_breach",
    "complaint_resolve",
    "complaint_start",
    "complaint_step_add",
    "complaint_update",
    "complaints_escalate",
    "due_on_for",
]

DESCRIPTION_MAX = 4000
RESULT_MAX = 4000
NOTE_MAX = 2000
CONFIRMATION_NOTE_MAX = Complaint._meta.get_field("confirmation_note").max_length
EXTERNAL_ID_MAX = 64
UPDATABLE = ("severity", "cause", "description", "product", "channel")


# --- who and when ----------------------------------------------------------------------------------------------------
def unit_manager(unit):
    """The active manager of `unit` — of the next unit up while the post is vacant; None in an empty company."""
    for level in [unit, *reversed(list(unit.ancestors()))]:
        role = MANAGER_OF.get(level.kind)
        if role is None:
            continue
        holder = StaffProfile.objects.filter(unit=level, role=role, is_active=True).order_by("pk").first()
        if holder is not None:
            return holder
    return None


def complaint_owner(*, customer, severity):
    """Who handles a new complaint of `customer` (the module's docstring says why)."""
    person = customer.salesperson
    if severity != ComplaintSeverity.CRITICAL and person is not None and person.is_active:
        return person
    return unit_manager(customer.district) or (person if person is not None and person.is_active else None)


def due_on_for(received_on, severity):
    """The SLA's due day: the severity's working days after the day of receipt."""
    return add_working_days(received_on, SLA_WORKING_DAYS[ComplaintSeverity(severity)])


# --- input ------------------------------------------------------------------------------------------------------------
def _choice(value, choices, field, message):
    if value not in choices.values:
        raise InvalidInput(message, field=field)
    return value


def _day(value, *, field, today, not_before=None, default_today=True):
    if value in (None, ""):
        if default_today:
            return today
        raise InvalidInput(_("Enter a valid date (YYYY-MM-DD)."), field=field)
    day = clean_date(value, field=field)
    if day > today:
        raise InvalidInput(_("The day cannot be in the future."), field=field)
    if not_before is not None and day < not_before:
        raise InvalidInput(
            _("The day cannot be before the complaint was received (%(day)s).") % {"day": not_before.isoformat()}, field=field
        )
    return day


def _product(product):
    if product is None:
        raise InvalidInput(_("Name the product complained about."), field="product")
    if not isinstance(product, Product):
        raise InvalidInput(_("Unknown product."), field="product")
    if not product.is_active:
        raise InvalidInput(_("%(product)s is not a product the company sells.") % {"product": product.name}, field="product")
    return product


def _channel(channel, by):
    if channel is None:
        raise InvalidInput(_("Name the channel complained about."), field="channel")
    if not isinstance(channel, Channel):
        raise InvalidInput(_("Unknown channel."), field="channel")
    if by is not SYSTEM and not Channel.objects.for_user(by).filter(pk=channel.pk).exists():
        raise InvalidInput(_("This channel is outside your scope."), field="channel")
    return channel


def _subject(kind, product, channel, by):
    """(product, channel) of a complaint of `kind`: exactly the one its kind names."""
    if kind == ComplaintKind.PRODUCT:
        if channel is not None:
            raise InvalidInput(_("A product complaint names a product, not a channel."), field="channel")
        return _product(product), None
    if product is not None:
        raise InvalidInput(_("A channel complaint names a channel, not a product."), field="product")
    return None, _channel(channel, by)


def _description(value):
    return clean_text(value, field="description", max_length=DESCRIPTION_MAX, required=True, label=_("The description"))


def _external_id(value, complaint=None):
    value = clean_text(value, field="external_id", max_length=EXTERNAL_ID_MAX) or None
    if value is not None:
        taken = Complaint.objects.filter(external_id=value)
        if complaint is not None:
            taken = taken.exclude(pk=complaint.pk)
        if taken.exists():
            raise InvalidInput(EXTERNAL_ID_TAKEN, field="external_id")
    return value


def _user(by):
    """The person acting, for the log (a branch key or the system: nobody)."""
    return by if isinstance(by, get_user_model()) else None


def _log(complaint, *, by, kind, on, note="", from_state="", to_state=""):
    return ComplaintStep.objects.create(
        complaint=complaint, kind=kind, on=on, note=note, from_state=from_state, to_state=to_state, by=_user(by)
    )


def _move(complaint, to, *, by, on, note=""):
    was = complaint.state
    complaint.state = to
    _log(complaint, by=by, kind=StepKind.STATE, on=on, note=note, from_state=was, to_state=to)


def _tell(people, title, body, complaint):
    notify(
        recipients=[p for p in people if p is not None],
        kind=NotificationKind.OTHER,
        title=title,
        body=body,
        url=complaint.get_absolute_url(),
    )


def _lock(complaint):
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("unit", "owner__unit", "customer", "salesperson")
        .get(pk=complaint.pk)
    )


def _require_unclosed(complaint):
    if complaint.state == ComplaintState.CLOSED:
        raise Conflict(_("This complaint is closed; reopen it first."), field="state")


# --- writes -----------------------------------------------------------------------------------------------------------
@transaction.atomic
def complaint_create(
    *,
    by,
    kind,
    severity,
    customer,
    description,
    product=None,
    channel=None,
    cause=ComplaintCause.OTHER,
    received_on=None,
    external_id=None,
):
    """Log a complaint `customer` raised about `product` (a product complaint) or `channel` (a channel complaint).
    Its district office, salesperson, owner and SLA due day follow from the customer and the severity."""
    if not isinstance(customer, Customer):
        raise InvalidInput(_("Choose the customer who complains."), field="customer")
    ensure(by, "complaint.create", customer)
    today = timezone.localdate()
    kind = _choice(kind, ComplaintKind, "kind", _("Choose a complaint type: product or channel."))
    severity = _choice(severity, ComplaintSeverity, "severity", _("Choose a severity."))
    cause = _choice(cause or ComplaintCause.OTHER, ComplaintCause, "cause", _("Choose a cause."))
    product, channel = _subject(kind, product, channel, by)
    description = _description(description)
    received_on = _day(received_on, field="received_on", today=today)
    external_id = _external_id(external_id)
    complaint = Complaint.objects.create(
        external_id=external_id,
        kind=kind,
        severity=severity,
        cause=cause,
        customer=customer,
        product=product,
        channel=channel,
        unit=customer.district,
        salesperson=customer.salesperson,
        owner=complaint_owner(customer=customer, severity=severity),
        description=description,
        received_on=received_on,
        due_on=due_on_for(received_on, severity),
        created_by=_user(by),
    )
    _log(complaint, by=by, kind=StepKind.STATE, on=received_on, to_state=ComplaintState.OPEN)
    if complaint.owner is not None and complaint.owner.user_id != getattr(by, "pk", None):
        _tell(
            [complaint.owner],
            _("New complaint from %(customer)s (%(severity)s)")
            % {"customer": customer.name, "severity": complaint.get_severity_display()},
            _("A result is due on %(due)s.") % {"due": complaint.due_on.isoformat()},
            complaint,
        )
    return complaint


@transaction.atomic
def complaint_update(*, by, complaint, **values):
    """Change the severity (the due day follows), cause, description, or the product / channel of a complaint not
    closed. Returns the complaint; nothing is written when nothing changes."""
    unknown = set(values) - set(UPDATABLE)
    if unknown:
        raise TypeError(f"complaint_update: unknown fields {sorted(unknown)}")
    complaint = _lock(complaint)
    ensure(by, "complaint.handle", complaint)
    _require_unclosed(complaint)
    changes = {}
    if "severity" in values:
        changes["severity"] = _choice(values["severity"], ComplaintSeverity, "severity", _("Choose a severity."))
    if "cause" in values:
        changes["cause"] = _choice(values["cause"], ComplaintCause, "cause", _("Choose a cause."))
    if "description" in values:
        changes["description"] = _description(values["description"])
    if "product" in values or "channel" in values:
        product, channel = _subject(
            complaint.kind, values.get("product", complaint.product), values.get("channel", complaint.channel), by
        )
        changes["product"], changes["channel"] = product, channel
    changes = {k: v for k, v in changes.items() if getattr(complaint, k) != v}
    if not changes:
        return complaint
    for name, value in changes.items():
        setattr(complaint, name, value)
    if "severity" in changes:
        complaint.due_on = due_on_for(complaint.received_on, complaint.severity)
    complaint.save()
    return complaint


@transaction.atomic
def complaint_step_add(*, by, complaint, note, on=None):
    """Record a step taken (a call, a visit, an investigation, a remedy offered). A complaint still open or reopened
    moves to in progress with it."""
    complaint = _lock(complaint)
    ensure(by, "complaint.handle", complaint)
    _require_unclosed(complaint)
    note = clean_text(note, field="note", max_length=NOTE_MAX, required=True, label=_("The step taken"))
    day = _day(on, field="on", today=timezone.localdate(), not_before=complaint.received_on)
    if complaint.state in (ComplaintState.OPEN, ComplaintState.REOPENED):
        _move(complaint, ComplaintState.IN_PROGRESS, by=by, on=day)
        complaint.save(update_fields=["state", "updated_at"])
    return _log(complaint, by=by, kind=StepKind.ACTION, on=day, note=note)


@transaction.atomic
def complaint_start(*, by, complaint):
    """Say the complaint is being handled (open or reopened → in progress)."""
    complaint = _lock(complaint)
    ensure(by, "complaint.handle", complaint)
    if complaint.state not in (ComplaintState.OPEN, ComplaintState.REOPENED):
        raise Conflict(_("Only an open or reopened complaint can be started."), field="state")
    _move(complaint, ComplaintState.IN_PROGRESS, by=by, on=timezone.localdate())
    complaint.save(update_fields=["state", "updated_at"])
    return complaint


def _give_result(complaint, result, *, by, on):
    if not isinstance(result, str) or not result.strip():
        raise Unprocessable(_("Give the result of the complaint."), field="result")
    result = clean_text(result, field="result", max_length=RESULT_MAX, required=True, label=_("The result"))
    day = _day(on, field="resolved_on", today=timezone.localdate(), not_before=complaint.received_on)
    complaint.result = result
    complaint.resolved_on = day
    _move(complaint, ComplaintState.RESOLVED, by=by, on=day, note=result)


@transaction.atomic
def complaint_resolve(*, by, complaint, result, on=None):
    """Give the complaint's result (required); the SLA is met when it is given on or before the due day."""
    complaint = _lock(complaint)
    ensure(by, "complaint.handle", complaint)
    if complaint.state not in UNRESOLVED_STATES:
        raise Conflict(_("This complaint already has its result."), field="state")
    _give_result(complaint, result, by=by, on=on)
    complaint.save(update_fields=["state", "result", "resolved_on", "updated_at"])
    return complaint


@transaction.atomic
def complaint_close(*, by, complaint, confirmation, note="", result=None, on=None):
    """Close the complaint with the customer's confirmation. It needs its result: given before (resolved), or given
    here (`result`) for a complaint still without one — closing without a result is refused (422 on "result")."""
    complaint = _lock(complaint)
    ensure(by, "complaint.handle", complaint)
    _require_unclosed(complaint)
    if complaint.state in UNRESOLVED_STATES:
        _give_result(complaint, result, by=by, on=on)  # refuses a missing result on its field
    elif result not in (None, "") and result != complaint.result:
        raise Conflict(_("The result was given already; reopen the complaint to change it."), field="result")
    confirmation = _choice(confirmation, CustomerConfirmation, "confirmation", _("Record what the customer said of the result."))
    note = clean_text(note, field="confirmation_note", max_length=CONFIRMATION_NOTE_MAX)
    day = _day(on, field="closed_on", today=timezone.localdate(), not_before=complaint.resolved_on)
    complaint.confirmation = confirmation
    complaint.confirmation_note = note
    complaint.closed_on = day
    complaint.handling_days = working_days_between(complaint.received_on, day)
    _move(complaint, ComplaintState.CLOSED, by=by, on=day, note=note)
    complaint.save()
    return complaint


@transaction.atomic
def complaint_reopen(*, by, complaint, reason):
    """Reopen a resolved or closed complaint (the customer is not satisfied): the result and confirmation are cleared
    (the log keeps them) and the SLA clock runs again against the same due day."""
    complaint = _lock(complaint)
    ensure(by, "complaint.handle", complaint)
    if complaint.state not in (ComplaintState.RESOLVED, ComplaintState.CLOSED):
        raise Conflict(_("Only a resolved or closed complaint can be reopened."), field="state")
    reason = clean_text(reason, field="reason", max_length=NOTE_MAX, required=True, label=_("The reason"))
    complaint.result = ""
    complaint.resolved_on = complaint.closed_on = complaint.handling_days = None
    complaint.confirmation = complaint.confirmation_note = ""
    _move(complaint, ComplaintState.REOPENED, by=by, on=timezone.localdate(), note=reason)
    complaint.save()
    return complaint


# --- escalation -------------------------------------------------------------------------------------------------------
def _escalate(complaint, *, today, reason, by=SYSTEM, note=""):
    """Pass the (locked) complaint one level up the tree; False when nobody is above its owner."""
    owner = complaint.owner or unit_manager(complaint.unit)
    above = default_supervisor(owner) if owner is not None else None
    if above is None:
        return False
    level = complaint.escalation_level + 1
    ComplaintEscalation.objects.create(
        complaint=complaint, on=today, level=level, from_owner=complaint.owner, to_owner=above, reason=reason
    )
    _log(
        complaint,
        by=by,
        kind=StepKind.ESCALATION,
        on=today,
        note=note
        or _("Escalated from %(from)s to %(to)s (level %(level)d).")
        % {"from": complaint.owner.name if complaint.owner else "—", "to": above.name, "level": level},
    )
    complaint.owner = above
    complaint.escalation_level = level
    complaint.escalated_on = today
    complaint.save(update_fields=["owner", "escalation_level", "escalated_on", "updated_at"])
    notify(
        recipients=[above],
        kind=NotificationKind.ESCALATED,
        title=_("Complaint past its SLA, now yours: %(customer)s (%(severity)s)")
        % {"customer": complaint.customer.name, "severity": complaint.get_severity_display()},
        body=_("The result was due on %(due)s; escalation level %(level)d.")
        % {"due": complaint.due_on.isoformat(), "level": level},
        url=complaint.get_absolute_url(),
    )
    return True


def complaints_escalate(*, today=None, by=SYSTEM):
    """Escalate every complaint past its SLA without a result one level up — on working days only, at most once per
    complaint and day; each complaint in its own transaction under its lock. Safe to run twice. Returns the count."""
    ensure(by, "complaint.escalate")
    today = today or timezone.localdate()
    if not is_working_day(today):
        return 0
    ids = list(
        Complaint.objects.unscoped()
        .filter(state__in=UNRESOLVED_STATES, due_on__lt=today)
        .exclude(escalated_on__gte=today)
        .order_by("due_on", "pk")
        .values_list("pk", flat=True)
    )
    count = 0
    for pk in ids:
        with transaction.atomic():
            complaint = (
                Complaint.objects.unscoped()
                .select_for_update(of=("self",))
                .select_related("unit", "owner__unit", "customer")
                .filter(pk=pk, state__in=UNRESOLVED_STATES, due_on__lt=today)
                .exclude(escalated_on__gte=today)
                .first()
            )
            if complaint is not None and _escalate(complaint, today=today, reason=EscalationReason.OVERDUE, by=by):
                count += 1
    return count


@transaction.atomic
def complaint_report_breach(*, by, complaint, note="", today=None):
    """A person reports that the complaint is past its SLA (the customer calls again): it is escalated one level at
    once. Refused for a closed complaint or one with its result (409 on "state"), one not past its due day yet
    (409 on "due_on"), and one escalated today already (once per working day)."""
    complaint = _lock(complaint)
    ensure(by, "complaint.handle", complaint)
    today = today or timezone.localdate()
    if complaint.state == ComplaintState.CLOSED:
        raise Conflict(_("This complaint is closed: there is no SLA breach to report."), field="state")
    if complaint.state not in UNRESOLVED_STATES:
        raise Conflict(_("This complaint has its result: there is no SLA breach to report."), field="state")
    if complaint.due_on >= today:
        raise Conflict(
            _("This complaint is not past its SLA: its result is due on %(due)s.") % {"due": complaint.due_on.isoformat()},
            field="due_on",
        )
    if complaint.escalated_on is not None and complaint.escalated_on >= today:
        raise Conflict(_("This complaint was escalated today already."), field="state")
    note = clean_text(note, field="note", max_length=NOTE_MAX)
    if not _escalate(complaint, today=today, reason=EscalationReason.REPORTED, by=by, note=note):
        raise Conflict(_("Nobody is above the complaint's owner to escalate it to."), field="state")
    return complaint
