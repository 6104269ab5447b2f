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
from tests.scoping_registry import Scoped, Write

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


# --- writes ----------------------------------------------------------------------------------------------------
#
# Rules (approvals/services.py, the one approval mechanism): the moves on a waiting request — approve, return,
# reject, forward (转交), add a reviewer (加签) — are made by the approver of the current step, their delegate or
# the director, never by the submitter; withdraw (撤回) and nudge (催办) by the submitter only. Branch keys
# take no part (403 in scope, 404 outside). Everyone with a role may try a bulk decision (the answer says per
# request whether it was decided); the Development Center's queue page decides in bulk for the center only.
# One's delegations are set up and revoked by the person going away (or the director); the working calendar
# is the center's.
#
# The waiting requests here are the approval requests of work plans (tests/registry_plans.py): in 杭州 submitted
# by the owner rep (rep_hangzhou_2; in the ownership variant by rep_hangzhou), waiting for the 杭州 district
# manager; in 广州 submitted by the 广州 district manager, waiting for the 广东 provincial manager.

DECIDERS = frozenset({"director", "dm_hangzhou", "pm_guangdong"})
SUBMITTERS = frozenset({"dm_guangzhou", "rep_hangzhou"})
CENTER = frozenset({"director", "center"})


def _pending(district, owner):
    from django.contrib.contenttypes.models import ContentType

    from approvals.models import ApprovalRequest
    from tests.registry_plans import make_submitted

    plan = make_submitted(district, owner)
    return ApprovalRequest.objects.unscoped().get(content_type=ContentType.objects.get_for_model(plan), object_id=plan.pk)


def _reviewer(request, world, persona):
    """Someone the current step may be handed to (the pages' picker offers the same people)."""
    from approvals.selectors import reviewer_candidates

    return reviewer_candidates(request=request).order_by("pk").first().pk


def _delegate(world, persona):
    from approvals.selectors import delegate_candidates

    staff = world.people[persona].staff
    if staff is None:  # a branch key: it is refused before the body is read; name anyone
        return world.people["director"].staff.pk
    return delegate_candidates(staff=staff).order_by("pk").first().pk


def _bulk_expect(persona, inside, code, owner_name):
    if persona in ("key_hangzhou", "key_guangdong"):
        return 403, False
    # Everyone else gets the answer, request by request: decided only by a decider who reads it.
    return 200, inside and persona in DECIDERS


def _bulk_check(response, wrote):
    if response.status_code == 200:
        assert response.json()["results"][0]["ok"] is wrote, response.json()


def _calendar_entry_expect(persona, inside, code, owner_name):
    # An entry of the working calendar is the center's: to anyone else it does not exist (404).
    return (302, True) if persona in CENTER else (404, False)


def _own_delegation_revoke_expect(persona, inside, code, owner_name):
    # The delegations page holds one's own delegations (given or received) and nothing else, the director's
    # included: the giver revokes (302), the receiver sees it but may not (403), anyone else finds nothing (404).
    giver = owner_name or "dm_guangzhou"
    receiver = "pm_zhejiang" if code == "330100" else "pm_guangdong"
    if persona == giver:
        return 302, True
    if persona == receiver:
        return 403, False
    return 404, False


def _move(move, **extra):
    return lambda request, world, persona: {"move": move, "comment": "登记意见", **extra}


WRITES = [
    # --- API: the moves on one request -----------------------------------------------------------------------
    Write(name="approval approve", url="approval-approve", make=_pending, body={"comment": ""}, writers=DECIDERS),
    Write(name="approval return", url="approval-return", make=_pending, body={"comment": "请补充"}, writers=DECIDERS),
    Write(name="approval reject", url="approval-reject", make=_pending, body={"comment": "不同意"}, writers=DECIDERS),
    Write(
        name="approval forward",
        url="approval-forward",
        make=_pending,
        body=lambda request, world, persona: {"to_staff": _reviewer(request, world, persona), "comment": ""},
        writers=DECIDERS,
    ),
    Write(
        name="approval add signer",
        url="approval-add-signer",
        make=_pending,
        body=lambda request, world, persona: {"staff": _reviewer(request, world, persona), "before": True, "comment": ""},
        writers=DECIDERS,
    ),
    Write(name="approval withdraw", url="approval-withdraw", make=_pending, writers=SUBMITTERS),
    Write(name="approval nudge", url="approval-nudge", make=_pending, writers=SUBMITTERS, success=201),
    Write(
        name="approval bulk",
        url="approval-bulk",
        make=_pending,
        detail=False,
        body=lambda request, world, persona: {"ids": [request.pk], "action": "approve", "comment": ""},
        writers=DECIDERS,
        expect=_bulk_expect,
        check=_bulk_check,
    ),
    # --- API: delegations ------------------------------------------------------------------------------------
    # One's own delegation: there is no place in the request to be outside of.
    Write(
        name="delegation create",
        url="delegation-list",
        make=_request,
        detail=False,
        body=lambda request, world, persona: {
            "to_staff": _delegate(world, persona),
            "starts_on": "2027-03-01",
            "ends_on": "2027-03-10",
        },
        writers=PEOPLE,
        success=201,
        company_wide=True,
    ),
    Write(
        name="delegation revoke",
        url="delegation-revoke",
        make=_delegation,
        writers=frozenset({"director", "dm_guangzhou", "rep_hangzhou"}),
    ),
    # --- pages -----------------------------------------------------------------------------------------------
    Write(
        name="approval approve page", url="approvals:detail", make=_pending, body=_move("approve"), writers=DECIDERS, success=302
    ),
    Write(
        name="approval return page", url="approvals:detail", make=_pending, body=_move("return"), writers=DECIDERS, success=302
    ),
    Write(
        name="approval reject page", url="approvals:detail", make=_pending, body=_move("reject"), writers=DECIDERS, success=302
    ),
    Write(
        name="approval forward page",
        url="approvals:detail",
        make=_pending,
        body=lambda request, world, persona: {
            **_move("forward")(request, world, persona),
            "to_staff": _reviewer(request, world, persona),
        },
        writers=DECIDERS,
        success=302,
    ),
    Write(
        name="approval add signer page",
        url="approvals:detail",
        make=_pending,
        body=lambda request, world, persona: {
            **_move("add_signer")(request, world, persona),
            "staff": _reviewer(request, world, persona),
            "before": "1",
        },
        writers=DECIDERS,
        success=302,
    ),
    Write(
        name="approval withdraw page",
        url="approvals:detail",
        make=_pending,
        body=_move("withdraw"),
        writers=SUBMITTERS,
        success=302,
    ),
    Write(
        name="approval nudge page", url="approvals:detail", make=_pending, body=_move("nudge"), writers=SUBMITTERS, success=302
    ),
    Write(
        name="approval queue bulk page",
        url="approvals:queue",
        make=_at_center,
        detail=False,
        body=lambda request, world, persona: {"ids": [request.pk], "action": "approve", "comment": ""},
        writers=CENTER,
        success=200,  # the queue again, with each request's result
        rep_sees="unit",  # the center's page: a sales rep never gets past its right, whoever's request it is
    ),
    Write(
        name="delegation create page",
        url="approvals:delegations",
        make=_request,
        detail=False,
        body=lambda request, world, persona: {
            "to_staff": _delegate(world, persona),
            "starts_on": "2027-03-01",
            "ends_on": "2027-03-10",
        },
        writers=PEOPLE,
        success=302,
        company_wide=True,
    ),
    Write(
        name="delegation revoke page",
        url="approvals:delegations",
        make=_delegation,
        detail=False,
        body=lambda delegation, world, persona: {"revoke": delegation.pk},
        writers=frozenset({"dm_guangzhou", "rep_hangzhou"}),
        expect=_own_delegation_revoke_expect,
    ),
    Write(
        name="working calendar add page",
        url="approvals:calendar",
        make=_calendar_day,
        detail=False,
        body={"day": "2027-10-08", "kind": "workday", "name": ""},
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="working calendar entry page",
        url="approvals:calendar_day",
        make=_calendar_day,
        body=lambda day, world, persona: {"day": day.day.isoformat(), "kind": "holiday", "name": "改名"},
        writers=CENTER,
        success=302,
        expect=_calendar_entry_expect,
    ),
    Write(
        name="working calendar entry delete page",
        url="approvals:calendar_day",
        make=_calendar_day,
        body={"delete": "1"},
        writers=CENTER,
        success=302,
        expect=_calendar_entry_expect,
    ),
]

# Whom the current step may be handed to: for the step's deciders only (403 to other readers).
ENTRIES += [
    Scoped(
        name="approval candidates",
        make=_pending,
        api_detail="approval-candidates",
        api_detail_is_object=False,
        readers=DECIDERS,
    ),
]
