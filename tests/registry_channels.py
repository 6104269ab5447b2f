"""Scoping-contract entries of the channel archive (joined into tests.scoping_registry.REGISTRY).

A channel belongs to its district office and its responsible salesperson: it is read where its district is
read, a salesperson reads their own. It is written (its archive, its state, its log, contacts and agreements) by
its salesperson, a manager above its district (the district's own manager included), the Development Center
and a branch system's key over its district — the role table's `customer.change` (channels/rights.py).
"""

from datetime import date
from itertools import count

from core.rights import SYSTEM
from tests.scoping_registry import LEDGER_WRITERS, Scoped, Write, make_customer, make_unit, unowned

KEYS = frozenset({"key_hangzhou", "key_guangdong"})
WRITERS = LEDGER_WRITERS | KEYS

_n = count(1)


def make_channel(district, owner):
    from channels.services import channel_create

    n = next(_n)
    return channel_create(
        by=SYSTEM,
        name=f"登记渠道{n}",
        unit=district,
        kind="bank",
        salesperson=owner.staff if owner is not None else None,
        external_id=f"REG-CH{n}",
        on=date(2025, 1, 10),
    )


def make_channel_activity(district, owner):
    from channels.services import channel_activity_add

    channel = make_channel(district, owner)
    return channel_activity_add(by=SYSTEM, channel=channel, kind="visit", summary="登记拜访", on=date(2025, 2, 1))


def make_channel_contact(district, owner):
    from channels.services import channel_contact_add

    return channel_contact_add(by=SYSTEM, channel=make_channel(district, owner), name="登记联系人")


def make_channel_agreement(district, owner):
    from channels.services import channel_agreement_add

    return channel_agreement_add(by=SYSTEM, channel=make_channel(district, owner), kind="agency", signed_on=date(2025, 2, 1))


def _channel_for_writes(district, owner):
    """A channel of its own for the write entries (objects are shared by entries with the same maker)."""
    return make_channel(district, owner)


def _create_body(district, world, persona):
    return {"name": f"新渠道{next(_n)}", "unit": district.pk, "kind": "platform"}


def _create_form(district, world, persona):
    body = {"name": f"新渠道{next(_n)}", "unit": district.pk, "kind": "platform", "tier": "regular"}
    if persona == "rep_hangzhou":
        body["salesperson"] = world.people[persona].staff.pk  # a salesperson's new channel is their own
    return body


def _edit_form(channel, world, persona):
    return {
        "name": f"{channel.name}（改）",
        "kind": channel.kind,
        "tier": "key",
        "unit": channel.unit_id,
        "salesperson": channel.salesperson_id or "",
    }


ENTRIES = [
    Scoped(
        name="channel",
        make=make_channel,
        api_list="channel-list",
        api_detail="channel-detail",
        web_list="channels:channel_list",
        web_detail="channels:channel_detail",
        api_patch={"tier": "key"},
        writers=WRITERS,
        find=lambda obj: {"external_id": obj.external_id},
    ),
    Scoped(name="channel edit page", make=make_channel, web_detail="channels:channel_edit"),
    Scoped(
        name="channel activity",
        make=make_channel_activity,
        api_list="channel-activity-list",
        api_detail="channel-activity-detail",
        api_patch={"summary": "改过的拜访记录"},
        writers=WRITERS,
        find=lambda obj: {"channel": obj.channel_id},
    ),
    Scoped(
        name="channel contact",
        make=make_channel_contact,
        api_list="channel-contact-list",
        api_detail="channel-contact-detail",
        api_patch={"phone": "13900000000"},
        writers=WRITERS,
        find=lambda obj: {"channel": obj.channel_id},
    ),
    Scoped(
        name="channel agreement",
        make=make_channel_agreement,
        api_list="channel-agreement-list",
        api_detail="channel-agreement-detail",
        find=lambda obj: {"channel": obj.channel_id},
    ),
]

WRITES = [
    # --- API -------------------------------------------------------------------------------------------------
    Write(
        name="channel create",
        url="channel-list",
        make=make_unit,
        detail=False,
        body=_create_body,
        writers=WRITERS,
        success=201,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="channel bulk",
        url="channel-bulk",
        make=make_unit,
        detail=False,
        body=lambda district, world, persona: {
            "records": [{"external_id": f"REG-BCH{next(_n)}", "name": f"批量渠道{next(_n)}", "unit": district.pk, "kind": "bank"}]
        },
        writers=WRITERS,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="channel transition",
        url="channel-transition",
        make=_channel_for_writes,
        body={"state": "negotiating", "on": "2025-02-01", "reason": "开始洽谈"},
        writers=WRITERS,
    ),
    Write(
        name="channel activity create",
        url="channel-activity-list",
        make=_channel_for_writes,
        detail=False,
        body=lambda channel, world, persona: {"channel": channel.pk, "kind": "call", "summary": "电话回访", "on": "2025-02-02"},
        writers=WRITERS,
        success=201,
        outside=400,
    ),
    Write(
        name="channel contact create",
        url="channel-contact-list",
        make=_channel_for_writes,
        detail=False,
        body=lambda channel, world, persona: {"channel": channel.pk, "name": "新联系人"},
        writers=WRITERS,
        success=201,
        outside=400,
    ),
    Write(
        name="channel agreement create",
        url="channel-agreement-list",
        make=_channel_for_writes,
        detail=False,
        body=lambda channel, world, persona: {"channel": channel.pk, "kind": "cooperation", "signed_on": "2025-03-01"},
        writers=WRITERS,
        success=201,
        outside=400,
    ),
    # --- pages -----------------------------------------------------------------------------------------------
    Write(
        name="channel create page",
        url="channels:channel_create",
        make=make_unit,
        detail=False,
        body=_create_form,
        writers=LEDGER_WRITERS,
        success=302,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="channel edit page",
        url="channels:channel_edit",
        make=_channel_for_writes,
        body=_edit_form,
        writers=LEDGER_WRITERS,
        success=302,
    ),
    Write(
        name="channel transition page",
        url="channels:channel_detail",
        make=_channel_for_writes,
        body={"action": "transition", "state": "negotiating", "on": "2025-02-01", "reason": "开始洽谈"},
        writers=LEDGER_WRITERS,
        success=302,
    ),
    Write(
        name="channel activity page",
        url="channels:channel_detail",
        make=_channel_for_writes,
        body={"action": "activity", "kind": "training", "on": "2025-02-02", "summary": "产品培训"},
        writers=LEDGER_WRITERS,
        success=302,
    ),
    Write(
        name="channel contact page",
        url="channels:channel_detail",
        make=_channel_for_writes,
        body={"action": "contact", "name": "新联系人"},
        writers=LEDGER_WRITERS,
        success=302,
    ),
    Write(
        name="channel agreement page",
        url="channels:channel_detail",
        make=_channel_for_writes,
        body={"action": "agreement", "kind": "agency", "signed_on": "2025-03-01"},
        writers=LEDGER_WRITERS,
        success=302,
    ),
]


# Scoping-contract entries of the channels app (joined into tests.scoping_registry.REGISTRY).
#
# Each subject keeps a self-contained section (its helpers, ENTRIES and WRITES lists, appended at the end), so
# parallel work on channels, promotion and contracts merges without touching another's lines.


# --- contracts (合同, issue 17) ------------------------------------------------------------------------------------
# The party's salesperson (the owner) and every manager above its district office; the center.
CONTRACT_WRITERS = frozenset(
    {"director", "center", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong", "dm_hangzhou", "dm_guangzhou", "rep_hangzhou"}
)
CONTRACT_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def _contract_pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("合同扫描件.pdf", CONTRACT_PDF, content_type="application/pdf")


def _contract(district, owner):
    """A draft sales contract with a customer of the district (owned by its salesperson, else the district's
    manager), the signed copy attached."""
    from channels.services import contract_create
    from regions.models import StaffProfile

    customer = make_customer(district, owner)
    manager = StaffProfile.objects.filter(unit=district, is_active=True).exclude(role="sales_rep").first()
    return contract_create(
        by=SYSTEM,
        customer=customer,
        kind="sales",
        title="年度销售合同",
        amount="120000.00",
        starts_on="2026-01-01",
        ends_on="2026-12-31",
        file=_contract_pdf(),
        owner=None if owner is not None else manager,
    )


def _signed_contract(district, owner):
    from channels.services import contract_move

    contract = _contract(district, owner)
    contract_move(by=SYSTEM, contract=contract, to="under_review")
    return contract_move(by=SYSTEM, contract=contract, to="signed")


def _filing_contract(district, owner):
    from channels.services import contract_submit

    contract = _signed_contract(district, owner)
    contract_submit(by=contract.owner.user, contract=contract)  # a request is submitted by a person
    contract.refresh_from_db()
    return contract


def _contract_values():
    return {"kind": "cooperation", "title": "渠道合作协议", "starts_on": "2026-02-01", "ends_on": "2027-01-31"}


CONTRACT_ENTRIES = [
    Scoped(
        name="contract",
        make=_contract,
        api_list="channels-contract-list",
        api_detail="channels-contract-detail",
        web_list="channels:contract_list",
        web_detail="channels:contract_detail",
        writers=CONTRACT_WRITERS,
        find=lambda obj: {"customer": obj.customer_id},
    ),
    Scoped(
        name="contract file download (page)",
        make=_contract,
        web_detail="channels:contract_file",
        writers=CONTRACT_WRITERS,
    ),
    Scoped(
        name="contract file download (API)",
        make=_contract,
        api_detail="channels-contract-file",
        api_detail_is_object=False,
        writers=CONTRACT_WRITERS,
    ),
]

CONTRACT_WRITES = [
    # --- API -------------------------------------------------------------------------------------------------
    Write(
        name="contract create",
        url="channels-contract-list",
        make=make_customer,
        detail=False,
        body=lambda customer, world, persona: {"customer": customer.pk, **_contract_values()},
        writers=CONTRACT_WRITERS,
        success=201,
        outside=400,
    ),
    Write(
        name="contract update",
        url="channels-contract-detail",
        method="patch",
        make=_contract,
        body={"title": "年度销售合同（修订）", "amount": "130000.00"},
        writers=CONTRACT_WRITERS,
    ),
    Write(name="contract submit for filing", url="channels-contract-submit", make=_signed_contract, writers=CONTRACT_WRITERS),
    # Only the person who submitted a request withdraws it (approvals' rule): the contract's owner who submitted
    # it — the district's salesperson, or in 广州 (no owner persona) the district manager —, not the managers above.
    Write(
        name="contract filing withdraw",
        url="channels-contract-withdraw",
        make=_filing_contract,
        writers=frozenset({"rep_hangzhou", "dm_guangzhou"}),
    ),
    # --- pages -----------------------------------------------------------------------------------------------
    Write(
        name="contract create page",
        url="channels:contract_create",
        make=make_customer,
        detail=False,
        body=lambda customer, world, persona: {"customer": customer.pk, **_contract_values()},
        writers=CONTRACT_WRITERS,
        success=302,
    ),
    Write(
        name="contract edit page",
        url="channels:contract_edit",
        make=_contract,
        body=lambda contract, world, persona: {**_contract_values(), "title": "合同（页面修订）"},
        writers=CONTRACT_WRITERS,
        success=302,
    ),
    Write(
        name="contract submit page",
        url="channels:contract_detail",
        make=_signed_contract,
        body={"action": "submit"},
        writers=CONTRACT_WRITERS,
        success=302,
    ),
    Write(
        name="contract meeting page",
        url="channels:contract_detail",
        make=_contract,
        body={"action": "meeting", "on": "2026-03-10", "summary": "就价格条款进行第二轮谈判", "attendees": "张三、李四"},
        writers=CONTRACT_WRITERS,
        success=302,
    ),
]

ENTRIES = [*ENTRIES, *CONTRACT_ENTRIES]
WRITES = [*WRITES, *CONTRACT_WRITES]


# --- sales by channel (helper chsales) -----------------------------------------------------------------------
# The page /channels/sales/ and its API twin /api/v1/channels/sales/ read the per-channel summaries
# (performance.ChannelMonthFact) of a unit given as ?unit= (default: the caller's own) through the scope rule:
# a channel's row shows only to those whose scope holds the invoice's district (a salesperson: the channels they
# are responsible for). The contract walks the page (the row shows or not); the API twin is walked persona by
# persona in tests/channels/test_channel_sales_pages.py (it has no object detail for the contract's API walk).


def _channel_with_a_sale(district, owner):
    """A channel of `owner` in `district` with a sale through it this month, summarised."""
    from django.utils import timezone

    from core.rights import SYSTEM
    from customers.services import invoice_record
    from performance.services import summaries_rebuild
    from tests.channels.factories import ChannelFactory
    from tests.scoping_registry import make_customer

    today = timezone.localdate()
    channel = ChannelFactory(unit=district, salesperson=owner.staff if owner is not None else None)
    customer = make_customer(district, owner)
    invoice_record(by=SYSTEM, customer=customer, issue_date=today, due_date=today, amount="321.00", channel=channel)
    summaries_rebuild(months=[today])
    return channel


def _channel_listed(response, channel):
    return any(row["channel"].pk == channel.pk and row["invoiced"] > 0 for row in response.context["table"]["rows"])


CHANNEL_SALES_ENTRIES = [
    Scoped(name="sales by channel page", make=_channel_with_a_sale, web_list="channel_sales:sales", web_visible=_channel_listed),
    Scoped(name="sales by channel API", make=_channel_with_a_sale, api_list="channel-sales"),
]

ENTRIES = [*ENTRIES, *CHANNEL_SALES_ENTRIES]


# Scoping-contract entries of channels (joined into tests.scoping_registry.REGISTRY).
# --- promotional materials (推广用品, issue 17) ---------------------------------------------------------------
# Stock, the ledger and dispatches belong to a unit (a salesperson reads their own district's); the catalogue is
# company-wide and kept by the center. A unit's stock is changed and its plans drafted by the managers over it
# (the budget-keeping right); dispatches leave the center's or a region's stock; anyone who works uses materials
# at an event they can see.
PROMO_CENTER = frozenset({"director", "center"})
PROMO_MANAGERS = frozenset(
    {"director", "center", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong", "dm_hangzhou", "dm_guangzhou"}
)
PROMO_WORKERS = PROMO_MANAGERS | {"rep_hangzhou"}
_promo_counter = iter(range(1, 10**6))


def _promo_item():
    from channels.services import material_item_create

    n = next(_promo_counter)
    return material_item_create(by=SYSTEM, code=f"REG-{n}", name=f"登记用品{n}", uom="个", unit_cost="2.00")


def _region(district):
    return next(unit for unit in district.ancestors() if unit.kind == "region")


@unowned
def _promo_stock(district, owner):
    from channels.models import MaterialStock
    from channels.services import material_receive

    item = _promo_item()
    material_receive(by=SYSTEM, unit=district, item=item, quantity=10)
    return MaterialStock.objects.get(unit=district, item=item)


@unowned
def _promo_movement(district, owner):
    from channels.services import material_receive

    return material_receive(by=SYSTEM, unit=district, item=_promo_item(), quantity=10)


@unowned
def _promo_dispatch(district, owner):
    from channels.services import material_dispatch, material_receive

    item, region = _promo_item(), _region(district)
    material_receive(by=SYSTEM, unit=region, item=item, quantity=10)
    return material_dispatch(by=SYSTEM, from_unit=region, to_unit=district, item=item, quantity=3)


@unowned
def _promo_region_stock(district, owner):
    """The stock of the district's region (what a dispatch is sent from); remembers the district it is for."""
    from channels.models import MaterialStock
    from channels.services import material_receive

    item, region = _promo_item(), _region(district)
    material_receive(by=SYSTEM, unit=region, item=item, quantity=10)
    stock = MaterialStock.objects.get(unit=region, item=item)
    stock.for_district = district.pk
    return stock


@unowned
def _promo_district_with_item(district, owner):
    """A stock of the district (what a receipt or adjustment changes)."""
    return _promo_stock(district, owner)


def _promo_plan(district, owner):
    from channels.services import material_request_create

    return material_request_create(
        by=SYSTEM, unit=district, period="2026-Q4", title="登记需求计划", lines=[{"item": _promo_item().pk, "quantity": 5}]
    )


@unowned
def _promo_plan_draft(district, owner):
    return _promo_plan(district, owner)


@unowned
def _promo_plan_to_submit(district, owner):
    return _promo_plan(district, owner)


@unowned
def _promo_plan_to_withdraw(district, owner):
    return _promo_plan(district, owner)


@unowned
def _promo_dispatch_to_receive(district, owner):
    return _promo_dispatch(district, owner)


def _promo_event(district, owner):
    """A promotion event of the district (its owner the OWNER rep in 杭州) with materials in the district's stock."""
    from datetime import date

    from channels.models import PromotionEvent
    from channels.services import material_receive

    item = _promo_item()
    material_receive(by=SYSTEM, unit=district, item=item, quantity=10)
    event = PromotionEvent.objects.create(
        kind="briefing",
        title="登记说明会",
        unit=district,
        owner=owner.staff if owner is not None else None,
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 1),
    )
    event.item_for_test = item.pk
    return event


def _dispatch_expect(persona, inside, district_code, owner_name):
    """A dispatch leaves the region's stock: the center and that region's manager send it; other managers cannot
    name the region (400 on `from_unit`, a unit outside their scope is like no unit); the rest have no right."""
    if persona not in PROMO_MANAGERS:
        return 403, False
    sender = {"330100": "rm_east", "440100": "rm_south"}[district_code]
    if persona in PROMO_CENTER or persona == sender:
        return 201, True
    return 400, False


def _dispatch_expect_web(persona, inside, district_code, owner_name):
    status, writes = _dispatch_expect(persona, inside, district_code, owner_name)
    return (302 if writes else status), writes


def _dispatch_body(obj, world, persona):
    return {"from_unit": obj.unit_id, "to_unit": obj.for_district, "item": obj.item_id, "quantity": 2}


def _stock_body(obj, world, persona):
    return {"unit": obj.unit_id, "item": obj.item_id, "quantity": 4, "note": "登记"}


def _plan_body(obj, world, persona):
    from channels.models import MaterialItem

    return {
        "unit": obj.pk,
        "period": "2026-Q4",
        "title": "登记计划",
        "lines": [{"item": MaterialItem.objects.first().pk, "quantity": 2}],
    }


@unowned
def _plan_item(district, owner):
    _promo_item()
    return district


def _plan_page_body(obj, world, persona):
    body = _plan_body(obj, world, persona)
    line = body.pop("lines")[0]
    return {**body, "item_0": line["item"], "quantity_0": line["quantity"]}


def _plan_patch_body(obj, world, persona):
    return {"period": "2026-Q4", "title": "改过的计划", "lines": [{"item": obj.lines.get().item_id, "quantity": 9}]}


def _plan_edit_page_body(obj, world, persona):
    return {"period": "2026-Q4", "title": "改过的计划", "item_0": obj.lines.get().item_id, "quantity_0": 9}


ENTRIES += [
    Scoped(
        name="promotional material",
        make=unowned(lambda district, owner: _promo_item()),
        api_list="channels-material-item-list",
        api_detail="channels-material-item-detail",
        web_list="channels:material_item_list",
        writers=PROMO_CENTER,
        company_wide=True,
        find=lambda obj: {"q": obj.code},
    ),
    Scoped(
        name="material stock",
        make=_promo_stock,
        api_list="channels-material-stock-list",
        api_detail="channels-material-stock-detail",
        web_list="channels:material_stock_list",
        rep_sees="unit",
        find=lambda obj: {"item": obj.item_id},
    ),
    Scoped(
        name="material movement",
        make=_promo_movement,
        api_list="channels-material-movement-list",
        api_detail="channels-material-movement-detail",
        web_list="channels:material_movement_list",
        rep_sees="unit",
        find=lambda obj: {"item": obj.item_id},
    ),
    Scoped(
        name="material dispatch",
        make=_promo_dispatch,
        api_list="channels-material-dispatch-list",
        api_detail="channels-material-dispatch-detail",
        web_list="channels:material_dispatch_list",
        web_detail="channels:material_dispatch_detail",
        rep_sees="unit",
        find=lambda obj: {"item": obj.item_id},
    ),
    Scoped(
        name="material requirement plan",
        make=_promo_plan_draft,
        api_list="channels-material-request-list",
        api_detail="channels-material-request-detail",
        web_list="channels:material_request_list",
        web_detail="channels:material_request_detail",
        rep_sees="unit",
        find=lambda obj: {"state": obj.state},
    ),
]

WRITES += [
    # --- API ---------------------------------------------------------------------------------------------------
    Write(
        name="material item create",
        url="channels-material-item-list",
        make=make_unit,
        detail=False,
        body={"code": "REG-NEW", "name": "新用品", "uom": "个", "unit_cost": "1.00"},
        writers=PROMO_CENTER,
        success=201,
        company_wide=True,
    ),
    Write(
        name="material receipt",
        url="channels-material-movement-receipt",
        make=_promo_district_with_item,
        detail=False,
        body=_stock_body,
        writers=PROMO_MANAGERS,
        may_call=PROMO_WORKERS,
        success=201,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="material adjustment",
        url="channels-material-movement-adjustment",
        make=_promo_district_with_item,
        detail=False,
        body=_stock_body,
        writers=PROMO_MANAGERS,
        may_call=PROMO_WORKERS,
        success=201,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="material consumption",
        url="channels-material-movement-consumption",
        make=_promo_event,
        detail=False,
        body=lambda obj, world, persona: {"event": obj.pk, "item": obj.item_for_test, "quantity": 1},
        writers=PROMO_WORKERS,
        success=201,
        outside=400,
    ),
    Write(
        name="material dispatch create",
        url="channels-material-dispatch-list",
        make=_promo_region_stock,
        detail=False,
        body=_dispatch_body,
        expect=_dispatch_expect,
    ),
    Write(
        name="material dispatch receive",
        url="channels-material-dispatch-receive",
        make=_promo_dispatch_to_receive,
        writers=PROMO_MANAGERS,
        rep_sees="unit",
    ),
    Write(
        name="material plan create",
        url="channels-material-request-list",
        make=_plan_item,
        detail=False,
        body=_plan_body,
        writers=PROMO_MANAGERS,
        success=201,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="material plan update",
        url="channels-material-request-detail",
        method="patch",
        make=_promo_plan_draft,
        body=_plan_patch_body,
        writers=PROMO_MANAGERS,
        rep_sees="unit",
    ),
    Write(
        name="material plan submit",
        url="channels-material-request-submit",
        make=_promo_plan_to_submit,
        writers=PROMO_MANAGERS,
        rep_sees="unit",
    ),
    Write(
        name="material plan withdraw",
        url="channels-material-request-withdraw",
        make=_promo_plan_to_withdraw,
        writers=PROMO_MANAGERS,
        rep_sees="unit",
    ),
    # --- pages -------------------------------------------------------------------------------------------------
    Write(
        name="material item create page",
        url="channels:material_item_create",
        make=make_unit,
        detail=False,
        body={"code": "REG-NEW", "name": "新用品", "uom": "个", "unit_cost": "1.00"},
        writers=PROMO_CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="material stock change page",
        url="channels:material_stock_change",
        make=_promo_district_with_item,
        detail=False,
        body=lambda obj, world, persona: {**_stock_body(obj, world, persona), "kind": "receipt"},
        writers=PROMO_MANAGERS,
        success=302,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="material dispatch page",
        url="channels:material_dispatch_create",
        make=_promo_region_stock,
        detail=False,
        body=_dispatch_body,
        expect=_dispatch_expect_web,
    ),
    Write(
        name="material dispatch receive page",
        url="channels:material_dispatch_detail",
        make=_promo_dispatch_to_receive,
        body={"action": "receive"},
        writers=PROMO_MANAGERS,
        success=302,
        rep_sees="unit",
    ),
    Write(
        name="material plan create page",
        url="channels:material_request_create",
        make=_plan_item,
        detail=False,
        body=_plan_page_body,
        writers=PROMO_MANAGERS,
        success=302,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="material plan edit page",
        url="channels:material_request_edit",
        make=_promo_plan_draft,
        body=_plan_edit_page_body,
        writers=PROMO_MANAGERS,
        success=302,
        rep_sees="unit",
    ),
    Write(
        name="material plan submit page",
        url="channels:material_request_detail",
        make=_promo_plan_to_submit,
        body={"action": "submit"},
        writers=PROMO_MANAGERS,
        success=302,
        rep_sees="unit",
    ),
]


# --- promotion events (推广活动), issue 17 -------------------------------------------------------------------
# Read where the event's unit is read; a salesperson reads and changes only their own events (the owner). Anyone
# who works may hold and change events of their part of the tree.
PROMO_EVENT_WRITERS = PROMO_WORKERS


def _promo_plain_event(district, owner):
    from datetime import date

    from channels.models import PromotionEvent

    return PromotionEvent.objects.create(
        kind="salon",
        title=f"登记沙龙{next(_promo_counter)}",
        unit=district,
        owner=owner.staff if owner is not None else None,
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 1),
    )


def _promo_event_for_leads(district, owner):
    return _promo_plain_event(district, owner)


def _promo_event_for_update(district, owner):
    return _promo_plain_event(district, owner)


def _promo_event_for_page(district, owner):
    return _promo_plain_event(district, owner)


def _promo_event_for_edit(district, owner):
    return _promo_plain_event(district, owner)


def _promo_lead(district, owner):
    from channels.models import EventLead
    from tests.scoping_registry import make_customer

    event = _promo_plain_event(district, owner)
    lead = EventLead.objects.create(event=event, name="登记线索", contact="139")
    lead.customer_for_test = make_customer(district, owner).pk
    return lead


def _promo_event_with_guest(district, owner):
    from tests.scoping_registry import make_customer

    event = _promo_plain_event(district, owner)
    event.customer_for_test = make_customer(district, owner).pk
    return event


def _promo_event_with_sale(district, owner):
    from datetime import date

    from channels.models import EventParticipant
    from customers.services import invoice_record
    from tests.scoping_registry import make_customer

    event = _promo_plain_event(district, owner)
    customer = make_customer(district, owner)
    EventParticipant.objects.create(event=event, customer=customer, attended=True)
    invoice = invoice_record(
        by=SYSTEM, customer=customer, issue_date=date(2026, 11, 2), due_date=date(2026, 12, 2), amount="100.00"
    )
    event.invoice_for_test = invoice.invoice.pk
    return event


def _promo_event_for_expense(district, owner):
    """An event whose unit has a marketing budget for its month: the expense counts at once (no approval chain)."""
    from budgets.services import budget_set

    budget_set(unit=district, period="2026-11", category="marketing", amount="100000.00", by=SYSTEM)
    return _promo_plain_event(district, owner)


_EVENT_BODY = {"kind": "briefing", "title": "登记说明会", "starts_on": "2026-11-02", "ends_on": "2026-11-02"}

ENTRIES += [
    Scoped(
        name="promotion event",
        make=_promo_plain_event,
        api_list="channels-promotion-event-list",
        api_detail="channels-promotion-event-detail",
        web_list="channels:promotion_event_list",
        web_detail="channels:promotion_event_detail",
        find=lambda obj: {"q": obj.title},
    ),
    Scoped(
        name="promotion effectiveness by unit",
        make=_promo_plain_event,
        web_list="channels:promotion_effectiveness",
        find=lambda obj: {"q": obj.title},
        web_visible=lambda response, obj: any(row["unit_id"] == obj.unit_id for row in response.context["rows"]),
    ),
]

WRITES += [
    Write(
        name="promotion event create",
        url="channels-promotion-event-list",
        make=make_unit,
        detail=False,
        body=lambda obj, world, persona: {**_EVENT_BODY, "unit": obj.pk},
        writers=PROMO_EVENT_WRITERS,  # a salesperson's event is their own (they become its owner)
        success=201,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="promotion event update",
        url="channels-promotion-event-detail",
        method="patch",
        make=_promo_event_for_update,
        body=_EVENT_BODY,
        writers=PROMO_EVENT_WRITERS,
    ),
    Write(
        name="promotion event lead",
        url="channels-promotion-event-leads",
        make=_promo_event_for_leads,
        body={"name": "登记线索", "contact": "139"},
        writers=PROMO_EVENT_WRITERS,
    ),
    Write(
        name="promotion event guest",
        url="channels-promotion-event-participants",
        make=_promo_event_with_guest,
        body=lambda obj, world, persona: {"customer": obj.customer_for_test, "attended": True},
        writers=PROMO_EVENT_WRITERS,
    ),
    Write(
        name="promotion event sale",
        url="channels-promotion-event-sales",
        make=_promo_event_with_sale,
        body=lambda obj, world, persona: {"invoice": obj.invoice_for_test},
        writers=PROMO_EVENT_WRITERS,
    ),
    Write(
        name="promotion event expense",
        url="channels-promotion-event-expenses",
        make=_promo_event_for_expense,
        body={"amount": "50.00", "spent_on": "2026-11-01", "description": "场地"},
        writers=PROMO_EVENT_WRITERS,
    ),
    Write(
        name="promotion event create page",
        url="channels:promotion_event_create",
        make=make_unit,
        detail=False,
        body=lambda obj, world, persona: {**_EVENT_BODY, "unit": obj.pk},
        writers=PROMO_EVENT_WRITERS,
        success=302,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="promotion event edit page",
        url="channels:promotion_event_edit",
        make=_promo_event_for_edit,
        body=_EVENT_BODY,
        writers=PROMO_EVENT_WRITERS,
        success=302,
    ),
    Write(
        name="promotion event lead page",
        url="channels:promotion_event_detail",
        make=_promo_event_for_page,
        body={"action": "lead", "name": "登记线索", "contact": "139"},
        writers=PROMO_EVENT_WRITERS,
        success=302,
    ),
    Write(
        name="promotion lead convert page",
        url="channels:promotion_lead_convert",
        make=_promo_lead,
        body=lambda obj, world, persona: {"customer": obj.customer_for_test},
        writers=PROMO_EVENT_WRITERS,
        success=302,
    ),
]


# --- an agreement's scanned copy (issue 17) -------------------------------------------------------------------------
# Downloaded by whoever reads the channel (outside its scope: 404, as its page).
def _agreement_with_file(district, owner):
    from channels.services import channel_agreement_add

    return channel_agreement_add(
        by=SYSTEM, channel=make_channel(district, owner), kind="agency", signed_on=date(2025, 2, 1), file=_contract_pdf()
    )


ENTRIES += [
    Scoped(
        name="channel agreement scanned copy",
        make=_agreement_with_file,
        web_detail="channels:channel_agreement_file",
        writers=WRITERS,
    ),
]
