"""Demo data of capability assessment and promotion recommendations (issue 19), through the services: capability
models for salespeople and district managers approved by the director, the cycle 2026-H1 closed with the 杭州
team's self-assessments, their district manager's assessments and one calibration by the province's manager, the
cycle 2026-H2 open with two self-assessments waiting for the manager, and two promotion recommendations — one
waiting for the chain, one approved and applied. Idempotent: a second run finds the models and does nothing."""

from datetime import timedelta

from django.utils import timezone

from approvals.selectors import latest_request
from approvals.services import request_approve
from core.rights import SYSTEM
from core.roles import Role
from regions.models import StaffProfile
from team.models.promo import CapabilityModel
from team.services import promo as services

REP_COMPETENCIES = [
    {"code": "KH", "name": "客户开发", "levels": 5, "description": "发现、开发并维护客户关系",
     "level_descriptions": ["需要指导", "能独立跟进老客户", "能独立开发新客户", "能开发重点客户", "能带教他人开发客户"]},
    {"code": "TP", "name": "商务谈判", "levels": 5, "description": "价格、账期与合同条款的谈判"},
    {"code": "HK", "name": "回款管理", "levels": 5, "description": "按期回款，控制逾期与坏账"},
    {"code": "CP", "name": "产品知识", "levels": 5, "description": "熟悉产品与方案，能向客户讲解"},
]  # fmt: skip
DM_COMPETENCIES = [
    {"code": "TD", "name": "团队管理", "levels": 5, "description": "带教、分工与考核"},
    {"code": "JH", "name": "计划执行", "levels": 5, "description": "目标分解与计划执行"},
    {"code": "KH", "name": "客户开发", "levels": 5, "description": "重点客户开发与维护"},
]


def _user(username):
    return StaffProfile.objects.select_related("user").get(user__username=username).user


def _approved_model(role, name, competencies, center, director):
    model = services.capability_model_create(by=center, role=role, name=name, competencies=competencies, note="发展中心制定")
    request_approve(request=services.capability_model_submit(by=center, model=model), by=director, comment="同意")
    return model


def load_demo_promo():
    """Load the demo (see the module's docstring); returns counts of what it made."""
    if CapabilityModel.objects.exists():
        return {"models": 0}
    center, director = _user("center"), _user("director")
    dm, pm, rm = _user("dm_hangzhou"), _user("pm_zhejiang"), _user("rm_east")
    _approved_model(Role.SALES_REP, "业务员能力模型", REP_COMPETENCIES, center, director)
    _approved_model(Role.DISTRICT_MANAGER, "地办经理能力模型", DM_COMPETENCIES, center, director)
    today = timezone.localdate()
    year = today.year
    first = services.assessment_cycle_open(
        by=center, code=f"{year}-H1", name=f"{year}年上半年能力评估", starts_on=f"{year}-01-01", ends_on=f"{year}-06-30"
    )
    second = services.assessment_cycle_open(
        by=center, code=f"{year}-H2", name=f"{year}年下半年能力评估", starts_on=f"{year}-07-01", ends_on=f"{year}-12-31"
    )
    reps = list(StaffProfile.objects.filter(unit=dm.staff_profile.unit, role=Role.SALES_REP, is_active=True).order_by("pk"))
    patterns = [(4, 3, 4, 3), (3, 3, 2, 4), (5, 4, 4, 4), (2, 3, 3, 2)]
    assessed = 0
    for n, rep in enumerate(reps):
        own = patterns[n % len(patterns)]
        levels = dict(zip(("KH", "TP", "HK", "CP"), own, strict=True))
        # A salesperson without a login hands in a paper self-assessment, recorded by the system.
        as_rep = {"by": rep.user} if rep.user_id else {"by": SYSTEM, "staff": rep}
        services.assessment_self_submit(**as_rep, cycle=first, levels=levels, comment="本期完成了全部目标。")
        manager = {code: max(1, level - (1 if code == "TP" and n % 2 else 0)) for code, level in levels.items()}
        services.assessment_manager_submit(by=dm, cycle=first, staff=rep, levels=manager, comment="表现稳定。")
        assessed += 1
        if n < 2:
            services.assessment_self_submit(**as_rep, cycle=second, levels=levels, comment="下半年自评。")
    if reps:
        assessment = first.assessments.get(staff=reps[0])
        services.assessment_calibrate(by=pm, assessment=assessment, competency="KH", level=5, reason="全省横向对比后上调")
    services.assessment_cycle_close(by=center, cycle=first)
    promotions = 0
    # Not the demo login rep_hangzhou: the persona tour and the screenshots expect them where they are.
    candidates = [rep for rep in reps if not rep.user_id]
    if len(candidates) >= 2:
        waiting = services.promotion_create(
            by=dm, staff=candidates[0], to_unit="330100", to_role=Role.DISTRICT_MANAGER, to_title="杭州地办副经理",
            effective_on=today + timedelta(days=30), reason="连续两期能力评估优秀，客户开发能力突出，可带教新人。",
        )  # fmt: skip
        services.promotion_submit(by=dm, recommendation=waiting)
        applied = services.promotion_create(
            by=dm, staff=candidates[1], to_unit="330200", to_role=Role.DISTRICT_MANAGER, to_title="宁波地办经理",
            effective_on=today - timedelta(days=3), reason="宁波地办经理出缺，该同志熟悉浙江市场，考核排名靠前。",
        )  # fmt: skip
        request = services.promotion_submit(by=dm, recommendation=applied)
        for person in (pm, rm, center):
            request_approve(request=request, by=person, comment="同意")
            request = latest_request(applied)
        services.promotion_apply(by=center, recommendation=applied)  # the on-commit application, here in the same run
        promotions = 2
    return {"models": 2, "cycles": 2, "assessed": assessed, "promotions": promotions}
