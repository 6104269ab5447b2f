"""Improvement of under-performing branches (整改): the nightly flags, and improvement plans drafted,
submitted to the Development Center, approved (each measure becomes a task of its owner), in progress from
their first expected month and closed with a review.

Every service takes the actor (`by=`) and asks its right (risk/rights.py) before it writes; a plan's row is
locked before its state changes. The flags and the start of approved plans are company-wide jobs run as
SYSTEM by `risk.improvement_refresh`."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.choices import ApprovalKind
from approvals.services import request_submit
from core.dates import check_supported_date
from core.errors import Conflict, DomainError, InvalidInput, Unprocessable
from core.money import parse_decimal
from core.rights import SYSTEM, ensure
from core.roles import staff_of
from regions.models import OrgUnit, StaffProfile
from risk.choices import ImprovementMetric, ImprovementState
from risk.models import ImprovementMeasure, ImprovementPlan, ImprovementTarget, UnderperformanceFlag
from risk.selectors.improvement import month_of, underperformance
from risk.services.events import unit_manager
from workflow.services import task_create

TITLE_MAX = ImprovementPlan._meta.get_field("title").max_length
MEASURE_MAX = ImprovementMeasure._meta.get_field("description").max_length
TEXT_MAX = 10_000
MAX_MEASURES = 30
MAX_TARGETS = 120  # ten years of four figures, far more than a plan needs
RATES = (ImprovementMetric.ATTAINMENT, ImprovementMetric.OVERDUE_SHARE)


# --- flags --------------------------------------------------------------------------------------------------------
@transaction.atomic
def flags_refresh(*, as_of, by):
    """Raise, update and clear the under-performance flags as of `as_of` from risk.selectors.underperformance:
    a unit × reason below its threshold gets an open flag (kept from the day it was first raised, its figure
    updated); an open flag whose condition no longer holds is cleared on `as_of`. Safe to run twice. Returns
    {"raised": n, "cleared": n, "open": n}."""
    ensure(by, "improvement.flag")
    found = underperformance(as_of)
    open_flags = {
        (f.unit_id, f.reason): f
        for f in UnderperformanceFlag.objects.unscoped().select_for_update().filter(cleared_on__isnull=True)
    }
    raised, updated = [], []
    for (unit_id, reason), (value, months) in found.items():
        flag = open_flags.get((unit_id, reason))
        if flag is None:
            raised.append(
                UnderperformanceFlag(unit_id=unit_id, reason=reason, value=value, months=months, flagged_on=as_of, seen_on=as_of)
            )
        else:
            flag.value, flag.months, flag.seen_on = value, months, as_of
            updated.append(flag)
    UnderperformanceFlag.objects.bulk_create(raised)
    UnderperformanceFlag.objects.bulk_update(updated, ["value", "months", "seen_on"])
    gone = [f.pk for key, f in open_flags.items() if key not in found]
    UnderperformanceFlag.objects.unscoped().filter(pk__in=gone).update(cleared_on=as_of)
    return {"raised": len(raised), "cleared": len(gone), "open": len(found)}


# --- input checks -------------------------------------------------------------------------------------------------
def _text(value, *, field, label, max_length=TEXT_MAX, required=True):
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
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
        raise InvalidInput(_("Choose the unit the plan improves."), field="unit")
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


def _date(value, *, field):
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInput(_("Write the date as YYYY-MM-DD."), field=field) from None
    if not isinstance(value, datetime.date):
        raise InvalidInput(_("Give a date."), field=field)
    check_supported_date(value, field=field)
    return value


def _month(value, *, field):
    if isinstance(value, str) and len(value.strip()) == 7:
        value = value.strip() + "-01"
    return month_of(_date(value, field=field))


def _measures(rows, unit):
    """The measures as (description, owner, due_on): owners are active staff of the unit's subtree."""
    cleaned = []
    for n, row in enumerate(rows or (), start=1):
        description = _text(row.get("description"), field="measures", label=_("Measure %(n)d") % {"n": n}, max_length=MEASURE_MAX)
        owner = row.get("owner")
        pk = getattr(owner, "pk", owner)
        try:
            person = StaffProfile.objects.filter(pk=int(pk), is_active=True, unit__path__startswith=unit.path).first()
        except (TypeError, ValueError, OverflowError):
            person = None
        if person is None:
            raise InvalidInput(
                _("Measure %(n)d: choose an owner in service in %(unit)s or a unit below it.") % {"n": n, "unit": unit},
                field="measures",
            )
        due_on = row.get("due_on")
        if due_on in (None, ""):
            raise InvalidInput(_("Measure %(n)d: give the day it is due.") % {"n": n}, field="measures")
        cleaned.append((description, person, _date(due_on, field="measures")))
    if len(cleaned) > MAX_MEASURES:
        raise InvalidInput(_("At most %(n)d measures.") % {"n": MAX_MEASURES}, field="measures")
    return cleaned


def _targets(rows):
    """The expected figures as (month, metric, expected); one per month and metric, rates 0–100 %."""
    cleaned, seen = [], set()
    for row in rows or ():
        month = _month(row.get("month"), field="targets")
        metric = row.get("metric")
        if metric not in ImprovementMetric.values:
            raise InvalidInput(
                _("Unknown value %(value)s: use one of %(choices)s.")
                % {"value": metric, "choices": ", ".join(ImprovementMetric.values)},
                field="targets",
            )
        label = ImprovementMetric(metric).label
        expected = parse_decimal(row.get("expected"), field="targets", label=label)
        if expected is None or expected < 0:
            raise InvalidInput(_("%(label)s: give a figure of zero or more.") % {"label": label}, field="targets")
        if metric in RATES and expected > 100:
            raise InvalidInput(_("%(label)s is a percentage: at most 100.") % {"label": label}, field="targets")
        if (month, metric) in seen:
            raise InvalidInput(
                _("%(label)s is expected twice in %(month)s.") % {"label": label, "month": month.strftime("%Y-%m")},
                field="targets",
            )
        seen.add((month, metric))
        cleaned.append((month, metric, expected))
    if len(cleaned) > MAX_TARGETS:
        raise InvalidInput(_("At most %(n)d expected figures.") % {"n": MAX_TARGETS}, field="targets")
    return cleaned


def _flags(values, unit):
    ids = []
    for value in values or ():
        try:
            ids.append(int(getattr(value, "pk", value)))
        except (TypeError, ValueError, OverflowError):
            raise InvalidInput(_("No such flag: %(value)s.") % {"value": value}, field="flags") from None
    found = list(UnderperformanceFlag.objects.unscoped().filter(pk__in=ids, unit=unit))
    if len(found) != len(set(ids)):
        raise InvalidInput(_("Only flags of %(unit)s can be addressed by its plan.") % {"unit": unit}, field="flags")
    return found


def _write_lines(plan, measures, targets):
    plan.measures.all().delete()
    plan.targets.all().delete()
    ImprovementMeasure.objects.bulk_create(
        [ImprovementMeasure(plan=plan, description=d, owner=o, due_on=due, order=n) for n, (d, o, due) in enumerate(measures)]
    )
    ImprovementTarget.objects.bulk_create([ImprovementTarget(plan=plan, month=m, metric=k, expected=e) for m, k, e in targets])


def _drafter(by, unit):
    if by is SYSTEM:
        person = unit_manager(unit)
        if person is None:
            raise Conflict(_("Nobody can draft a plan of %(unit)s: its managers' posts are all vacant.") % {"unit": unit})
        return person
    return staff_of(by)


def _lock(plan):
    return ImprovementPlan.objects.select_for_update().select_related("unit", "drafted_by__unit").get(pk=plan.pk)


def _require(plan, *states):
    if plan.state not in states:
        raise Conflict(
            _("This improvement plan is %(state)s; that cannot be done now.") % {"state": plan.get_state_display()},
            field="state",
        )


# --- drafting -----------------------------------------------------------------------------------------------------
@transaction.atomic
def improvement_create(*, by, unit, title, diagnosis, measures=(), targets=(), flags=None):
    """Draft an improvement plan of `unit`: its diagnosis, measures ({description, owner, due_on}) and
    expected figures ({month, metric, expected}). `flags` default to the unit's open flags."""
    unit = _unit(unit)
    ensure(by, "improvement.draft", unit)
    title = _text(title, field="title", label=_("The title"), max_length=TITLE_MAX)
    diagnosis = _text(diagnosis, field="diagnosis", label=_("The diagnosis"))
    cleaned_measures = _measures(measures, unit)
    cleaned_targets = _targets(targets)
    found = (
        list(UnderperformanceFlag.objects.unscoped().filter(unit=unit, cleared_on__isnull=True))
        if flags is None
        else _flags(flags, unit)
    )
    plan = ImprovementPlan.objects.create(unit=unit, title=title, diagnosis=diagnosis, drafted_by=_drafter(by, unit))
    plan.flags.set(found)
    _write_lines(plan, cleaned_measures, cleaned_targets)
    return plan


@transaction.atomic
def improvement_update(*, by, plan, title, diagnosis, measures, targets):
    """Change a draft: its title, diagnosis, and (as a whole) its measures and expected figures."""
    plan = _lock(plan)
    ensure(by, "improvement.edit", plan)
    _require(plan, ImprovementState.DRAFT)
    plan.title = _text(title, field="title", label=_("The title"), max_length=TITLE_MAX)
    plan.diagnosis = _text(diagnosis, field="diagnosis", label=_("The diagnosis"))
    cleaned_measures = _measures(measures, plan.unit)
    cleaned_targets = _targets(targets)
    plan.save(update_fields=["title", "diagnosis", "updated_at"])
    _write_lines(plan, cleaned_measures, cleaned_targets)
    return plan


def improvement_snapshot(*, plan):
    """What the Development Center decides on: the plan as submitted."""
    return {
        "unit": plan.unit.display_name if hasattr(plan.unit, "display_name") else str(plan.unit),
        "title": plan.title,
        "diagnosis": plan.diagnosis,
        "flags": [{"reason": f.reason, "value": str(f.value), "months": f.months} for f in plan.flags.all()],
        "measures": [
            {"description": m.description, "owner": m.owner.name, "due_on": m.due_on.isoformat()}
            for m in plan.measures.select_related("owner").order_by("order", "pk")
        ],
        "targets": [
            {"month": t.month.strftime("%Y-%m"), "metric": t.metric, "expected": str(t.expected)}
            for t in plan.targets.order_by("month", "metric")
        ],
    }


@transaction.atomic
def improvement_submit(*, by, plan):
    """Submit a draft to the Development Center's approval (报发展中心审批); it needs a measure and an
    expected figure."""
    plan = _lock(plan)
    ensure(by, "improvement.edit", plan)
    _require(plan, ImprovementState.DRAFT)
    if not plan.measures.exists():
        raise Unprocessable(_("Add at least one measure before submitting the plan."), field="measures")
    if not plan.targets.exists():
        raise Unprocessable(_("Add at least one expected figure before submitting the plan."), field="targets")
    request = request_submit(
        subject=plan,
        kind=ApprovalKind.IMPROVEMENT_PLAN,
        unit=plan.unit,
        title=_("Improvement plan of %(unit)s: %(title)s") % {"unit": plan.unit.name, "title": plan.title},
        by=by,
    )
    plan.state = ImprovementState.SUBMITTED
    plan.submitted_at = request.submitted_at
    plan.save(update_fields=["state", "submitted_at", "updated_at"])
    return request


def improvement_on_approved(*, plan):
    """The approval hook (risk/approval_subjects.py): each measure becomes a task of its owner, due on its day,
    with the plan as its source — inside the decision's transaction, so a measure that cannot become a task
    (its owner left meanwhile) refuses the approval with a reason."""
    for measure in ImprovementMeasure.objects.filter(plan=plan, task__isnull=True).select_related("owner__unit"):
        try:
            task = task_create(
                title=measure.description[:200],
                owner=measure.owner,
                due_on=measure.due_on,
                by=SYSTEM,
                unit=measure.owner.unit,
                description=_("Measure of the improvement plan %(title)s (%(unit)s).")
                % {"title": plan.title, "unit": plan.unit.name},
                source=plan,
            )
        except DomainError as error:
            raise Conflict(
                _("The measure %(what)s cannot become a task (%(error)s); return the plan for revision.")
                % {"what": measure.description, "error": error.message},
                field="measures",
            ) from None
        measure.task = task
        measure.save(update_fields=["task"])


@transaction.atomic
def improvements_start(*, as_of, by):
    """Approved plans whose first expected month has begun are in progress (the nightly job). Returns how many
    started."""
    ensure(by, "improvement.flag")
    started = 0
    for plan in ImprovementPlan.objects.unscoped().select_for_update().filter(state=ImprovementState.APPROVED):
        first = plan.targets.order_by("month").values_list("month", flat=True).first()
        if first is None or first <= as_of:
            plan.state = ImprovementState.IN_PROGRESS
            plan.save(update_fields=["state", "updated_at"])
            started += 1
    return started


@transaction.atomic
def improvement_close(*, by, plan, review):
    """Close an approved or running plan with a review of what it achieved (required)."""
    plan = _lock(plan)
    ensure(by, "improvement.close", plan)
    _require(plan, ImprovementState.APPROVED, ImprovementState.IN_PROGRESS)
    if not (review or "").strip():
        raise Unprocessable(_("Closing an improvement plan needs a review of what it achieved."), field="review")
    plan.review = _text(review, field="review", label=_("The review"))
    plan.state = ImprovementState.CLOSED
    plan.closed_at = timezone.now()
    plan.closed_by = None if by is SYSTEM else staff_of(by)
    plan.save(update_fields=["review", "state", "closed_at", "closed_by", "updated_at"])
    return plan
