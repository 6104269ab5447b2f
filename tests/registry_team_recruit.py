"""Scoping-contract entries of recruitment (招聘, team app, issue 19), joined into tests.scoping_registry.

Headcount requests, vacancies and candidates live where their unit lives: a manager reads and handles their
subtree's, the center everyone's. Reading and writing need the recruitment right (team/rights/recruit.py: the
role table's `task.assign` — managers and the center): sales staff read none of it (their scope holds no
recruitment rows: 404), branch keys are refused (403). Hiring needs regions' `staff.hire` besides: the center,
regional and provincial managers (a district manager gets 403).
"""

from django.utils import timezone

from core.rights import SYSTEM
from tests.scoping_registry import Scoped, Write, unowned

MANAGERS = frozenset({"director", "center", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong", "dm_hangzhou", "dm_guangzhou"})
HIRERS = frozenset({"director", "center", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong"})


def _request(district):
    from team.services import headcount_request_create

    return headcount_request_create(by=SYSTEM, unit=district, role="sales_rep", headcount=2, reason="登记扩编")


def _approved(district):
    from team.models import HeadcountRequest, HeadcountState
    from team.services import headcount_on_approved

    request = _request(district)
    HeadcountRequest.objects.filter(pk=request.pk).update(state=HeadcountState.APPROVED, approved_at=timezone.now())
    request.refresh_from_db()
    headcount_on_approved(request=request)
    return request


def _vacancy(district):
    return _approved(district).vacancies.order_by("id").first()


def _candidate(district):
    from team.services import candidate_record

    return candidate_record(by=SYSTEM, vacancy=_vacancy(district), name="登记候选人", applied_on="2025-01-10")


def _offered(district):
    from regions.models import StaffProfile
    from team.services import candidate_move, interview_record

    candidate = _candidate(district)
    interviewer = StaffProfile.objects.filter(unit=district, role="district_manager").first()
    interview_record(by=SYSTEM, candidate=candidate, interviewer=interviewer, held_on="2025-01-20", assessment="recommend")
    return candidate_move(by=SYSTEM, candidate=candidate, stage="offered")


# One maker per entry (objects are shared by entries with the same maker; a write case is rolled back anyway).
hc_read = unowned(lambda district, owner: _request(district))
hc_edit = unowned(lambda district, owner: _request(district))
hc_submit = unowned(lambda district, owner: _request(district))
hc_withdraw = unowned(lambda district, owner: _request(district))
hc_page_edit = unowned(lambda district, owner: _request(district))
hc_page_submit = unowned(lambda district, owner: _request(district))
hc_unit = unowned(lambda district, owner: district)
vacancy_read = unowned(lambda district, owner: _vacancy(district))
vacancy_cancel = unowned(lambda district, owner: _vacancy(district))
vacancy_page_cancel = unowned(lambda district, owner: _vacancy(district))
vacancy_for_candidates = unowned(lambda district, owner: _vacancy(district))
candidate_read = unowned(lambda district, owner: _candidate(district))
candidate_to_move = unowned(lambda district, owner: _candidate(district))
candidate_to_interview = unowned(lambda district, owner: _candidate(district))
candidate_page_move = unowned(lambda district, owner: _candidate(district))
candidate_to_hire = unowned(lambda district, owner: _offered(district))
candidate_page_hire = unowned(lambda district, owner: _offered(district))


def _hc_body(obj, world, persona):
    return {"unit": obj.pk, "role": "sales_rep", "headcount": 1, "reason": "登记新增"}


def _hire_body(obj, world, persona):
    return {"employee_no": f"REG-H{obj.pk}", "hire_date": timezone.localdate().isoformat()}


ENTRIES = [
    Scoped(
        name="headcount request",
        make=hc_read,
        api_list="team-headcount-request-list",
        api_detail="team-headcount-request-detail",
        web_list="team:headcount_request_list",
        web_detail="team:headcount_request_detail",
        readers=MANAGERS,
        find=lambda obj: {"state": obj.state},
    ),
    Scoped(
        name="headcount request edit page",
        make=hc_read,
        web_detail="team:headcount_request_edit",
        readers=MANAGERS,
    ),
    Scoped(
        name="vacancy",
        make=vacancy_read,
        api_list="team-vacancy-list",
        api_detail="team-vacancy-detail",
        web_list="team:vacancy_list",
        web_detail="team:vacancy_detail",
        readers=MANAGERS,
        find=lambda obj: {"request": obj.request_id},
    ),
    Scoped(
        name="candidate",
        make=candidate_read,
        api_list="team-candidate-list",
        api_detail="team-candidate-detail",
        web_list="team:candidate_list",
        web_detail="team:candidate_detail",
        readers=MANAGERS,
        find=lambda obj: {"vacancy": obj.vacancy_id},
    ),
]

WRITES = [
    # --- API ---------------------------------------------------------------------------------------------------
    Write(
        name="headcount request create",
        url="team-headcount-request-list",
        make=hc_unit,
        detail=False,
        body=_hc_body,
        writers=MANAGERS,
        success=201,
        outside=400,
    ),
    Write(
        name="headcount request update",
        url="team-headcount-request-detail",
        method="patch",
        make=hc_edit,
        body={"role": "sales_rep", "headcount": 3, "reason": "登记改过"},
        writers=MANAGERS,
    ),
    Write(name="headcount request submit", url="team-headcount-request-submit", make=hc_submit, writers=MANAGERS),
    Write(name="headcount request withdraw", url="team-headcount-request-withdraw", make=hc_withdraw, writers=MANAGERS),
    Write(name="vacancy cancel", url="team-vacancy-cancel", make=vacancy_cancel, body={"reason": "登记取消"}, writers=MANAGERS),
    Write(
        name="candidate create",
        url="team-candidate-list",
        make=vacancy_for_candidates,
        detail=False,
        body=lambda obj, world, persona: {"vacancy": obj.pk, "name": "登记新候选人"},
        writers=MANAGERS,
        success=201,
        outside=400,
    ),
    Write(
        name="candidate move", url="team-candidate-move", make=candidate_to_move, body={"stage": "withdrawn"}, writers=MANAGERS
    ),
    Write(
        name="candidate interview",
        url="team-candidate-interview",
        make=candidate_to_interview,
        body={"held_on": "2025-02-01", "assessment": "recommend", "notes": "登记面试"},
        writers=MANAGERS,
    ),
    Write(name="candidate hire", url="team-candidate-hire", make=candidate_to_hire, body=_hire_body, writers=HIRERS),
    # --- pages -------------------------------------------------------------------------------------------------
    Write(
        name="headcount request create page",
        url="team:headcount_request_create",
        make=hc_unit,
        detail=False,
        body=_hc_body,
        writers=MANAGERS,
        success=302,
        outside=400,
    ),
    Write(
        name="headcount request edit page",
        url="team:headcount_request_edit",
        make=hc_page_edit,
        body={"role": "sales_rep", "headcount": 3, "reason": "登记改过"},
        writers=MANAGERS,
        success=302,
    ),
    Write(
        name="headcount request submit page",
        url="team:headcount_request_detail",
        make=hc_page_submit,
        body={"action": "submit"},
        writers=MANAGERS,
        success=302,
    ),
    Write(
        name="vacancy cancel page",
        url="team:vacancy_detail",
        make=vacancy_page_cancel,
        body={"reason": "登记取消"},
        writers=MANAGERS,
        success=302,
    ),
    Write(
        name="candidate create page",
        url="team:candidate_create",
        make=vacancy_for_candidates,
        detail=False,
        body=lambda obj, world, persona: {"vacancy": obj.pk, "name": "登记新候选人"},
        writers=MANAGERS,
        success=302,
        outside=400,
    ),
    Write(
        name="candidate move page",
        url="team:candidate_detail",
        make=candidate_page_move,
        body={"action": "move", "stage": "withdrawn"},
        writers=MANAGERS,
        success=302,
    ),
    Write(
        name="candidate hire page",
        url="team:candidate_detail",
        make=candidate_page_hire,
        body=lambda obj, world, persona: {"action": "hire", **_hire_body(obj, world, persona)},
        writers=HIRERS,
        success=302,
    ),
]
