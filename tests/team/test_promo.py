"""Capability assessment and promotion recommendations (issue 19): a versioned capability model approved through
approvals, a cycle's self-assessment → the direct manager's → calibration, and a promotion recommended,
approved by the chain and applied through the staff services on its effective date (today's at once, later ones
by the beat task, idempotent), with scope following the new position through the API. Bad input is refused on
its field with nothing written."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import translation

from approvals.models import ApprovalRequest
from approvals.services import request_approve
from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM, NotAllowed
from core.roles import Role
from customers.services import customer_create
from regions.models import Position
from team.models import Assessment, AssessmentScore, CapabilityModel, PromotionRecommendation
from team.selectors.promo import current_model, direct_reports, is_direct_manager
from team.services import promo as services
from team.tasks_promo import apply_due_promotions

TODAY = date(2026, 12, 1)
COMPETENCIES = [
    {"code": "KH", "name": "客户开发", "levels": 5, "description": "开发新客户"},
    {"code": "TP", "name": "商务谈判", "levels": 5},
]


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(date(2026, 12, 1), tick=False), translation.override("en"):
        yield


def tables():
    return {
        model.__name__: model.objects.count()
        for model in (CapabilityModel, Assessment, AssessmentScore, PromotionRecommendation, Position, ApprovalRequest)
    }


def approve_all(subject, kind, people):
    request = ApprovalRequest.objects.get(object_id=subject.pk, kind=kind, state="submitted")
    for person in people:
        request_approve(request=request, by=person.user, comment="同意")
        request.refresh_from_db()
    return request


def approved_model(personas, role=Role.SALES_REP, competencies=COMPETENCIES):
    model = services.capability_model_create(
        by=personas["center"].user, role=role, name="销售人员能力模型", competencies=competencies
    )
    services.capability_model_submit(by=personas["center"].user, model=model)
    approve_all(model, "capability_model", [personas["director"]])
    model.refresh_from_db()
    return model


# ------------------------------------------------------------------------------------------ capability models


def test_a_new_version_is_approved_then_current_and_the_old_one_kept(personas):
    v1 = approved_model(personas)
    assert (v1.version, v1.state) == (1, "approved") and current_model(Role.SALES_REP) == v1
    v2 = services.capability_model_create(
        by=personas["center"].user,
        role=Role.SALES_REP,
        name="销售人员能力模型（2027）",
        competencies=[*COMPETENCIES, {"code": "ZS", "name": "产品知识", "levels": 4}],
    )
    assert (v2.version, v2.previous) == (2, v1)
    assert current_model(Role.SALES_REP) == v1  # a draft is not current
    services.capability_model_submit(by=personas["center"].user, model=v2)
    assert current_model(Role.SALES_REP) == v1  # waiting is not current either
    approve_all(v2, "capability_model", [personas["director"]])
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.state, v2.state) == ("superseded", "approved")
    assert current_model(Role.SALES_REP) == v2 and v1.competencies.count() == 2  # the old version is kept whole


def test_only_the_center_sets_the_model(personas):
    with pytest.raises(NotAllowed):
        services.capability_model_create(by=personas["rm_east"].user, role=Role.SALES_REP, name="x", competencies=COMPETENCIES)
    with pytest.raises(InvalidInput) as error:
        services.capability_model_create(
            by=personas["center"].user, role=Role.SALES_REP, name="x", competencies=[{"code": "A", "name": "a", "levels": 11}]
        )
    assert error.value.field == "competencies" and CapabilityModel.objects.count() == 0


# ------------------------------------------------------------------------------------------ assessments


@pytest.fixture
def cycle(personas):
    approved_model(personas)
    return services.assessment_cycle_open(
        by=personas["center"].user, code="2026-H2", name="2026年下半年", starts_on="2026-11-01", ends_on="2026-12-31"
    )


def test_direct_reports_follow_the_tree(personas):
    dm, pm, rep = personas["dm_hangzhou"].staff, personas["pm_zhejiang"].staff, personas["rep_hangzhou"].staff
    assert (
        is_direct_manager(dm, rep)
        and not is_direct_manager(pm, rep)
        and not is_direct_manager(personas["dm_guangzhou"].staff, rep)
    )
    assert is_direct_manager(pm, dm) and is_direct_manager(personas["rm_east"].staff, pm)
    assert is_direct_manager(personas["director"].staff, personas["rm_east"].staff)
    assert set(direct_reports(dm)) == {rep, personas["rep_hangzhou_2"].staff}
    assert set(direct_reports(pm)) == {dm}


def test_self_then_manager_then_calibration(personas, cycle):
    rep, dm = personas["rep_hangzhou"], personas["dm_hangzhou"]
    assessment, created = services.assessment_self_submit(by=rep.user, cycle=cycle, levels={"KH": 4, "TP": "3"}, comment="自评")
    assert created and assessment.state == "self_assessed" and assessment.unit == rep.staff.unit
    services.assessment_manager_submit(by=dm.user, cycle=cycle, staff=rep.staff, levels={"KH": 3, "TP": 3})
    assessment.refresh_from_db()
    assert assessment.state == "manager_assessed" and assessment.manager == dm.staff
    # The self-assessment is closed once the manager has assessed.
    with pytest.raises(Conflict):
        services.assessment_self_submit(by=rep.user, cycle=cycle, levels={"KH": 5, "TP": 5})
    # The province's manager calibrates with a reason; without one nothing is written.
    before = tables()
    with pytest.raises(InvalidInput) as error:
        services.assessment_calibrate(
            by=personas["pm_zhejiang"].user, assessment=assessment, competency="KH", level=4, reason=" "
        )
    assert error.value.field == "reason" and tables() == before
    services.assessment_calibrate(
        by=personas["pm_zhejiang"].user, assessment=assessment, competency="KH", level=4, reason="全省对标"
    )
    score = assessment.scores.get(competency__code="KH")
    assert (score.self_level, score.manager_level, score.calibrated_level, score.result) == (4, 3, 4, 4)
    services.assessment_cycle_close(by=personas["center"].user, cycle=cycle)
    with pytest.raises(Conflict) as error:
        services.assessment_calibrate(
            by=personas["pm_zhejiang"].user, assessment=assessment, competency="TP", level=4, reason="迟到"
        )
    assert error.value.field == "cycle"


def test_bad_assessments_are_refused_on_their_field_with_nothing_written(personas, cycle):
    rep = personas["rep_hangzhou"]
    before = tables()
    # The manager before the self-assessment.
    with pytest.raises(Conflict) as error:
        services.assessment_manager_submit(
            by=personas["dm_hangzhou"].user, cycle=cycle, staff=rep.staff, levels={"KH": 3, "TP": 3}
        )
    assert error.value.field == "staff" and tables() == before
    # A level outside the model.
    with pytest.raises(InvalidInput) as error:
        services.assessment_self_submit(by=rep.user, cycle=cycle, levels={"KH": 6, "TP": 3})
    assert error.value.field == "levels" and "1 to 5" in str(error.value.message) and tables() == before
    with pytest.raises(InvalidInput) as error:
        services.assessment_self_submit(by=rep.user, cycle=cycle, levels={"KH": 3})
    assert error.value.field == "levels" and tables() == before
    services.assessment_self_submit(by=rep.user, cycle=cycle, levels={"KH": 3, "TP": 3})
    before = tables()
    # Someone outside one's direct reports: the province's manager (in scope, not the direct manager).
    with pytest.raises(NotAllowed) as error:
        services.assessment_manager_submit(
            by=personas["pm_zhejiang"].user, cycle=cycle, staff=rep.staff, levels={"KH": 3, "TP": 3}
        )
    assert error.value.field == "staff" and "direct reports" in str(error.value.message)
    assert tables() == before and not AssessmentScore.objects.filter(manager_level__isnull=False).exists()


def test_the_api_refuses_an_assessment_outside_ones_reports_with_the_field(personas, cycle):
    rep = personas["rep_hangzhou"]
    assert (
        rep.api().post("/api/v1/team/assessments/", {"cycle": cycle.pk, "levels": {"KH": 2, "TP": 4}}, format="json").status_code
        == 201
    )
    answer = (
        personas["pm_zhejiang"]
        .api(language="en")
        .post(
            "/api/v1/team/assessments/manager/",
            {"cycle": cycle.pk, "staff": rep.staff.pk, "levels": {"KH": 3, "TP": 3}},
            format="json",
        )
    )
    assert answer.status_code == 403 and "staff" in answer.json()["errors"]
    answer = (
        personas["dm_hangzhou"]
        .api()
        .post(
            "/api/v1/team/assessments/manager/",
            {"cycle": cycle.pk, "staff": rep.staff.pk, "levels": {"KH": 0, "TP": 3}},
            format="json",
        )
    )
    assert answer.status_code == 400 and "levels" in answer.json()["errors"]
    answer = (
        personas["dm_hangzhou"]
        .api()
        .post(
            "/api/v1/team/assessments/manager/",
            {"cycle": cycle.pk, "staff": rep.staff.pk, "levels": {"KH": 3, "TP": 3}},
            format="json",
        )
    )
    assert answer.status_code == 200 and answer.json()["state"] == "manager_assessed"
    # The salesperson reads only their own assessment; a district manager elsewhere reads nothing of it.
    assert [row["staff"] for row in rep.api().get("/api/v1/team/assessments/").json()["results"]] == [rep.staff.pk]
    assert personas["dm_guangzhou"].api().get(f"/api/v1/team/assessments/{answer.json()['id']}/").status_code == 404


# ------------------------------------------------------------------------------------------ promotions


def recommend(personas, **changes):
    fields = {
        "staff": personas["rep_hangzhou"].staff,
        "to_unit": "330200",
        "to_role": Role.DISTRICT_MANAGER,
        "to_title": "宁波市经理",
        "effective_on": TODAY,
        "reason": "连续四个季度考核第一，带教新人成效显著。",
    }
    fields.update(changes)
    return services.promotion_create(by=personas["dm_hangzhou"].user, **fields)


CHAIN = ("pm_zhejiang", "rm_east", "center")


def test_an_approved_promotion_applies_today_and_scope_follows_at_once(personas, units, django_capture_on_commit_callbacks):
    rep = personas["rep_hangzhou"]
    hangzhou = customer_create(by=SYSTEM, name="杭州老客户有限公司", district=units["330100"], salesperson=rep.staff)
    ningbo = customer_create(by=SYSTEM, name="宁波新客户有限公司", district=units["330200"])
    listed = {row["id"] for row in rep.api().get("/api/v1/customers/").json()["results"]}
    assert hangzhou.pk in listed and ningbo.pk not in listed

    recommendation = recommend(personas)
    assert recommendation.state == "draft" and recommendation.evidence["training"] == []
    services.promotion_submit(by=personas["dm_hangzhou"].user, recommendation=recommendation)
    request = ApprovalRequest.objects.get(object_id=recommendation.pk, kind="promotion")
    assert [step.approver_role for step in request.steps.order_by("order")] == [
        Role.PROVINCIAL_MANAGER, Role.REGIONAL_MANAGER, Role.CENTER_STAFF,
    ]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        approve_all(recommendation, "promotion", [personas[name] for name in CHAIN])
    recommendation.refresh_from_db()
    assert recommendation.state == "applied" and recommendation.position is not None
    rep.staff.refresh_from_db()
    assert (rep.staff.unit.code, rep.staff.role, rep.staff.title) == ("330200", Role.DISTRICT_MANAGER, "宁波市经理")
    history = list(rep.staff.positions.order_by("started_on", "id").values_list("unit__code", "role", "started_on", "ended_on"))
    assert history[-2:] == [("330100", Role.SALES_REP, date(2020, 1, 1), TODAY), ("330200", Role.DISTRICT_MANAGER, TODAY, None)]
    # Scope follows the new unit and role at once: the new district's rows, not the old one's.
    rep.user.refresh_from_db()
    listed = {row["id"] for row in rep.api().get("/api/v1/customers/").json()["results"]}
    assert ningbo.pk in listed and hangzhou.pk not in listed


def test_a_future_promotion_waits_for_the_beat_which_applies_it_once(personas, django_capture_on_commit_callbacks):
    recommendation = recommend(personas, effective_on=date(2027, 1, 1))
    services.promotion_submit(by=personas["dm_hangzhou"].user, recommendation=recommendation)
    with django_capture_on_commit_callbacks(execute=True):
        approve_all(recommendation, "promotion", [personas[name] for name in CHAIN])
    recommendation.refresh_from_db()
    assert recommendation.state == "approved"
    assert apply_due_promotions(as_of="2026-12-31") == 0
    positions = Position.objects.count()
    assert apply_due_promotions(as_of="2027-01-01") == 1
    assert apply_due_promotions(as_of="2027-01-02") == 0  # idempotent
    recommendation.refresh_from_db()
    assert recommendation.state == "applied" and Position.objects.count() == positions + 1
    assert recommendation.position.started_on == date(2027, 1, 1)


@pytest.mark.parametrize(
    ("by", "changes", "field"),
    [
        ("dm_hangzhou", {"staff": "dm_hangzhou", "to_unit": "330000", "to_role": Role.PROVINCIAL_MANAGER}, "staff"),
        ("dm_hangzhou", {"effective_on": date(2026, 10, 31)}, "effective_on"),  # 31 days back: beyond the window
        ("dm_hangzhou", {"to_unit": "330000"}, "to_role"),  # a district manager cannot sit at a province
        ("dm_hangzhou", {"to_unit": "330100", "to_role": Role.SALES_REP}, "to_role"),  # no change at all
        ("dm_hangzhou", {"to_unit": "999999"}, "to_unit"),
    ],
)
def test_bad_recommendations_are_refused_with_nothing_written(personas, by, changes, field):
    if changes.get("staff") in personas:
        changes["staff"] = personas[changes["staff"]].staff
    before = tables()
    with pytest.raises(InvalidInput) as error:
        recommend(personas, **changes)
    assert error.value.field == field and tables() == before


def test_the_window_edge_and_the_api(personas):
    assert recommend(personas, effective_on=date(2026, 11, 1)).state == "draft"  # exactly 30 days back: allowed
    dm = personas["dm_hangzhou"]
    body = {
        "staff": dm.staff.pk,
        "to_unit": "330000",
        "to_role": "provincial_manager",
        "effective_on": "2026-12-01",
        "reason": "自荐",
    }
    answer = dm.api(language="en").post("/api/v1/team/promotion-recommendations/", body, format="json")
    assert answer.status_code == 400 and "staff" in answer.json()["errors"]
    body["staff"] = personas["rep_hangzhou"].staff.pk
    answer = personas["dm_guangzhou"].api().post("/api/v1/team/promotion-recommendations/", body, format="json")
    assert answer.status_code == 400 and "staff" in answer.json()["errors"]  # a person outside the scope: no such person
    answer = personas["rep_hangzhou_2"].api().post("/api/v1/team/promotion-recommendations/", body, format="json")
    assert answer.status_code == 403


def _trained(person, course, start, *, score):
    """`person` enrolled on a session of `course` starting at `start` and recorded with `score` (services)."""
    from team.services import training as training_services

    with time_machine.travel(start - timedelta(days=3), tick=False):
        session = training_services.training_session_create(
            by=SYSTEM, course=course, unit=person.unit, starts_at=start, ends_at=start + timedelta(hours=4),
            trainer="讲师", capacity=5, online=True,
        )  # fmt: skip
        enrolment = training_services.enrolment_create(by=SYSTEM, session=session, person=person)
    with time_machine.travel(start + timedelta(hours=5), tick=False):
        training_services.enrolment_record(by=SYSTEM, enrolment=enrolment, attended=True, score=score)


def test_the_evidence_shows_the_training_passed_in_the_last_twelve_months(personas):
    """Training evidence (issue 19): the courses the person attended and passed in the last 12 months, newest
    first, with hours and score — not a failed one, not one passed before the window."""
    from team.services import training as training_services

    rep = personas["rep_hangzhou"].staff
    course = training_services.course_create(by=SYSTEM, code="EV-1", title="产品知识", kind="product", hours="8", pass_mark=60)
    other = training_services.course_create(by=SYSTEM, code="EV-2", title="合规", kind="product", hours="2.5")
    _trained(rep, course, datetime(2026, 10, 12, 2, 0, tzinfo=UTC), score=85)
    _trained(rep, course, datetime(2026, 9, 1, 2, 0, tzinfo=UTC), score=40)  # failed
    _trained(rep, other, datetime(2026, 3, 3, 2, 0, tzinfo=UTC), score=None)
    _trained(rep, other, datetime(2025, 11, 20, 2, 0, tzinfo=UTC), score=None)  # before the window (2025-12-01)
    recommendation = recommend(personas)
    assert recommendation.evidence["training"] == [
        {"course": "产品知识", "code": "EV-1", "hours": "8.0", "score": "85.0", "on": "2026-10-12"},
        {"course": "合规", "code": "EV-2", "hours": "2.5", "score": None, "on": "2026-03-03"},
    ]
    page = personas["dm_hangzhou"].web().get(f"/team/promotions/{recommendation.pk}/")
    assert page.status_code == 200 and "产品知识" in page.content.decode() and "合规" in page.content.decode()
