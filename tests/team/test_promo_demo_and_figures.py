"""The promo demo loads through the services (and a second run adds nothing); the team dashboard's selectors —
capability distribution by role, promotion pipeline as of a day — equal an independent computation from the raw
rows on a generated data set."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from core.roles import Role
from regions.demo import load_demo_company
from regions.models import OrgUnit
from team.demo_promo import load_demo_promo
from team.models import Assessment, AssessmentCycle, AssessmentScore, CapabilityModel, Competency, PromotionRecommendation
from team.selectors.promo import PIPELINE_STAGES, capability_distribution, promotion_pipeline
from tests.scoping_registry import make_staff


@time_machine.travel(datetime(2026, 12, 1, 4, 0, tzinfo=UTC), tick=False)
def test_the_demo_loads_through_the_services_once(db):
    load_demo_company()
    made = load_demo_promo()
    assert made["models"] == 2 and made["assessed"] >= 2 and made["promotions"] == 2
    assert CapabilityModel.objects.filter(state="approved").count() == 2
    closed = AssessmentCycle.objects.get(code="2026-H1")
    assert closed.state == "closed" and closed.assessments.filter(state="manager_assessed").count() == made["assessed"]
    assert AssessmentScore.objects.filter(calibrated_level=5).exclude(calibration_reason="").count() == 1
    states = sorted(PromotionRecommendation.objects.values_list("state", flat=True))
    assert states == ["applied", "submitted"]
    applied = PromotionRecommendation.objects.get(state="applied")
    assert applied.staff.unit.code == "330200" and applied.position.started_on == date(2026, 11, 28)
    assert load_demo_promo() == {"models": 0}


def _world(units):
    """Random assessments and recommendations in 浙江 and 广东 (people made through the staff services)."""
    rng = random.Random(19)
    cycle = AssessmentCycle.objects.create(code="GEN", name="生成", starts_on=date(2026, 7, 1), ends_on=date(2026, 12, 31))
    models = {}
    for role in (Role.SALES_REP, Role.DISTRICT_MANAGER):
        model = CapabilityModel.objects.create(role=role, version=1, name=str(role), state="approved")
        models[role] = [
            Competency.objects.create(model=model, code=f"C{n}", name=f"能力{n}", levels=4 + n % 2, order=n) for n in range(3)
        ]
    districts = [units[code] for code in ("330100", "330200", "440100")]
    for _ in range(40):
        district = rng.choice(districts)
        person = make_staff(district, None)
        role = rng.choice((Role.SALES_REP, Role.DISTRICT_MANAGER))
        competencies = models[role]
        state = rng.choice(("self_assessed", "manager_assessed"))
        assessment = Assessment.objects.create(
            cycle=cycle, staff=person, unit=district, role=role, model=competencies[0].model, state=state
        )
        for competency in competencies:
            AssessmentScore.objects.create(
                assessment=assessment,
                competency=competency,
                self_level=rng.randint(1, competency.levels),
                manager_level=rng.randint(1, competency.levels) if state == "manager_assessed" else None,
                calibrated_level=rng.randint(1, competency.levels)
                if state == "manager_assessed" and rng.random() < 0.3
                else None,
                calibration_reason="校准",
            )
        base = timezone.make_aware(datetime(2026, 9, 1, 10, 0))
        created = base + timedelta(days=rng.randint(0, 60))
        stamps = {"submitted_at": None, "approved_at": None, "applied_at": None, "decided_at": None}
        state = rng.choice(("draft", "submitted", "approved", "applied", "returned", "rejected", "withdrawn"))
        if state != "draft":
            stamps["submitted_at"] = created + timedelta(days=rng.randint(0, 10))
        if state in ("approved", "applied"):
            stamps["approved_at"] = stamps["submitted_at"] + timedelta(days=rng.randint(0, 10))
        if state == "applied":
            stamps["applied_at"] = stamps["approved_at"] + timedelta(days=rng.randint(0, 10))
        if state in ("returned", "rejected", "withdrawn"):
            stamps["decided_at"] = stamps["submitted_at"] + timedelta(days=rng.randint(0, 10))
        PromotionRecommendation.objects.create(
            staff=person, from_unit=district, from_role=person.role, to_unit=district, to_role=Role.DISTRICT_MANAGER,
            effective_on=date(2026, 12, 1), reason="生成", state=state, created_at=created, **stamps,
        )  # fmt: skip
    return cycle


@pytest.mark.parametrize("code", ["HQ", "330000", "330100", "440000"])
def test_the_figures_equal_an_independent_computation(units, code):
    cycle = _world(units)
    unit = OrgUnit.objects.get(code=code)
    expected = Counter()
    for score in AssessmentScore.objects.select_related("assessment__unit", "competency"):
        a = score.assessment
        if a.cycle_id != cycle.pk or a.state != "manager_assessed" or not a.unit.path.startswith(unit.path):
            continue
        level = score.calibrated_level if score.calibrated_level is not None else score.manager_level
        expected[(a.role, score.competency.code, level)] += 1
    assert capability_distribution(unit=unit, cycle=cycle) == dict(expected)

    for as_of in (date(2026, 9, 15), date(2026, 10, 10), date(2026, 12, 31)):
        counts = dict.fromkeys(PIPELINE_STAGES, 0)
        for r in PromotionRecommendation.objects.select_related("from_unit"):
            if not r.from_unit.path.startswith(unit.path):
                continue
            day = lambda stamp, as_of=as_of: stamp is not None and timezone.localtime(stamp).date() <= as_of  # noqa: E731
            if not day(r.created_at):
                continue
            if day(r.applied_at):
                counts["applied"] += 1
            elif day(r.approved_at):
                counts["approved"] += 1
            elif r.state in ("returned", "rejected", "withdrawn") and day(r.decided_at):
                counts[r.state] += 1
            elif day(r.submitted_at):
                counts["submitted"] += 1
            else:
                counts["draft"] += 1
        assert promotion_pipeline(unit=unit, as_of=as_of) == counts
    assert (
        sum(promotion_pipeline(unit=unit, as_of=date(2026, 12, 31)).values())
        == PromotionRecommendation.objects.filter(from_unit__path__startswith=unit.path).count()
    )
