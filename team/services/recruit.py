"""Headcount and recruitment (招聘), issue 19: headcount requests through approvals, the vacancies an approval
opens, candidates moving through their stages with interview notes, and the hire — through regions' staff
services, so the staff archive, the position history and the audit trail are the same as for every hire.

Why a kind of its own (ApprovalKind.HEADCOUNT_REQUEST) and not a line of the staff-development plan
(plans.PlanKind.STAFF_DEVELOPMENT): the plan is a document the center reads and approves as a whole, while a
headcount request has a precise effect once approved — one vacancy per seat of a role at a unit — which is
checked here (the role must sit at that kind of unit, 1 to MAX_HEADCOUNT seats) and applied in
`headcount_on_approved`. A staff-development plan may still speak of the requests in its text.

Every write asks a rule of team/rights/recruit.py with `ensure(by, …)`; bad input is refused on its field with
nothing written (the services are atomic). Lock order: the candidate, then the vacancy."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.choices import ApprovalKind
from approvals.selectors import latest_request
from approvals.services import request_submit, request_withdraw
from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM, ensure
from core.roles import ROLE_UNIT_KIND, Role, staff_of
from customers.services.inputs import clean_date, clean_text
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile
from regions.services import staff_hire
from team.models.recruit import (
    MAX_HEADCOUNT,
    Candidate,
    CandidateStage,
    HeadcountRequest,
    HeadcountState,
    Interview,
    InterviewAssessment,
    Vacancy,
    VacancyState,
)

EDITABLE = (HeadcountState.DRAFT, HeadcountState.RETURNED, HeadcountState.WITHDRAWN)
# The stage moves a person may make (hired only through candidate_hire, which puts them in the staff archive).
MOVES = {
    CandidateStage.APPLIED: (CandidateStage.INTERVIEWED, CandidateStage.WITHDRAWN),
    CandidateStage.INTERVIEWED: (CandidateStage.OFFERED, CandidateStage.WITHDRAWN),
    CandidateStage.OFFERED: (CandidateStage.WITHDRAWN,),
    CandidateStage.HIRED: (),
    CandidateStage.WITHDRAWN: (),
}
ACTIVE_STAGES = (CandidateStage.APPLIED, CandidateStage.INTERVIEWED, CandidateStage.OFFERED)
# Roles recruited through headcount: not the director's post.
RECRUITED_ROLES = tuple(role for role in Role.values if role != Role.DIRECTOR)
MIN_PASSWORD = 8


def _today():
    return timezone.localdate()


def _actor_staff(by):
    return None if by is SYSTEM else staff_of(by, active=True)


def _actor_user(by):
    return None if by is SYSTEM or getattr(by, "pk", None) is None or getattr(by, "api_key", None) else by


# --- input checks ---------------------------------------------------------------------------------------
def _pick(model, value, *, field, message, by=None):
    """An object by instance or id; with `by`, only among the rows `by` reads (outside: like no object)."""
    if value is None or value == "":
        return None
    if isinstance(value, model):
        value = value.pk  # read again: the caller's copy may be stale, and it must lie in `by`'s scope too
    manager = model._default_manager
    rows = manager.all() if by is None or by is SYSTEM else manager.for_user(by)
    try:
        obj = rows.filter(pk=int(value)).first()
    except (TypeError, ValueError, OverflowError):
        obj = None
    if obj is None:
        raise InvalidInput(message, field=field)
    return obj


def clean_headcount(value):
    """A whole number of seats from 1 to MAX_HEADCOUNT."""
    if isinstance(value, bool):
        value = None
    try:
        number = int(value)
        if str(number) != str(value).strip() and number != value:
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        raise InvalidInput(_("Enter a whole number of seats."), field="headcount") from None
    if number < 1:
        raise InvalidInput(_("A headcount request asks for at least one seat."), field="headcount")
    if number > MAX_HEADCOUNT:
        raise InvalidInput(
            _("At most %(max)d seats in one request; a larger change is a reorganisation of the unit.") % {"max": MAX_HEADCOUNT},
            field="headcount",
        )
    return number


def check_role_at_unit(role, unit):
    """The role must be one recruited through headcount and sit at this kind of unit (core.roles.ROLE_UNIT_KIND,
    the rule regions' staff services hold every position to)."""
    if role not in RECRUITED_ROLES:
        raise InvalidInput(_("Choose the role of the seats (the director's post is not recruited here)."), field="role")
    expected = ROLE_UNIT_KIND[Role(role)]
    if unit.kind != expected:
        raise InvalidInput(
            _("The role %(role)s belongs in a %(kind)s, not in a %(actual)s.")
            % {"role": Role(role).label, "kind": UnitKind(expected).label, "actual": UnitKind(unit.kind).label},
            field="role",
        )


def _clean_unit(value, by):
    unit = _pick(OrgUnit, value, field="unit", message=_("Choose an org unit in your part of the organisation."), by=by)
    if unit is None:
        raise InvalidInput(_("Choose the org unit."), field="unit")
    if not unit.is_active:
        raise InvalidInput(_("The unit %(name)s is closed.") % {"name": unit.name}, field="unit")
    return unit


def _clean_request_fields(*, unit, role, headcount, reason, title, needed_by):
    check_role_at_unit(role, unit)
    headcount = clean_headcount(headcount)
    reason = clean_text(reason, field="reason", max_length=2000, required=True, label=_("The reason"))
    title = clean_text(title, field="title", max_length=50)
    if needed_by in (None, ""):
        needed_by = None
    else:
        needed_by = clean_date(needed_by, field="needed_by")
        if needed_by < _today():
            raise InvalidInput(_("The day the people are needed by cannot be in the past."), field="needed_by")
    return {"role": role, "headcount": headcount, "reason": reason, "title": title, "needed_by": needed_by}


# --- headcount requests ----------------------------------------------------------------------------------
@transaction.atomic
def headcount_request_create(*, by, unit, role, headcount, reason, title="", needed_by=None):
    """Draft a request for `headcount` seats of `role` at `unit`."""
    ensure(by, "headcount.request", None)
    unit = _clean_unit(unit, by)
    ensure(by, "headcount.request", unit)
    fields = _clean_request_fields(unit=unit, role=role, headcount=headcount, reason=reason, title=title, needed_by=needed_by)
    return HeadcountRequest.objects.create(unit=unit, requested_by=_actor_staff(by), created_by=_actor_user(by), **fields)


def _lock_request(request):
    return HeadcountRequest.objects.select_for_update(of=("self",)).select_related("unit").get(pk=request.pk)


def _require_editable(request):
    if request.state not in EDITABLE:
        raise Conflict(_("Only a draft, returned or withdrawn request can be changed."), field="state")


@transaction.atomic
def headcount_request_update(*, by, request, role, headcount, reason, title="", needed_by=None):
    """Change a request not waiting for a decision nor decided (its unit stays)."""
    request = _lock_request(request)
    ensure(by, "headcount.request", request)
    _require_editable(request)
    fields = _clean_request_fields(
        unit=request.unit, role=role, headcount=headcount, reason=reason, title=title, needed_by=needed_by
    )
    for name, value in fields.items():
        setattr(request, name, value)
    request.save(update_fields=list(fields))
    return request


def headcount_snapshot(*, request):
    """What the chain decides on, frozen at submission: the seats asked for, and the unit's people of that role
    and open vacancies of it now (so the decider sees the gap being filled)."""
    unit = request.unit
    return {
        "unit": unit.pk,
        "unit_name": unit.name,
        "role": request.role,
        "role_label": str(Role(request.role).label),
        "title": request.title,
        "headcount": request.headcount,
        "reason": request.reason,
        "needed_by": request.needed_by.isoformat() if request.needed_by else None,
        "in_post": StaffProfile.objects.filter(unit=unit, role=request.role, is_active=True).count(),
        "open_vacancies": Vacancy.objects.filter(unit=unit, role=request.role, state=VacancyState.OPEN).count(),
    }


@transaction.atomic
def headcount_request_submit(*, by, request):
    """Submit a request to the chain (ApprovalKind.HEADCOUNT_REQUEST: the region's manager, then the center)."""
    request = _lock_request(request)
    ensure(by, "headcount.request", request)
    _require_editable(request)
    check_role_at_unit(request.role, request.unit)
    approval = request_submit(
        subject=request,
        kind=ApprovalKind.HEADCOUNT_REQUEST,
        unit=request.unit,
        title=_("Headcount: %(unit)s, %(role)s × %(n)d")
        % {"unit": request.unit.name, "role": Role(request.role).label, "n": request.headcount},
        by=by,
        snapshot=headcount_snapshot(request=request),
    )
    request.state = HeadcountState.SUBMITTED
    request.save(update_fields=["state"])
    return approval


@transaction.atomic
def headcount_request_withdraw(*, by, request):
    """Drop a request not decided yet: a draft or returned one at once, a submitted one through approvals."""
    request = _lock_request(request)
    ensure(by, "headcount.request", request)
    if request.state == HeadcountState.SUBMITTED:
        request_withdraw(request=latest_request(request), by=by)
        request.refresh_from_db()
        return request
    if request.state not in (HeadcountState.DRAFT, HeadcountState.RETURNED):
        raise Conflict(_("Only a request not decided yet can be withdrawn."), field="state")
    request.state = HeadcountState.WITHDRAWN
    request.save(update_fields=["state"])
    return request


def headcount_on_approved(*, request):
    """The chain approved the request: one open vacancy per seat, opened today (inside the decision's
    transaction; approvals has set the state and locked the row). Idempotent: seats already opened count."""
    missing = request.headcount - request.vacancies.count()
    today = _today()
    Vacancy.objects.bulk_create(
        [
            Vacancy(request=request, unit=request.unit, role=request.role, title=request.title, opened_on=today)
            for _n in range(max(0, missing))
        ]
    )


# --- vacancies ---------------------------------------------------------------------------------------------
def _lock_vacancy(vacancy):
    return Vacancy.objects.select_for_update(of=("self",)).select_related("unit", "request").get(pk=vacancy.pk)


@transaction.atomic
def vacancy_cancel(*, by, vacancy, reason, on=None):
    """Give up an open seat (the need is gone); its candidates stay and may be hired into another vacancy."""
    vacancy = _lock_vacancy(vacancy)
    ensure(by, "vacancy.cancel", vacancy)
    reason = clean_text(reason, field="reason", max_length=200, required=True, label=_("The reason"))
    if vacancy.state != VacancyState.OPEN:
        raise Conflict(_("Only an open vacancy can be cancelled."), field="state")
    on = _today() if on in (None, "") else clean_date(on, field="on")
    if on < vacancy.opened_on:
        raise InvalidInput(_("A vacancy is cancelled on or after the day it opened."), field="on")
    vacancy.state, vacancy.closed_on, vacancy.cancel_reason = VacancyState.CANCELLED, on, reason
    vacancy.save(update_fields=["state", "closed_on", "cancel_reason"])
    return vacancy


# --- candidates -----------------------------------------------------------------------------------------------
@transaction.atomic
def candidate_record(*, by, vacancy, name, applied_on=None, phone="", email="", source="", note=""):
    """Record a person applying for an open vacancy."""
    ensure(by, "candidate.record", None)
    vacancy = _pick(
        Vacancy, vacancy, field="vacancy", message=_("Choose an open vacancy in your part of the organisation."), by=by
    )
    if vacancy is None:
        raise InvalidInput(_("Choose the vacancy."), field="vacancy")
    vacancy = _lock_vacancy(vacancy)
    ensure(by, "candidate.record", vacancy)
    if vacancy.state != VacancyState.OPEN:
        raise InvalidInput(_("This vacancy is not open: candidates apply for an open vacancy."), field="vacancy")
    name = clean_text(name, field="name", max_length=50, required=True, label=_("The name"))
    phone = clean_text(phone, field="phone", max_length=20)
    email = clean_text(email, field="email", max_length=254)
    if email and ("@" not in email or " " in email):
        raise InvalidInput(_("Enter a valid e-mail address."), field="email")
    source = clean_text(source, field="source", max_length=100)
    note = clean_text(note, field="note", max_length=2000)
    applied_on = _today() if applied_on in (None, "") else clean_date(applied_on, field="applied_on")
    if applied_on > _today():
        raise InvalidInput(_("The day of application cannot be in the future."), field="applied_on")
    return Candidate.objects.create(
        vacancy=vacancy,
        name=name,
        phone=phone,
        email=email,
        source=source,
        note=note,
        applied_on=applied_on,
        stage_changed_on=max(applied_on, _today()),
        created_by=_actor_user(by),
    )


def _lock_candidate(candidate):
    return Candidate.objects.select_for_update(of=("self",)).select_related("vacancy__unit").get(pk=candidate.pk)


@transaction.atomic
def candidate_move(*, by, candidate, stage):
    """Move a candidate to the next stage (or withdraw them). A move the stages do not allow is refused on
    `stage`; `interviewed` needs an interview recorded; `hired` only through candidate_hire."""
    candidate = _lock_candidate(candidate)
    ensure(by, "candidate.move", candidate)
    if stage not in CandidateStage.values:
        raise InvalidInput(_("Choose a stage."), field="stage")
    if stage == CandidateStage.HIRED:
        raise InvalidInput(_("A candidate is hired with the hire action, which puts them in the staff archive."), field="stage")
    if stage not in MOVES[CandidateStage(candidate.stage)]:
        raise Conflict(
            _("A candidate cannot move from %(from)s to %(to)s.")
            % {"from": CandidateStage(candidate.stage).label, "to": CandidateStage(stage).label},
            field="stage",
        )
    if stage == CandidateStage.INTERVIEWED and not candidate.interviews.exists():
        raise Conflict(_("Record the interview first."), field="stage")
    candidate.stage, candidate.stage_changed_on = stage, _today()
    candidate.save(update_fields=["stage", "stage_changed_on"])
    return candidate


@transaction.atomic
def interview_record(*, by, candidate, held_on, assessment, notes="", interviewer=None):
    """Record an interview (who, when, their assessment and notes); an applicant becomes `interviewed`.
    The interviewer is whoever records it unless named (an active member of staff in the recorder's scope)."""
    candidate = _lock_candidate(candidate)
    ensure(by, "candidate.move", candidate)
    if candidate.stage not in ACTIVE_STAGES:
        raise Conflict(_("Only a candidate still in the running is interviewed."), field="stage")
    interviewer = _pick(StaffProfile, interviewer, field="interviewer", message=_("No such member of staff."), by=by)
    if interviewer is None:
        interviewer = _actor_staff(by)
    if interviewer is None or not interviewer.is_active:
        raise InvalidInput(_("Name the interviewer (a member of staff in service)."), field="interviewer")
    held_on = clean_date(held_on, field="held_on")
    if held_on > _today():
        raise InvalidInput(_("Record an interview once it has been held."), field="held_on")
    if held_on < candidate.applied_on:
        raise InvalidInput(_("An interview is held on or after the day of application."), field="held_on")
    if assessment not in InterviewAssessment.values:
        raise InvalidInput(_("Choose the assessment."), field="assessment")
    notes = clean_text(notes, field="notes", max_length=4000)
    interview = Interview.objects.create(
        candidate=candidate, interviewer=interviewer, held_on=held_on, assessment=assessment, notes=notes
    )
    if candidate.stage == CandidateStage.APPLIED:
        candidate.stage, candidate.stage_changed_on = CandidateStage.INTERVIEWED, _today()
        candidate.save(update_fields=["stage", "stage_changed_on"])
    return interview


def _hire_vacancy(candidate, vacancy, by):
    """The approved open vacancy the candidate is hired into (theirs, unless another is named)."""
    if vacancy in (None, ""):
        vacancy = candidate.vacancy
    else:
        vacancy = _pick(Vacancy, vacancy, field="vacancy", message=_("No such vacancy in your part of the organisation."), by=by)
    vacancy = _lock_vacancy(vacancy)
    if vacancy.state != VacancyState.OPEN or vacancy.request.state != HeadcountState.APPROVED:
        raise InvalidInput(
            _("%(unit)s has no approved open vacancy here: hire into an open vacancy of an approved headcount request.")
            % {"unit": vacancy.unit.name},
            field="vacancy",
        )
    return vacancy


@transaction.atomic
def candidate_hire(*, by, candidate, employee_no, hire_date, title="", username="", password="", vacancy=None):
    """Hire an offered candidate into an approved open vacancy (theirs, or another named one): regions'
    `staff_hire` makes the staff profile, its first position (the vacancy's unit and role) and, with a
    username, a login — so the position history and the audit trail show the hire, and the new person's scope
    is their unit's at once. The vacancy is filled on the hire date."""
    candidate = _lock_candidate(candidate)
    ensure(by, "candidate.move", candidate)
    if candidate.stage != CandidateStage.OFFERED:
        raise Conflict(_("Only a candidate who has been offered the post can be hired."), field="stage")
    vacancy = _hire_vacancy(candidate, vacancy, by)
    ensure(by, "candidate.hire", vacancy)
    employee_no = clean_text(employee_no, field="employee_no", max_length=20, required=True, label=_("The employee number"))
    hire_date = clean_date(hire_date, field="hire_date")
    if hire_date > _today():
        raise InvalidInput(_("Record the hire on or after the day the person starts."), field="hire_date")
    if hire_date < vacancy.opened_on:
        raise InvalidInput(_("A hire cannot take effect before its vacancy opened."), field="hire_date")
    title = clean_text(title, field="title", max_length=50) or vacancy.title
    username = clean_text(username, field="username", max_length=150)
    if username and (not isinstance(password, str) or len(password) < MIN_PASSWORD):
        raise InvalidInput(_("A login needs a password of at least %(n)d characters.") % {"n": MIN_PASSWORD}, field="password")
    staff = staff_hire(
        by=by,
        employee_no=employee_no,
        name=candidate.name,
        unit=vacancy.unit,
        role=vacancy.role,
        hire_date=hire_date,
        title=title,
        phone=candidate.phone,
        email=candidate.email,
        username=username or None,
        password=password or None,
    )
    vacancy.state, vacancy.closed_on, vacancy.filled_by = VacancyState.FILLED, hire_date, staff
    vacancy.save(update_fields=["state", "closed_on", "filled_by"])
    candidate.stage, candidate.staff, candidate.vacancy = CandidateStage.HIRED, staff, vacancy
    candidate.stage_changed_on = _today()
    candidate.save(update_fields=["stage", "staff", "vacancy", "stage_changed_on"])
    return staff


__all__ = [
    "ACTIVE_STAGES",
    "EDITABLE",
    "MOVES",
    "candidate_hire",
    "candidate_move",
    "candidate_record",
    "check_role_at_unit",
    "clean_headcount",
    "headcount_on_approved",
    "headcount_request_create",
    "headcount_request_submit",
    "headcount_request_update",
    "headcount_request_withdraw",
    "headcount_snapshot",
    "interview_record",
    "vacancy_cancel",
]
