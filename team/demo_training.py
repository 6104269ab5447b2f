"""Demo training (培训, issue 19): a course catalogue of six courses (product knowledge, compliance, sales skills,
management; some mandatory for sales staff or managers, with validities of 12 or 24 months), past sessions over the
last fourteen months — run online by the center, by 华东 and by the 杭州 and 广州 district offices — with attendance
and scores (some below the pass mark, a few absent), coming sessions with people already enrolled, and, because each
past session reached only part of its people, some people overdue on their mandatory training.

Dates are relative to `today`. Courses, sessions, coming enrolments and every attendance go through the services as
the people whose job it is; the enrolments of past sessions are written directly (backdated: a session that has
started takes no new enrolment). Once: nothing is loaded when the catalogue has courses (a second run returns
zeros)."""

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from core.rights import SYSTEM
from core.roles import Role
from regions.models import OrgUnit, StaffProfile
from team import services
from team.models.training import Course, Enrolment

SALES = [Role.SALES_REP]
MANAGERS = [Role.REGIONAL_MANAGER, Role.PROVINCIAL_MANAGER, Role.DISTRICT_MANAGER]
EVERYONE = [*MANAGERS, Role.SALES_REP]

# code, title, topic, kind, hours, pass mark, mandatory for, validity (months)
CATALOGUE = [
    ("TR-PRD-01", "理财产品线知识", "新品条款、收益结构与适当性", "product", "6", 60, SALES, 12),
    ("TR-CMP-01", "反洗钱与合规销售", "反洗钱义务、销售行为规范", "compliance", "4", 80, EVERYONE, 12),
    ("TR-CMP-02", "数据安全与客户隐私", "客户信息保护、数据外发规范", "compliance", "2", 60, EVERYONE, 24),
    ("TR-SAL-01", "顾问式销售技巧", "需求挖掘、异议处理、促成", "sales", "8", 70, SALES, None),
    ("TR-SAL-02", "客户投诉处理", "投诉受理、升级与回访", "sales", "3", None, [], None),
    ("TR-MGT-01", "基层经理领导力", "目标分解、辅导与绩效面谈", "management", "12", 70, MANAGERS, 24),
]

# (course code, unit code, days from today, online, place, trainer, capacity)
PAST = [
    ("TR-CMP-01", "HQ", -400, True, "视频会议", "发展中心 周敏", 60),
    ("TR-PRD-01", "HD", -330, False, "上海 华东区培训室", "产品部 陈立", 30),
    ("TR-MGT-01", "HQ", -300, False, "北京 发展中心大会议室", "外聘讲师 刘志强", 25),
    ("TR-SAL-01", "330100", -240, False, "杭州分公司 三楼会议室", "王海燕", 20),
    ("TR-CMP-02", "HQ", -200, True, "视频会议", "信息部 何静", 80),
    ("TR-SAL-01", "440100", -150, False, "广州分公司 培训室", "林国华", 20),
    ("TR-PRD-01", "HQ", -90, True, "视频会议", "产品部 陈立", 80),
    ("TR-CMP-01", "HD", -45, False, "上海 华东区培训室", "合规部 赵敏", 30),
    ("TR-SAL-02", "330100", -20, False, "杭州分公司 三楼会议室", "客服中心 孙倩", 15),
]
UPCOMING = [
    ("TR-CMP-01", "HQ", 9, True, "视频会议", "合规部 赵敏", 80),
    ("TR-PRD-01", "330100", 16, False, "杭州分公司 三楼会议室", "产品部 陈立", 12),
    ("TR-MGT-01", "HD", 30, False, "上海 华东区培训室", "外聘讲师 刘志强", 20),
    ("TR-SAL-01", "440100", 23, False, "广州分公司 培训室", "林国华", 15),
]


def _at(day, hour):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


def _runner(unit):
    """Who runs a unit's session: its manager (the center: the director)."""
    if unit.kind == "center":
        profile = StaffProfile.objects.filter(unit=unit, role=Role.DIRECTOR, is_active=True).select_related("user").first()
    else:
        profile = (
            StaffProfile.objects.filter(unit=unit, is_active=True).exclude(role=Role.SALES_REP).select_related("user").first()
        )
    return profile.user if profile is not None and profile.user_id else SYSTEM


def _schedule(row, today):
    code, unit_code, days, online, place, trainer, capacity = row
    unit = OrgUnit.objects.get(code=unit_code)
    day = today + timedelta(days=days)
    course = Course.objects.get(code=code)
    hours = max(1, int(float(course.hours)))
    session = services.training_session_create(
        by=_runner(unit), course=course, unit=unit, starts_at=_at(day, 9), ends_at=_at(day, 9 + min(hours, 9)),
        online=online, place=place, trainer=trainer, capacity=capacity,
    )  # fmt: skip
    return session, unit


def _audience(session, unit, rng, share):
    """Part of the people the session is for (those whose role it suits when the course is mandatory for some)."""
    people = StaffProfile.objects.filter(is_active=True, unit__path__startswith=unit.path).exclude(role=Role.DIRECTOR)
    roles = session.course.mandatory_roles
    if roles:
        people = people.filter(role__in=roles)
    people = list(people.order_by("pk"))
    chosen = rng.sample(people, min(len(people), session.capacity, max(1, round(len(people) * share))))
    return sorted(chosen, key=lambda p: p.pk)


@transaction.atomic
def load_demo_training(today=None):
    today = today or timezone.localdate()
    counts = {"courses": 0, "sessions": 0, "enrolments": 0, "results": 0}
    if Course.objects.exists():
        return counts
    rng = random.Random(19)
    center = StaffProfile.objects.filter(role=Role.DIRECTOR, is_active=True).select_related("user").first()
    by = center.user if center is not None and center.user_id else SYSTEM
    for code, title, topic, kind, hours, mark, roles, months in CATALOGUE:
        services.course_create(
            by=by, code=code, title=title, topic=topic, kind=kind, hours=hours, pass_mark=mark,
            mandatory_roles=[str(r) for r in roles], validity_months=months,
        )  # fmt: skip
        counts["courses"] += 1
    for row in PAST:
        # Scheduled "then": as of a few days before, through the service (it refuses no past day), then backdated.
        session, unit = _schedule(row, today)
        counts["sessions"] += 1
        people = _audience(session, unit, rng, share=0.6)
        enrolled_at = session.starts_at - timedelta(days=7)
        enrolments = Enrolment.objects.bulk_create(
            [Enrolment(session=session, person=p, enrolled_at=enrolled_at) for p in people]
        )
        counts["enrolments"] += len(enrolments)
        recorder = _runner(unit)
        pass_mark = session.course.pass_mark
        for enrolment in enrolments:
            attended = rng.random() < 0.9
            score = None
            if attended and pass_mark is not None:
                score = min(100, max(35, round(rng.gauss(pass_mark + 12, 10))))
            services.enrolment_record(by=recorder, enrolment=enrolment, attended=attended, score=score)
            counts["results"] += 1
    for row in UPCOMING:
        session, unit = _schedule(row, today)
        counts["sessions"] += 1
        manager = _runner(unit)
        for n, person in enumerate(_audience(session, unit, rng, share=0.3)):
            # Every third enrols themself; the others are enrolled by the unit's manager.
            actor = person.user if n % 3 == 0 and person.user_id else manager
            services.enrolment_create(by=actor, session=session, person=person)
            counts["enrolments"] += 1
    return counts
