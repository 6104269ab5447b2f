"""Scoping-contract entries of this app (joined into tests.scoping_registry.REGISTRY).

An approval request is made in the district with the district's own org unit as its subject (any saved
model may be a subject): in 杭州 a work plan submitted by the owner salesperson (rep_hangzhou_2, so the
chain is the 杭州 district manager), in 广州 one submitted by the 广州 district manager (chain: the 广东
provincial manager). Every approver on those chains is already inside the district's scope, so the
chain extension of the scope rule adds nobody to the table's expectations: readers are exactly the
personas whose scope covers the district, and a salesperson sees only their own submissions ("own").

Branch API keys have no part in approvals: in scope they get 403 (hence `readers` lists people only),
outside it 404 like any probe.
"""

from core.roles import Role
from tests.scoping_registry import Scoped

PEOPLE = frozenset(
    {
        "director",
        "center",
        "rm_east",
        "rm_south",
        "pm_zhejiang",
        "pm_guangdong",
        "dm_hangzhou",
        "dm_guangzhou",
        "rep_hangzhou",
    }
)


def _submitter(district, owner):
    from regions.models import StaffProfile

    if owner is not None:
        return owner.staff
    return StaffProfile.objects.filter(unit=district, role=Role.DISTRICT_MANAGER, is_active=True).order_by("pk").first()


def _request(district, owner, *, kind="plan_work"):
    from approvals.services import request_submit

    staff = _submitter(district, owner)
    return request_submit(
        subject=district, kind=kind, unit=district, title=f"{district.name} 登记报审", by=staff.user, snapshot={"n": 1}
    )


def _at_center(district, owner):
    """A marketing plan that the regional manager approved: it now waits at the Development Center."""
    from approvals.services import request_approve
    from regions.models import StaffProfile

    request = _request(district, owner, kind="plan_marketing")
    region = request.current_step.approver_unit
    manager = StaffProfile.objects.filter(unit=region, role=Role.REGIONAL_MANAGER, is_active=True).order_by("pk").first()
    return request_approve(request=request, by=manager.user)


def _delegation(district, owner):
    from datetime import date

    from approvals.services import delegation_create
    from regions.models import StaffProfile

    staff = _submitter(district, owner)
    manager = StaffProfile.objects.filter(unit=district.parent, role=Role.PROVINCIAL_MANAGER, is_active=True).first()
    return delegation_create(
        from_staff=staff, to_staff=manager, starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 31), by=staff.user
    )


_calendar_days = iter(range(1, 365))


def _calendar_day(district, owner):
    """A day of the working calendar: company-wide data of the Development Center (no district of its own),
    so only the center reads the list; every other persona gets 403 whatever the district."""
    from datetime import date, timedelta

    from approvals.models import CalendarDay

    return CalendarDay.objects.create(day=date(2031, 1, 1) + timedelta(days=next(_calendar_days)), kind="holiday", name="登记")


ENTRIES = [
    Scoped(
        name="approval request",
        make=_request,
        api_list="approval-list",
        api_detail="approval-detail",
        readers=PEOPLE,
        find=lambda obj: {"unit": obj.unit_id},
    ),
    Scoped(
        name="approval request page",
        make=_request,
        web_list="approvals:request_list",
        web_detail="approvals:detail",
        find=lambda obj: {"unit": obj.unit_id},
    ),
    Scoped(
        name="approval queue page",
        make=_at_center,
        web_list="approvals:queue",
        readers=frozenset({"director", "center"}),
        find=lambda obj: {"kind": obj.kind},
    ),
    # The delegations list holds only one's own (given/received); the detail follows the scope rule.
    Scoped(
        name="approval delegation",
        make=_delegation,
        api_detail="delegation-detail",
        readers=PEOPLE,
    ),
    # The working calendar (工作日历): the center keeps it; the list is the only page walked here, an entry's
    # edit page answers 404 to everyone else (tests/approvals/test_working_calendar.py).
    Scoped(
        name="working calendar page",
        make=_calendar_day,
        web_list="approvals:calendar",
        readers=frozenset({"director", "center"}),
        find=lambda obj: {"year": obj.day.year},
    ),
]
