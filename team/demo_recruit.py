"""Demo recruitment (招聘, issue 19): headcount requests of 杭州 and 广州 approved through the chain (the regional
manager, then the center) five weeks and twelve days ago, their vacancies with candidates at every stage and
interview notes — one hired into the staff archive by the provincial manager of 浙江 five days ago —, a 宁波
request waiting for the regional manager and a 杭州 draft.

Everything goes through the services and the approval mechanism as the people whose job it is. One step is not a
service's: a vacancy opens on the day its request is approved, and the demo dates those of the approved requests
back to the day they were "approved" (five weeks, twelve days ago) so that the days open read as they would.
Once: nothing is loaded when a headcount request exists (a second run returns zeros). After the company."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from approvals.demo import approve_through
from approvals.selectors import latest_request
from core.rights import SYSTEM
from regions.models import OrgUnit, StaffProfile
from team import services
from team.models import Candidate, HeadcountRequest, Vacancy


def _user(username):
    profile = StaffProfile.objects.filter(user__username=username, is_active=True).select_related("user").first()
    return profile.user if profile is not None else SYSTEM


def _unit(code):
    return OrgUnit.objects.get(code=code)


def _approved(by, code, role, headcount, reason, title, opened_on):
    request = services.headcount_request_create(
        by=by, unit=_unit(code), role=role, headcount=headcount, reason=reason, title=title
    )
    services.headcount_request_submit(by=by, request=request)
    approve_through(latest_request(request), comment="同意，按编制招聘")
    Vacancy.objects.filter(request=request).update(opened_on=opened_on)  # see the module docstring
    return list(Vacancy.objects.filter(request=request).order_by("id"))


def _candidate(by, vacancy, name, *, applied_on, phone, source, interviews=(), stage=None):
    candidate = services.candidate_record(by=by, vacancy=vacancy, name=name, phone=phone, source=source, applied_on=applied_on)
    for held_on, assessment, notes in interviews:
        services.interview_record(by=by, candidate=candidate, held_on=held_on, assessment=assessment, notes=notes)
    if stage is not None:
        candidate = services.candidate_move(by=by, candidate=candidate, stage=stage)
    return candidate


@transaction.atomic
def load_demo_recruit(*, today=None):
    """See the module's docstring; returns counts."""
    today = today or timezone.localdate()
    if HeadcountRequest.objects.exists():
        return {"requests": 0, "vacancies": 0, "candidates": 0, "hired": 0}
    dm_hz, dm_gz, pm_zj = _user("dm_hangzhou"), _user("dm_guangzhou"), _user("pm_zhejiang")
    day = lambda n: today - timedelta(days=n)  # noqa: E731

    # 杭州: two account managers for the new 余杭 area, approved five weeks ago.
    first, second = _approved(
        dm_hz,
        "330100",
        "sales_rep",
        2,
        "余杭片区新增银行与企业客户，现有人员无法覆盖，申请增加两名客户经理。",
        "客户经理",
        day(35),
    )
    hired = _candidate(
        dm_hz, first, "林晓峰", applied_on=day(30), phone="13905710001", source="招聘网站",
        interviews=[(day(25), "strong", "五年银行对公业务经验，熟悉杭州本地客户。"), (day(20), "recommend", "复试：沟通清晰，期望薪资在范围内。")],
        stage="offered",
    )  # fmt: skip
    _candidate(
        dm_hz, first, "陈雨桐", applied_on=day(29), phone="13905710002", source="内部推荐",
        interviews=[(day(24), "hold", "经验偏少，可作为储备。")], stage="withdrawn",
    )  # fmt: skip
    services.candidate_hire(by=pm_zj, candidate=hired, employee_no="ZP26001", hire_date=day(5), title="客户经理")
    _candidate(
        dm_hz, second, "王浩然", applied_on=day(21), phone="13905710003", source="校园招聘",
        interviews=[(day(14), "recommend", "学习能力强，市场营销专业。")], stage="offered",
    )  # fmt: skip
    _candidate(
        dm_hz, second, "张思雨", applied_on=day(18), phone="13905710004", source="招聘网站",
        interviews=[(day(10), "recommend", "有快消品销售经验。")],
    )  # fmt: skip
    _candidate(dm_hz, second, "刘佳琪", applied_on=day(6), phone="13905710005", source="招聘网站")

    # 广州: one replacement, approved twelve days ago.
    (gz,) = _approved(dm_gz, "440100", "sales_rep", 1, "原客户经理离职，申请补充一名。", "客户经理", day(12))
    _candidate(dm_gz, gz, "黄志明", applied_on=day(8), phone="13802000001", source="内部推荐")

    # 宁波: a district manager's post, waiting for the regional manager; 杭州: a draft.
    ningbo = services.headcount_request_create(
        by=pm_zj,
        unit=_unit("330200"),
        role="district_manager",
        headcount=1,
        reason="宁波地办经理岗位空缺，申请招聘。",
        title="地办经理",
    )
    services.headcount_request_submit(by=pm_zj, request=ningbo)
    services.headcount_request_create(
        by=dm_hz, unit=_unit("330100"), role="sales_rep", headcount=1, reason="为明年渠道拓展储备人员。", title="渠道专员"
    )
    return {
        "requests": HeadcountRequest.objects.count(),
        "vacancies": Vacancy.objects.count(),
        "candidates": Candidate.objects.count(),
        "hired": 1,
    }
