"""Scoping-contract entries of capability assessment and promotion recommendations (issue 19), joined into
tests.scoping_registry.

Capability models and assessment cycles are company-wide (everyone reads them; the Development Center changes
them). An assessment belongs to the person's unit and to the person (a salesperson reads their own); their direct
manager assesses them (the district manager of a salesperson's district), a manager of the subtree calibrates. A
promotion recommendation belongs to the person's unit (and to the person); managers of the subtree draft and
submit them (`reward.propose`).
"""

from itertools import count

from django.utils import timezone

from core.roles import Role
from tests.scoping_registry import Scoped, Write, make_staff, make_unit

CENTER = frozenset({"director", "center"})
MANAGERS = frozenset({"director", "center", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong", "dm_hangzhou", "dm_guangzhou"})
KEYS = frozenset({"key_hangzhou", "key_guangdong"})
DIRECT_MANAGER = {"330100": "dm_hangzhou", "440100": "dm_guangzhou"}

_n = count(1)
COMPETENCIES = [{"code": "KH", "name": "客户开发", "levels": 5}, {"code": "TP", "name": "商务谈判", "levels": 5}]


def _model_row(role, state):
    from team.models import CapabilityModel, Competency

    model = CapabilityModel.objects.create(role=role, version=1000 + next(_n), name="登记能力模型", state=state)
    for n, item in enumerate(COMPETENCIES):
        Competency.objects.create(model=model, order=n, **item)
    return model


def _cycle_row():
    from team.models import AssessmentCycle

    today = timezone.localdate()
    return AssessmentCycle.objects.create(code=f"REG-{next(_n)}", name="登记周期", starts_on=today, ends_on=today)


def _model(district, owner):
    return _model_row(Role.SALES_REP, "draft")


_model.unowned = True


def _cycle(district, owner):
    return _cycle_row()


_cycle.unowned = True


def _self_cycle(district, owner):
    """An open cycle, with a current model for every role (so every persona can assess themselves)."""
    from team.models import CapabilityModel

    for role in Role.values:
        if not CapabilityModel.objects.filter(role=role, state="approved").exists():
            _model_row(role, "approved")
    return _cycle_row()


_self_cycle.unowned = True


def _person(district, owner):
    return owner.staff if owner is not None else make_staff(district, owner)


def _assessment(district, owner, *, assessed=False):
    from team.models import Assessment, AssessmentScore

    person = _person(district, owner)
    model = _model_row(person.role, "superseded")
    assessment = Assessment.objects.create(
        cycle=_cycle_row(), staff=person, unit=person.unit, role=person.role, model=model,
        state="manager_assessed" if assessed else "self_assessed",
    )  # fmt: skip
    for competency in model.competencies.all():
        AssessmentScore.objects.create(
            assessment=assessment, competency=competency, self_level=3, manager_level=3 if assessed else None
        )
    return assessment


def _self_assessed(district, owner):
    return _assessment(district, owner)


def _assessed(district, owner):
    return _assessment(district, owner, assessed=True)


def _promotion(district, owner):
    from team.models import PromotionRecommendation

    person = _person(district, owner)
    return PromotionRecommendation.objects.create(
        staff=person, from_unit=person.unit, from_role=person.role, to_unit=district, to_role=Role.DISTRICT_MANAGER,
        effective_on=timezone.localdate(), reason="登记晋升建议",
    )  # fmt: skip


def _promotable(district, owner):
    return _person(district, owner)


def _levels(assessment):
    return {c.code: 4 for c in assessment.model.competencies.all()}


def _manager_expect(persona, inside, district_code, owner_name):
    """Only the person's direct manager assesses them; another manager who sees them is refused on `staff` (403),
    one who does not names no one (400); those without the right are refused first."""
    if persona not in MANAGERS:
        return 403, False
    if persona == DIRECT_MANAGER[district_code]:
        return 200, True
    return (403, False) if inside else (400, False)


def _manager_expect_web(persona, inside, district_code, owner_name):
    if not inside:
        return 404, False
    if persona == DIRECT_MANAGER[district_code]:
        return 302, True
    return 403, False


def _self_expect(persona, inside, district_code, owner_name):
    return (403, False) if persona in KEYS else (201, True)


def _self_page_body(obj, world, persona):
    from team.selectors.promo import current_model

    model = current_model(world.people[persona].staff.role)
    return {f"level_{c.pk}": "3" for c in model.competencies.all()} | {"comment": "登记自评"}


def _promotion_body(obj, world, persona):
    return {
        "staff": obj.pk,
        "to_unit": obj.unit.code,
        "to_role": "district_manager",
        "effective_on": str(timezone.localdate()),
        "reason": "登记",
    }


def _promotion_form(obj, world, persona):
    return {**_promotion_body(obj, world, persona), "to_unit": obj.unit_id}


ENTRIES = [
    Scoped(
        name="promo capability model",
        make=_model,
        api_list="team-capability-model-list",
        api_detail="team-capability-model-detail",
        web_list="team:capability_model_list",
        web_detail="team:capability_model_detail",
        company_wide=True,
        find=lambda obj: {"role": obj.role},
    ),
    Scoped(
        name="promo assessment cycle",
        make=_cycle,
        api_list="team-assessment-cycle-list",
        api_detail="team-assessment-cycle-detail",
        web_list="team:assessment_cycle_list",
        web_detail="team:assessment_cycle_detail",
        company_wide=True,
    ),
    Scoped(name="promo self-assessment page", make=_self_cycle, web_detail="team:self_assessment", company_wide=True),
    Scoped(
        name="promo assessment",
        make=_self_assessed,
        api_list="team-assessment-list",
        api_detail="team-assessment-detail",
        web_list="team:assessment_list",
        web_detail="team:assessment_detail",
        find=lambda obj: {"staff": obj.staff_id},
    ),
    Scoped(
        name="promo recommendation",
        make=_promotion,
        api_list="team-promotion-list",
        api_detail="team-promotion-detail",
        web_list="team:promotion_list",
        web_detail="team:promotion_detail",
        find=lambda obj: {"staff": obj.staff_id},
    ),
    Scoped(name="promo development archive", make=make_staff, web_detail="team:staff_development"),
]

WRITES = [
    # --- API -----------------------------------------------------------------------------------------------------
    Write(
        name="promo model create",
        url="team-capability-model-list",
        make=make_unit,
        detail=False,
        body={"role": "center_staff", "name": "中心人员能力模型", "competencies": COMPETENCIES},
        writers=CENTER,
        success=201,
        company_wide=True,
    ),
    Write(
        name="promo model update",
        url="team-capability-model-detail",
        method="patch",
        make=_model,
        body={"name": "改名", "competencies": COMPETENCIES},
        writers=CENTER,
        company_wide=True,
    ),
    Write(name="promo model submit", url="team-capability-model-submit", make=_model, writers=CENTER, company_wide=True),
    Write(
        name="promo cycle open",
        url="team-assessment-cycle-list",
        make=make_unit,
        detail=False,
        body={"code": "2099-H1", "name": "2099年上半年", "starts_on": "2099-01-01", "ends_on": "2099-06-30"},
        writers=CENTER,
        success=201,
        company_wide=True,
    ),
    Write(name="promo cycle close", url="team-assessment-cycle-close", make=_cycle, writers=CENTER, company_wide=True),
    Write(
        name="promo self-assessment",
        url="team-assessment-list",
        make=_self_cycle,
        detail=False,
        body=lambda obj, world, persona: {"cycle": obj.pk, "levels": {"KH": 3, "TP": 4}},
        company_wide=True,
        expect=_self_expect,
    ),
    Write(
        name="promo manager assessment",
        url="team-assessment-manager",
        make=_self_assessed,
        detail=False,
        body=lambda obj, world, persona: {"cycle": obj.cycle_id, "staff": obj.staff_id, "levels": _levels(obj)},
        expect=_manager_expect,
    ),
    Write(
        name="promo calibrate",
        url="team-assessment-calibrate",
        make=_assessed,
        body={"competency": "KH", "level": 4, "reason": "登记校准"},
        writers=MANAGERS,
    ),
    Write(
        name="promo recommend",
        url="team-promotion-list",
        make=_promotable,
        detail=False,
        body=_promotion_body,
        writers=MANAGERS,
        success=201,
        outside=400,
    ),
    Write(
        name="promo recommendation update",
        url="team-promotion-detail",
        method="patch",
        make=_promotion,
        body=lambda obj, world, persona: {
            "to_unit": obj.to_unit.code,
            "to_role": "district_manager",
            "effective_on": str(timezone.localdate()),
            "reason": "改",
        },  # fmt: skip
        writers=MANAGERS,
    ),
    Write(name="promo recommendation submit", url="team-promotion-submit", make=_promotion, writers=MANAGERS),
    # --- pages ---------------------------------------------------------------------------------------------------
    Write(
        name="promo model create page",
        url="team:capability_model_create",
        make=make_unit,
        detail=False,
        body={"role": "center_staff", "name": "中心人员能力模型", "competencies": "KH | 客户开发 | 5 | 说明"},
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="promo model submit page",
        url="team:capability_model_detail",
        make=_model,
        body={"action": "submit"},
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="promo cycle open page",
        url="team:assessment_cycle_create",
        make=make_unit,
        detail=False,
        body={"code": "2099-H1", "name": "2099年上半年", "starts_on": "2099-01-01", "ends_on": "2099-06-30"},
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="promo cycle close page",
        url="team:assessment_cycle_detail",
        make=_cycle,
        body={"action": "close"},
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="promo self-assessment page",
        url="team:self_assessment",
        make=_self_cycle,
        body=_self_page_body,
        company_wide=True,
        expect=lambda persona, inside, code, owner: (302, True),
    ),
    Write(
        name="promo manager assessment page",
        url="team:assessment_detail",
        make=_self_assessed,
        body=lambda obj, world, persona: {"form": "manager"} | {f"m-level_{c.pk}": "4" for c in obj.model.competencies.all()},
        expect=_manager_expect_web,
    ),
    Write(
        name="promo recommend page",
        url="team:promotion_create",
        make=_promotable,
        detail=False,
        body=_promotion_form,
        writers=MANAGERS,
        success=302,
        outside=400,
    ),
    Write(
        name="promo recommendation submit page",
        url="team:promotion_detail",
        make=_promotion,
        body={"action": "submit"},
        writers=MANAGERS,
        success=302,
    ),
]
