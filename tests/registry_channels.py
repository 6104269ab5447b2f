"""Scoping-contract entries of the channel archive (joined into tests.scoping_registry.REGISTRY).

A channel belongs to its district office and its responsible salesperson: it is read where its district is
read, a salesperson reads their own. It is written (its archive, its state, its log, contacts and agreements) by
its salesperson, a manager above its district (the district's own manager included), the Development Center
and a branch system's key over its district — the role table's `customer.change` (channels/rights.py).
"""

from datetime import date
from itertools import count

from core.rights import SYSTEM
from tests.scoping_registry import LEDGER_WRITERS, Scoped, Write, make_customer, make_unit

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
