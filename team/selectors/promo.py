"""Reads of capability assessment and promotion recommendations (issue 19): who is whose direct manager, a
person's capability results across cycles, a promotion's evidence, the calibration view's distribution, and the
team dashboard's figures (capability distribution by role, promotion pipeline) per unit subtree.

Direct reports (直接下属), from the org tree and the roles — the person whose post is one step above:
- a salesperson's direct manager is the district manager of their district;
- a district manager's is the provincial manager of the district's province;
- a provincial manager's is the regional manager of the province's region;
- a regional manager's and a Development Center staff member's is the director.
A post held by several people (two district managers of one district) gives each of them the same reports; a
vacant post leaves its reports without a manager's assessment until it is filled.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from appraisal.models import AppraisalScore
from core.roles import Role
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile
from regions.selectors import by_subtree
from risk.models import StaffRating
from team.models.promo import (
    Assessment,
    AssessmentScore,
    AssessmentState,
    CapabilityModel,
    ModelState,
    PromotionRecommendation,
    PromotionState,
)
from team.selectors.training import add_months, courses_passed

# The post one step above each role: (the manager's role, how to reach their unit from the person's unit).
_MANAGER_POST = {
    Role.SALES_REP: (Role.DISTRICT_MANAGER, lambda unit: unit),
    Role.DISTRICT_MANAGER: (Role.PROVINCIAL_MANAGER, lambda unit: unit.parent),
    Role.PROVINCIAL_MANAGER: (Role.REGIONAL_MANAGER, lambda unit: unit.parent),
    Role.REGIONAL_MANAGER: (Role.DIRECTOR, lambda unit: OrgUnit.objects.get(kind=UnitKind.CENTER)),
    Role.CENTER_STAFF: (Role.DIRECTOR, lambda unit: unit),
}


def manager_post(staff):
    """(role, unit) of the post that directly manages `staff`, or None (the director has none)."""
    post = _MANAGER_POST.get(staff.role)
    if post is None:
        return None
    role, unit_of = post
    unit = unit_of(staff.unit)
    return (role, unit) if unit is not None else None


def is_direct_manager(manager, staff):
    """True if the StaffProfile `manager` holds, in service, the post that directly manages `staff`."""
    if manager is None or staff is None or manager.pk == staff.pk or not manager.is_active:
        return False
    post = manager_post(staff)
    return post is not None and manager.role == post[0] and manager.unit_id == post[1].pk


def direct_reports(manager):
    """The people in service whose direct manager is `manager` (a queryset of StaffProfile)."""
    people = StaffProfile.objects.filter(is_active=True).exclude(pk=manager.pk)
    if manager.role == Role.DISTRICT_MANAGER:
        return people.filter(role=Role.SALES_REP, unit=manager.unit_id)
    if manager.role == Role.PROVINCIAL_MANAGER:
        return people.filter(role=Role.DISTRICT_MANAGER, unit__parent=manager.unit_id)
    if manager.role == Role.REGIONAL_MANAGER:
        return people.filter(role=Role.PROVINCIAL_MANAGER, unit__parent=manager.unit_id)
    if manager.role == Role.DIRECTOR:
        return people.filter(Q(role=Role.REGIONAL_MANAGER) | Q(role=Role.CENTER_STAFF))
    return people.none()


def current_model(role):
    """The role's current (approved) capability model with its competencies, or None."""
    return CapabilityModel.objects.filter(role=role, state=ModelState.APPROVED).prefetch_related("competencies").first()


# ------------------------------------------------------------------------------------------ results


def assessment_results(assessment):
    """[(competency, self level, manager level, calibrated level, result, reason)] of one assessment."""
    return [
        {
            "competency": score.competency,
            "self_level": score.self_level,
            "manager_level": score.manager_level,
            "calibrated_level": score.calibrated_level,
            "result": score.result,
            "reason": score.calibration_reason,
        }
        for score in assessment.scores.select_related("competency").order_by("competency__order", "competency_id")
    ]


def capability_history(*, staff, user=None):
    """The person's assessments across cycles, newest first, each with its results (the archive's section).
    With `user`: only what that reader's scope holds."""
    queryset = Assessment.objects.for_user(user) if user is not None else Assessment.objects.all()
    rows = []
    for assessment in queryset.filter(staff=staff).select_related("cycle", "model", "unit", "manager"):
        results = assessment_results(assessment)
        finals = [r["result"] for r in results if r["result"] is not None]
        rows.append(
            {
                "assessment": assessment,
                "results": results,
                "average": round(sum(finals) / len(finals), 2) if finals else None,
            }
        )
    return rows


# ------------------------------------------------------------------------------------------ evidence


# How far back a promotion's evidence looks for training passed (months, up to today).
TRAINING_EVIDENCE_MONTHS = 12


def training_completed(staff, *, today=None):
    """TRAINING EVIDENCE — the courses a person attended and passed in the last TRAINING_EVIDENCE_MONTHS months
    (team/selectors/training.py `courses_passed`), newest first: [{"course", "code", "hours", "score", "on"}];
    an empty list when none."""
    today = today or timezone.localdate()
    return courses_passed(staff, start=add_months(today, -TRAINING_EVIDENCE_MONTHS), end=today)


def promotion_evidence(staff):
    """What a promotion recommendation rests on, gathered from the records (JSON-ready, frozen at submission):
    the appraisal scores of the last settings.PROMOTION_EVIDENCE_PERIODS periods (appraisal), the latest capability
    results, the person's credit grade where risk has rated them, and the training completed (see above)."""
    scores = (
        AppraisalScore.objects.filter(staff=staff)
        .select_related("run__scheme")
        .order_by("-run__period", "-run_id")[: settings.PROMOTION_EVIDENCE_PERIODS]
    )
    appraisal = [
        {
            "period": str(score.run.period),
            "scheme": score.run.scheme.name,
            "total": str(score.total),
            "rank_peers": score.rank_peers,
        }
        for score in scores
    ]
    capability = None
    latest = (
        Assessment.objects.filter(staff=staff, state=AssessmentState.MANAGER_ASSESSED)
        .select_related("cycle")
        .order_by("-cycle__starts_on", "-id")
        .first()
    )
    if latest is not None:
        results = assessment_results(latest)
        finals = [r["result"] for r in results if r["result"] is not None]
        capability = {
            "cycle": latest.cycle.code,
            "levels": [{"competency": r["competency"].name, "level": r["result"], "of": r["competency"].levels} for r in results],
            "average": str(round(sum(finals) / len(finals), 2)) if finals else None,
        }
    rating = StaffRating.objects.filter(staff=staff).first()
    risk = {"grade": rating.grade, "score": str(rating.score)} if rating is not None else None
    return {"appraisal": appraisal, "capability": capability, "risk": risk, "training": training_completed(staff)}


# ------------------------------------------------------------------------------------------ figures


def capability_distribution_by_unit(*, unit, cycle, units=None):
    """{unit id: capability distribution} of `cycle` for each of `units` — units of `unit`'s subtree, none below
    another (its children, or `unit` alone: the default) — counted in one grouped query (see
    capability_distribution)."""
    units = [unit] if units is None else list(units)
    rows = (
        by_subtree(AssessmentScore.objects.for_unit(unit), AssessmentScore.scope_spec.path, units)
        .filter(assessment__cycle=cycle, assessment__state=AssessmentState.MANAGER_ASSESSED)
        # The result: calibrated, else the manager's level.
        .annotate(level=Coalesce("calibrated_level", "manager_level"))
        .filter(level__isnull=False)
        .order_by()
        .values_list("subtree", "assessment__role", "competency__code", "level")
        .annotate(n=Count("pk"))
    )
    result = {u.pk: {} for u in units}
    for subtree, role, code, level, n in rows:
        result[subtree][(role, code, level)] = n
    return result


def capability_distribution(*, unit, cycle):
    """How many people of `unit`'s subtree reached each level of each competency in `cycle`, by role:
    {(role, competency code, level): count}, counting the result (calibrated, else the manager's level) of
    every assessment the manager has completed (where the person sat when assessed)."""
    return capability_distribution_by_unit(unit=unit, cycle=cycle)[unit.pk]


def distribution_table(*, unit, cycle):
    """The calibration view's table: per role and competency, the count at each level 1..max (a list)."""
    counts = capability_distribution(unit=unit, cycle=cycle)
    competencies = {}
    models = CapabilityModel.objects.filter(pk__in=Assessment.objects.filter(cycle=cycle).values("model"))
    for model in models.prefetch_related("competencies"):
        for competency in model.competencies.all():
            competencies[(model.role, competency.code)] = competency
    table = defaultdict(list)
    for (role, code), competency in sorted(competencies.items(), key=lambda kv: (kv[0][0], kv[1].order, kv[1].pk)):
        levels = [counts.get((role, code, level), 0) for level in range(1, competency.levels + 1)]
        table[role].append({"competency": competency, "levels": levels, "total": sum(levels)})
    groups = []
    for role, rows in table.items():
        top = max(len(row["levels"]) for row in rows)
        for row in rows:
            row["levels"] = row["levels"] + [""] * (top - len(row["levels"]))  # a blank where a level does not exist
        groups.append((Role(role).label, rows, range(1, top + 1)))
    return groups


# The stages of the promotion pipeline, in order.
PIPELINE_STAGES = (
    PromotionState.DRAFT,
    PromotionState.SUBMITTED,
    PromotionState.APPROVED,
    PromotionState.APPLIED,
    PromotionState.RETURNED,
    PromotionState.REJECTED,
    PromotionState.WITHDRAWN,
)


def day_end(day):
    """The first instant after local day `day`: a stamp is "on or before `day`" when it is earlier."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def pipeline_stage(as_of):
    """An expression: the stage of a recommendation at the end of day `as_of` — applied if applied by then,
    approved if approved by then, its current state if returned, rejected or withdrawn by then, submitted if
    submitted by then, else a draft. (Made on or before `as_of` is the caller's filter.)"""
    end = day_end(as_of)
    return Case(
        When(applied_at__lt=end, then=Value(PromotionState.APPLIED)),
        When(approved_at__lt=end, then=Value(PromotionState.APPROVED)),
        When(
            state__in=(PromotionState.RETURNED, PromotionState.REJECTED, PromotionState.WITHDRAWN),
            decided_at__lt=end,
            then=F("state"),
        ),
        When(submitted_at__lt=end, then=Value(PromotionState.SUBMITTED)),
        default=Value(PromotionState.DRAFT),
        output_field=CharField(),
    )


def promotion_pipeline_by_unit(*, unit, as_of, units=None):
    """{unit id: promotion pipeline as of `as_of`} for each of `units` — units of `unit`'s subtree, none below
    another (its children, or `unit` alone: the default) — counted in one grouped query (see
    promotion_pipeline)."""
    units = [unit] if units is None else list(units)
    rows = (
        by_subtree(PromotionRecommendation.objects.for_unit(unit), PromotionRecommendation.scope_spec.path, units)
        .filter(created_at__lt=day_end(as_of))
        .annotate(stage=pipeline_stage(as_of))
        .order_by()
        .values_list("subtree", "stage")
        .annotate(n=Count("pk"))
    )
    result = {u.pk: dict.fromkeys(PIPELINE_STAGES, 0) for u in units}
    for subtree, stage, n in rows:
        result[subtree][stage] = n
    return result


def promotion_pipeline(*, unit, as_of):
    """The promotion pipeline of `unit`'s subtree (the person's unit when recommended) as of the end of day
    `as_of`: {stage: count} of the recommendations made on or before that day, each at its stage that day —
    applied if applied by then, approved if approved by then, submitted if submitted by then, else a draft
    (a decided, returned, rejected or withdrawn one in its current state once decided on or before `as_of`)."""
    return promotion_pipeline_by_unit(unit=unit, as_of=as_of)[unit.pk]
