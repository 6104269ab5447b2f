"""Writes of capability assessment (能力评估) and promotion recommendations (晋升建议), issue 19.

Every service takes the actor first (`by=`) and asks its rule (team/rights/promo.py) before it writes; bad input
is refused on its field (InvalidInput 400, Conflict 409) with nothing written.

Capability models are versioned: a new version is drafted (the role's next number), submitted to the Development
Center (ApprovalKind.CAPABILITY_MODEL) and, once approved, becomes current — the previous current version is
superseded (kept, never changed). Promotions are approved by the ladder above the person's unit up to the
center's pool (ApprovalKind.PROMOTION); on approval the move is applied through regions.services.staff_move —
at once (after the decision commits) when its effective date has come, else by the beat task
`team.promotions_apply_due`, which is safe to run twice (only an approved, not yet applied one is applied, under
its row lock).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.choices import ApprovalKind
from approvals.services import request_submit
from core.errors import Conflict, DomainError, InvalidInput
from core.rights import SYSTEM, ensure
from core.roles import ROLE_UNIT_KIND, Role, staff_of
from customers.services.inputs import clean_date, clean_text
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile
from regions.services import staff_move
from team.models.promo import (
    MODEL_EDITABLE,
    PROMOTION_EDITABLE,
    Assessment,
    AssessmentCycle,
    AssessmentScore,
    AssessmentState,
    CapabilityModel,
    Competency,
    CycleState,
    ModelState,
    PromotionRecommendation,
    PromotionState,
)
from team.selectors.promo import current_model, promotion_evidence

logger = logging.getLogger(__name__)


# ------------------------------------------------------------------------------------------ capability models


def _clean_role(role, *, field="role"):
    if role not in Role.values:
        raise InvalidInput(_("Choose a role."), field=field)
    return role


def _clean_competencies(competencies):
    """A list of {code, name, description, levels, level_descriptions}: at least one, codes unique, 2–10 levels."""
    if not isinstance(competencies, (list, tuple)) or not competencies:
        raise InvalidInput(_("Add at least one competency."), field="competencies")
    cleaned, codes = [], set()
    for item in competencies:
        if not isinstance(item, dict):
            raise InvalidInput(_("Each competency has a code, a name and its levels."), field="competencies")
        code = clean_text(item.get("code"), field="competencies", max_length=30, required=True, label=_("Code"))
        name = clean_text(item.get("name"), field="competencies", max_length=100, required=True, label=_("Name"))
        if code in codes:
            raise InvalidInput(_("The code %(code)s is used twice.") % {"code": code}, field="competencies")
        codes.add(code)
        levels = item.get("levels", 5)
        if (
            isinstance(levels, bool)
            or not isinstance(levels, (int, str))
            or not str(levels).isdigit()
            or not 2 <= int(levels) <= 10
        ):
            raise InvalidInput(_("A competency has from 2 to 10 levels."), field="competencies")
        levels = int(levels)
        descriptions = item.get("level_descriptions") or []
        if not isinstance(descriptions, (list, tuple)) or len(descriptions) not in (0, levels):
            raise InvalidInput(
                _("Describe every level of %(name)s (%(n)s descriptions) or none.") % {"name": name, "n": levels},
                field="competencies",
            )
        cleaned.append(
            {
                "code": code,
                "name": name,
                "description": clean_text(item.get("description"), field="competencies", max_length=2000),
                "levels": levels,
                "level_descriptions": [clean_text(d, field="competencies", max_length=500) for d in descriptions],
            }
        )
    return cleaned


def _write_competencies(model, competencies):
    model.competencies.all().delete()
    Competency.objects.bulk_create([Competency(model=model, order=n, **item) for n, item in enumerate(competencies)])


@transaction.atomic
def capability_model_create(*, by, role, name, competencies, note=""):
    """Draft the next version of a role's capability model."""
    ensure(by, "capability.model", None)
    role = _clean_role(role)
    name = clean_text(name, field="name", max_length=200, required=True, label=_("Name"))
    note = clean_text(note, field="note", max_length=2000)
    competencies = _clean_competencies(competencies)
    latest = CapabilityModel.objects.select_for_update().filter(role=role).order_by("-version").first()
    if latest is not None and latest.state in (*MODEL_EDITABLE, ModelState.SUBMITTED):
        raise Conflict(
            _("Version %(v)s of this role's model is not decided yet; change it instead.") % {"v": latest.version},
            field="role",
        )
    model = CapabilityModel.objects.create(
        role=role,
        version=latest.version + 1 if latest is not None else 1,
        name=name,
        note=note,
        previous=current_model(role),
        created_by=None if by is SYSTEM else by,
    )
    _write_competencies(model, competencies)
    return model


def _lock_model(model):
    return CapabilityModel.objects.select_for_update().get(pk=model.pk)


@transaction.atomic
def capability_model_update(*, by, model, name, competencies, note=""):
    """Change a draft (or a returned or withdrawn) version; an approved one is never changed."""
    model = _lock_model(model)
    ensure(by, "capability.model", model)
    if model.state not in MODEL_EDITABLE:
        raise Conflict(_("Only a draft, returned or withdrawn version can be changed."), field="state")
    model.name = clean_text(name, field="name", max_length=200, required=True, label=_("Name"))
    model.note = clean_text(note, field="note", max_length=2000)
    competencies = _clean_competencies(competencies)
    model.save(update_fields=["name", "note"])
    _write_competencies(model, competencies)
    return model


def capability_model_snapshot(*, model):
    return {
        "role": model.role,
        "version": model.version,
        "name": model.name,
        "competencies": [
            {
                "code": c.code,
                "name": c.name,
                "levels": c.levels,
                "description": c.description,
                "level_descriptions": c.level_descriptions,
            }
            for c in model.competencies.all()
        ],
    }


@transaction.atomic
def capability_model_submit(*, by, model):
    """Submit a version to the Development Center's pool (ApprovalKind.CAPABILITY_MODEL)."""
    model = _lock_model(model)
    ensure(by, "capability.model", model)
    if model.state not in MODEL_EDITABLE:
        raise Conflict(_("Only a draft, returned or withdrawn version can be submitted."), field="state")
    approval = request_submit(
        subject=model,
        kind=ApprovalKind.CAPABILITY_MODEL,
        unit=OrgUnit.objects.get(kind=UnitKind.CENTER),
        title=_("Capability model: %(name)s v%(v)s") % {"name": model.name, "v": model.version},
        by=by,
        snapshot=capability_model_snapshot(model=model),
    )
    model.state = ModelState.SUBMITTED
    model.save(update_fields=["state"])
    return approval


def capability_model_on_approved(model, request):
    """The approved version becomes current: the role's previous current version is superseded (kept)."""
    CapabilityModel.objects.filter(role=model.role, state=ModelState.APPROVED).exclude(pk=model.pk).update(
        state=ModelState.SUPERSEDED
    )


# ------------------------------------------------------------------------------------------ cycles


@transaction.atomic
def assessment_cycle_open(*, by, code, name, starts_on, ends_on):
    """Open an assessment cycle (e.g. 2026-H2)."""
    ensure(by, "assessment.cycle", None)
    code = clean_text(code, field="code", max_length=20, required=True, label=_("Code"))
    name = clean_text(name, field="name", max_length=100, required=True, label=_("Name"))
    starts_on = clean_date(starts_on, field="starts_on")
    ends_on = clean_date(ends_on, field="ends_on")
    if ends_on < starts_on:
        raise InvalidInput(_("A cycle ends on or after the day it starts."), field="ends_on")
    if AssessmentCycle.objects.filter(code=code).exists():
        raise Conflict(_("The cycle %(code)s exists already.") % {"code": code}, field="code")
    return AssessmentCycle.objects.create(
        code=code, name=name, starts_on=starts_on, ends_on=ends_on, opened_by=None if by is SYSTEM else by
    )


@transaction.atomic
def assessment_cycle_close(*, by, cycle):
    """Close a cycle: its results are final (no assessment or calibration any more)."""
    cycle = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
    ensure(by, "assessment.cycle", cycle)
    if cycle.state != CycleState.OPEN:
        raise Conflict(_("The cycle is closed already."), field="state")
    cycle.state, cycle.closed_at = CycleState.CLOSED, timezone.now()
    cycle.save(update_fields=["state", "closed_at"])
    return cycle


# ------------------------------------------------------------------------------------------ assessments


def _open_cycle(cycle):
    if not isinstance(cycle, AssessmentCycle):
        try:
            cycle = AssessmentCycle.objects.filter(pk=int(cycle)).first()
        except (TypeError, ValueError):
            cycle = None
        if cycle is None:
            raise InvalidInput(_("No such assessment cycle."), field="cycle")
    if not cycle.is_open:
        raise Conflict(_("The cycle %(code)s is closed.") % {"code": cycle.code}, field="cycle")
    return cycle


def _level(value, competency):
    if isinstance(value, bool):
        value = None
    try:
        level = int(str(value).strip())
    except (TypeError, ValueError):
        level = None
    if level is None or not 1 <= level <= competency.levels:
        raise InvalidInput(
            _("The level of %(name)s must be from 1 to %(max)s.") % {"name": competency.name, "max": competency.levels},
            field="levels",
        )
    return level


def clean_levels(levels, competencies):
    """{competency: level} from {competency id or code: level}: every competency of the model, each level inside it."""
    if not isinstance(levels, dict):
        raise InvalidInput(_("Give a level for every competency."), field="levels")
    given = {str(key): value for key, value in levels.items()}
    known = {str(c.pk) for c in competencies} | {c.code for c in competencies}
    unknown = sorted(set(given) - known)
    if unknown:
        raise InvalidInput(_("%(key)s is not a competency of the model.") % {"key": unknown[0]}, field="levels")
    cleaned = {}
    for competency in competencies:
        value = given.get(str(competency.pk), given.get(competency.code))
        if value in (None, ""):
            raise InvalidInput(_("Give a level for %(name)s.") % {"name": competency.name}, field="levels")
        cleaned[competency] = _level(value, competency)
    return cleaned


@transaction.atomic
def assessment_self_submit(*, by, cycle, levels, comment="", staff=None):
    """The person's self-assessment in an open cycle, against the current model of their role: made, or revised
    until their manager has assessed them. Returns (assessment, created). `staff`: only for the system recording a
    paper self-assessment of a person without a login (demo, imports); the rule refuses anyone else's."""
    staff = _pick_staff(staff) if staff is not None else staff_of(by)
    if staff is None:
        raise InvalidInput(_("Only a member of staff assesses themselves."), field="staff")
    ensure(by, "assessment.self", staff)
    cycle = _open_cycle(cycle)
    comment = clean_text(comment, field="comment", max_length=2000)
    assessment = Assessment.objects.select_for_update().filter(cycle=cycle, staff=staff).first()
    if assessment is not None and assessment.state != AssessmentState.SELF_ASSESSED:
        raise Conflict(_("Your manager has assessed you already; the self-assessment cannot change."), field="levels")
    model = assessment.model if assessment is not None else current_model(staff.role)
    if model is None:
        raise InvalidInput(_("The Development Center has set no capability model for your role yet."), field="cycle")
    cleaned = clean_levels(levels, list(model.competencies.all()))
    created = assessment is None
    if created:
        assessment = Assessment.objects.create(cycle=cycle, staff=staff, unit=staff.unit, role=staff.role, model=model)
    assessment.self_comment, assessment.self_assessed_at = comment, timezone.now()
    assessment.save(update_fields=["self_comment", "self_assessed_at"])
    for competency, level in cleaned.items():
        AssessmentScore.objects.update_or_create(assessment=assessment, competency=competency, defaults={"self_level": level})
    return assessment, created


def _pick_staff(staff):
    if isinstance(staff, StaffProfile):
        return staff
    try:
        found = StaffProfile.objects.select_related("unit").filter(pk=int(staff)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise InvalidInput(_("No such member of staff."), field="staff")
    return found


@transaction.atomic
def assessment_manager_submit(*, by, cycle, staff, levels, comment=""):
    """The direct manager's assessment of a report who has assessed themselves (in an open cycle); again while
    the cycle is open revises it (calibrations stay)."""
    staff = _pick_staff(staff)
    ensure(by, "assessment.manage", staff)
    cycle = _open_cycle(cycle)
    comment = clean_text(comment, field="comment", max_length=2000)
    assessment = Assessment.objects.select_for_update().filter(cycle=cycle, staff=staff).first()
    if assessment is None:
        raise Conflict(
            _("%(name)s has not assessed themselves in %(cycle)s yet; the manager assesses after.")
            % {"name": staff.name, "cycle": cycle.code},
            field="staff",
        )
    cleaned = clean_levels(levels, list(assessment.model.competencies.all()))
    for competency, level in cleaned.items():
        AssessmentScore.objects.filter(assessment=assessment, competency=competency).update(manager_level=level)
    assessment.manager = staff_of(by)
    assessment.manager_comment = comment
    assessment.manager_assessed_at = timezone.now()
    assessment.state = AssessmentState.MANAGER_ASSESSED
    assessment.save(update_fields=["manager", "manager_comment", "manager_assessed_at", "state"])
    return assessment


@transaction.atomic
def assessment_calibrate(*, by, assessment, competency, level, reason):
    """Adjust one competency's result in the calibration of a unit (a manager above or of the person's unit),
    with a reason, before the cycle closes."""
    assessment = Assessment.objects.select_for_update().select_related("cycle", "unit").get(pk=assessment.pk)
    ensure(by, "assessment.calibrate", assessment)
    _open_cycle(assessment.cycle)
    if assessment.state != AssessmentState.MANAGER_ASSESSED:
        raise Conflict(_("Calibrate after the manager's assessment."), field="competency")
    score = None
    if competency not in (None, ""):
        lookup = {"competency": competency} if isinstance(competency, Competency) else {}
        if not lookup:
            try:
                lookup = {"competency_id": int(competency)}
            except (TypeError, ValueError):
                lookup = {"competency__code": str(competency)}
        score = assessment.scores.select_related("competency").filter(**lookup).first()
    if score is None:
        raise InvalidInput(_("Choose a competency of this assessment."), field="competency")
    level = _level(level, score.competency)
    reason = clean_text(reason, field="reason", max_length=500, required=True, label=_("Reason"))
    score.calibrated_level, score.calibration_reason = level, reason
    score.calibrated_by, score.calibrated_at = (None if by is SYSTEM else by), timezone.now()
    score.save(update_fields=["calibrated_level", "calibration_reason", "calibrated_by", "calibrated_at"])
    return score


# ------------------------------------------------------------------------------------------ promotions


def backdate_days():
    return settings.PROMOTION_BACKDATE_DAYS


def _pick_unit(value):
    if isinstance(value, OrgUnit):
        return value
    unit = None
    if value not in (None, ""):
        unit = OrgUnit.objects.filter(code=str(value)).first()
        if unit is None and str(value).isdigit():
            unit = OrgUnit.objects.filter(pk=int(value)).first()
    if unit is None:
        raise InvalidInput(_("No such org unit."), field="to_unit")
    return unit


def _clean_promotion(*, staff, to_unit, to_role, to_title, effective_on, reason, by):
    if not staff.is_active:
        raise InvalidInput(_("%(name)s has left.") % {"name": staff.name}, field="staff")
    me = staff_of(by)
    if me is not None and me.pk == staff.pk:
        raise InvalidInput(_("Nobody recommends themselves for promotion."), field="staff")
    to_unit = _pick_unit(to_unit)
    to_role = _clean_role(to_role, field="to_role")
    if not to_unit.is_active:
        raise InvalidInput(_("The unit %(name)s is closed.") % {"name": to_unit.name}, field="to_unit")
    if to_unit.kind != ROLE_UNIT_KIND[Role(to_role)]:
        raise InvalidInput(
            _("A %(role)s cannot sit at %(unit)s.") % {"role": Role(to_role).label, "unit": to_unit.name}, field="to_role"
        )
    if to_unit.pk == staff.unit_id and to_role == staff.role:
        raise InvalidInput(_("The new position is the person's current one."), field="to_role")
    effective_on = clean_date(effective_on, field="effective_on")
    earliest = timezone.localdate() - timedelta(days=backdate_days())
    if effective_on < earliest:
        raise InvalidInput(
            _("The effective date may lie at most %(days)s days in the past (from %(day)s).")
            % {"days": backdate_days(), "day": earliest.isoformat()},
            field="effective_on",
        )
    return {
        "to_unit": to_unit,
        "to_role": to_role,
        "to_title": clean_text(to_title, field="to_title", max_length=50),
        "effective_on": effective_on,
        "reason": clean_text(reason, field="reason", max_length=4000, required=True, label=_("Reason")),
    }


@transaction.atomic
def promotion_create(*, by, staff, to_unit, to_role, effective_on, reason, to_title=""):
    """Draft a promotion recommendation for a person of the recommender's subtree."""
    staff = _pick_staff(staff)
    recommendation = PromotionRecommendation(staff=staff, from_unit=staff.unit, from_role=staff.role)
    ensure(by, "promotion.recommend", recommendation)
    fields = _clean_promotion(
        staff=staff, to_unit=to_unit, to_role=to_role, to_title=to_title, effective_on=effective_on, reason=reason, by=by
    )
    for name, value in fields.items():
        setattr(recommendation, name, value)
    recommendation.recommended_by = staff_of(by)
    recommendation.created_by = None if by is SYSTEM else by
    recommendation.evidence = promotion_evidence(staff)
    recommendation.save()
    return recommendation


def _lock_promotion(recommendation):
    return (
        PromotionRecommendation.objects.select_for_update(of=("self",))
        .select_related("staff", "from_unit", "to_unit")
        .get(pk=recommendation.pk)
    )


@transaction.atomic
def promotion_update(*, by, recommendation, to_unit, to_role, effective_on, reason, to_title=""):
    recommendation = _lock_promotion(recommendation)
    ensure(by, "promotion.recommend", recommendation)
    if recommendation.state not in PROMOTION_EDITABLE:
        raise Conflict(_("Only a draft, returned or withdrawn recommendation can be changed."), field="state")
    fields = _clean_promotion(
        staff=recommendation.staff, to_unit=to_unit, to_role=to_role, to_title=to_title, effective_on=effective_on,
        reason=reason, by=by,
    )  # fmt: skip
    for name, value in fields.items():
        setattr(recommendation, name, value)
    recommendation.save(update_fields=[*fields])
    return recommendation


def promotion_snapshot(*, recommendation):
    r = recommendation
    return {
        "staff": r.staff_id,
        "staff_name": r.staff.name,
        "from_unit": r.from_unit.name,
        "from_role": Role(r.from_role).label,
        "to_unit": r.to_unit.name,
        "to_role": Role(r.to_role).label,
        "to_title": r.to_title,
        "effective_on": r.effective_on.isoformat(),
        "reason": r.reason,
        "evidence": r.evidence,
    }


def chain_levels(unit):
    """How far up a promotion climbs: every manager above the person's unit, then the center's pool."""
    above = unit.ancestors().filter(kind__in=(UnitKind.PROVINCE, UnitKind.REGION)).count()
    return above + 1


@transaction.atomic
def promotion_submit(*, by, recommendation):
    """Submit to the chain, with the evidence gathered again and frozen."""
    recommendation = _lock_promotion(recommendation)
    ensure(by, "promotion.recommend", recommendation)
    if recommendation.state not in PROMOTION_EDITABLE:
        raise Conflict(_("Only a draft, returned or withdrawn recommendation can be submitted."), field="state")
    earliest = timezone.localdate() - timedelta(days=backdate_days())
    if recommendation.effective_on < earliest:
        raise InvalidInput(
            _("The effective date may lie at most %(days)s days in the past (from %(day)s).")
            % {"days": backdate_days(), "day": earliest.isoformat()},
            field="effective_on",
        )
    recommendation.evidence = promotion_evidence(recommendation.staff)
    approval = request_submit(
        subject=recommendation,
        kind=ApprovalKind.PROMOTION,
        unit=recommendation.from_unit,
        title=_("Promotion: %(name)s → %(role)s, %(unit)s")
        % {"name": recommendation.staff.name, "role": Role(recommendation.to_role).label, "unit": recommendation.to_unit.name},
        by=by,
        snapshot=promotion_snapshot(recommendation=recommendation),
        levels=chain_levels(recommendation.from_unit),
    )
    recommendation.state, recommendation.submitted_at = PromotionState.SUBMITTED, timezone.now()
    recommendation.save(update_fields=["state", "submitted_at", "evidence"])
    return approval


def promotion_on_approved(recommendation, request):
    """Approved: once the decision has committed, apply the move if its effective date has come (the beat task
    applies later ones on their day)."""
    if recommendation.effective_on <= timezone.localdate():
        pk = recommendation.pk
        transaction.on_commit(lambda: promotion_apply_safely(pk))


def promotion_apply_safely(pk):
    """Apply one recommendation; a refusal of the staff services is logged, the recommendation stays approved."""
    try:
        return promotion_apply(by=SYSTEM, recommendation=PromotionRecommendation.objects.get(pk=pk))
    except DomainError as error:
        logger.warning("promotion %s not applied: %s", pk, error.message)
        return None


@transaction.atomic
def promotion_apply(*, by, recommendation, today=None):
    """Apply an approved recommendation whose effective date has come: the person moves to the new unit and role
    through regions.services.staff_move (position history, audit), from the effective date. An already applied
    (or not approved, or not yet due) one is left as it is: True if it was applied now."""
    recommendation = _lock_promotion(recommendation)
    today = today or timezone.localdate()
    if recommendation.state != PromotionState.APPROVED or recommendation.effective_on > today:
        return False
    staff = staff_move(
        by=by,
        staff=recommendation.staff,
        unit=recommendation.to_unit,
        role=recommendation.to_role,
        title=recommendation.to_title,
        on=recommendation.effective_on,
        note=_("Promotion recommendation #%(n)s") % {"n": recommendation.pk},
    )
    recommendation.position = staff.positions.filter(ended_on__isnull=True).first()
    recommendation.state, recommendation.applied_at = PromotionState.APPLIED, timezone.now()
    recommendation.save(update_fields=["position", "state", "applied_at"])
    return True


def promotions_apply_due(*, today=None):
    """The beat task's work: every approved recommendation whose effective date has come, applied one by one (a
    refusal leaves that one approved and is logged). Returns how many were applied."""
    today = today or timezone.localdate()
    due = PromotionRecommendation.objects.unscoped().filter(state=PromotionState.APPROVED, effective_on__lte=today)
    applied = 0
    for pk in due.order_by("effective_on", "pk").values_list("pk", flat=True):
        try:
            applied += bool(promotion_apply(by=SYSTEM, recommendation=PromotionRecommendation(pk=pk), today=today))
        except DomainError as error:
            logger.warning("promotion %s not applied: %s", pk, error.message)
    return applied
