"""Scoping-contract entries of risk control (joined into tests.scoping_registry.REGISTRY)."""

from datetime import date, timedelta

from tests.scoping_registry import Scoped, Write, make_unit

# Every person among the personas reports special events of a unit in their scope (a sales rep: his own
# district); branch keys report nothing.
REPORTERS = frozenset(
    {"director", "center", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong", "dm_hangzhou", "dm_guangzhou", "rep_hangzhou"}
)
# An event is handled by its owner (the district manager, by default), the managers above its unit and the
# center — not by the sales rep who reported it.
HANDLERS = REPORTERS - {"rep_hangzhou"}

_counter = iter(range(1, 10**6))


def _reporter(district, owner):
    from regions.models import StaffProfile

    if owner is not None:
        return owner.staff
    return StaffProfile.objects.get(unit=district, role="district_manager", user__isnull=False)


def _event(district, owner):
    """An event of the district reported by the owner persona (杭州: rep_hangzhou_2; 广州: its district
    manager), on a day of its own so a list can be narrowed to it."""
    from risk.services import event_report

    n = next(_counter)
    return event_report(
        by=_reporter(district, owner).user,
        unit=district,
        kind="incident",
        severity="high",
        title=f"登记事件{n}",
        description="营业网点系统故障，客户无法办理业务",
        occurred_on=date(2024, 1, 1) + timedelta(days=n),
    )


def _event_with_step(district, owner):
    from core.rights import SYSTEM
    from risk.services import event_add_step

    event = _event(district, owner)
    event_add_step(by=SYSTEM, event=event, description="核实受影响客户", working_days=2)
    return event


def _new_owner(obj, world, persona):
    # The provincial manager above the district: a candidate owner who is not the current one.
    manager = "pm_zhejiang" if obj.unit.code == "330100" else "pm_guangdong"
    return {"action": "assign", "owner": world.people[manager].staff.pk}


def _complete(obj, world, persona):
    return {"action": "complete_step", "step": obj.steps.get().pk, "note": "已核实"}


def _report_body(district, world, persona):
    return {
        "unit": district.pk,
        "kind": "market_emergency",
        "severity": "critical",
        "title": "竞品大幅降价",
        "description": "竞争对手同类产品降价三成",
        "occurred_on": "2025-06-01",
    }


ENTRIES = [
    Scoped(
        name="special event",
        make=_event,
        api_list="special-event-list",
        api_detail="special-event-detail",
        web_list="risk:event_list",
        web_detail="risk:event_detail",
        find=lambda obj: {"occurred_after": obj.occurred_on.isoformat(), "occurred_before": obj.occurred_on.isoformat()},
    ),
]

WRITES = [
    # --- API -------------------------------------------------------------------------------------------------
    Write(
        name="special event report",
        url="special-event-list",
        make=make_unit,
        detail=False,
        body=_report_body,
        writers=REPORTERS,
        success=201,
        rep_sees="unit",
        outside=400,
    ),
    # --- pages -----------------------------------------------------------------------------------------------
    Write(
        name="special event report page",
        url="risk:event_create",
        make=make_unit,
        detail=False,
        body=_report_body,
        writers=REPORTERS,
        success=302,
        rep_sees="unit",
        outside=400,
    ),
    Write(name="special event assign page", url="risk:event_detail", make=_event, body=_new_owner, writers=HANDLERS, success=302),
    Write(
        name="special event add step page",
        url="risk:event_detail",
        make=_event,
        body={"action": "add_step", "description": "走访受影响客户", "working_days": "2"},
        writers=HANDLERS,
        success=302,
    ),
    Write(
        name="special event complete step page",
        url="risk:event_detail",
        make=_event_with_step,
        body=_complete,
        writers=HANDLERS,
        success=302,
    ),
    Write(
        name="special event note page",
        url="risk:event_detail",
        make=_event,
        body={"action": "note", "text": "已电话联系客户"},
        writers=HANDLERS,
        success=302,
    ),
    Write(
        name="special event close page",
        url="risk:event_detail",
        make=_event,
        body={"action": "close", "summary": "故障已排除，客户业务已恢复"},
        writers=HANDLERS,
        success=302,
    ),
]
