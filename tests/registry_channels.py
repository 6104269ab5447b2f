"""Scoping-contract entries of the channels app (joined into tests.scoping_registry.REGISTRY).

Each subject keeps a self-contained section (its helpers, ENTRIES and WRITES lists, appended at the end), so
parallel work on channels, promotion and contracts merges without touching another's lines."""

from core.rights import SYSTEM
from tests.scoping_registry import Scoped, Write, make_customer

ENTRIES = []
WRITES = []


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
