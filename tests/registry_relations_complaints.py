"""Scoping-contract entries of complaints (投诉, issue 18; joined into tests.scoping_registry.REGISTRY).

A complaint belongs to its customer's district office and salesperson: it is read where the district is read, a
salesperson reads the complaints of their own customers. It is logged and handled (steps, result, close, reopen,
breach report, its details) by the customer's salesperson, the complaint's owner, a manager above the district, the
Development Center and a branch system's key over the district — the role table's `customer.change`
(relations/rights/complaints.py). The escalation is the beat job's (no URL)."""

from datetime import date
from itertools import count

from core.rights import SYSTEM
from tests.scoping_registry import LEDGER_WRITERS, Scoped, Write, make_customer

KEYS = frozenset({"key_hangzhou", "key_guangdong"})
WRITERS = LEDGER_WRITERS | KEYS

_n = count(1)


def _product():
    from customers.models import Product

    return Product.objects.get_or_create(code="REG-CMP", defaults={"name": "登记理财产品"})[0]


def _complaint(district, owner, *, received_on=None):
    from relations.services import complaint_create

    return complaint_create(
        by=SYSTEM,
        kind="product",
        product=_product(),
        customer=make_customer(district, owner),
        severity="medium",
        description="登记投诉：到账延迟",
        received_on=received_on,
    )


def make_complaint(district, owner):
    return _complaint(district, owner)


def _resolved_complaint(district, owner):
    from relations.services import complaint_resolve

    return complaint_resolve(by=SYSTEM, complaint=_complaint(district, owner), result="已退还手续费")


def _closed_complaint(district, owner):
    from relations.services import complaint_close

    return complaint_close(by=SYSTEM, complaint=_complaint(district, owner), confirmation="satisfied", result="已解决")


def _breached_complaint(district, owner):
    """Received long ago without a result: past its SLA (a breach may be reported)."""
    return _complaint(district, owner, received_on=date(2025, 1, 6))


def _find(obj):
    return {"customer": obj.customer_id}


ENTRIES = [
    Scoped(
        name="complaint",
        make=make_complaint,
        api_list="relations-complaint-list",
        api_detail="relations-complaint-detail",
        web_list="relations:complaint_list",
        web_detail="relations:complaint_detail",
        api_patch={"description": "登记投诉（补充说明）"},
        writers=WRITERS,
        find=_find,
    ),
    Scoped(name="complaint queue", make=make_complaint, web_list="relations:complaint_queue", find=_find),
    # The center's view lists closed complaints (with the figures by product, channel and region above them).
    Scoped(name="complaint center view", make=_closed_complaint, web_list="relations:complaint_center", find=_find),
    Scoped(name="complaint edit page", make=make_complaint, web_detail="relations:complaint_edit"),
]


def _create_body(customer, world, persona):
    return {
        "kind": "product",
        "product": _product().pk,
        "customer": customer.pk,
        "severity": "high",
        "cause": "fees",
        "description": "登记：收费与合同不符",
    }


WRITES = [
    # --- API -------------------------------------------------------------------------------------------------
    Write(
        name="complaint create",
        url="relations-complaint-list",
        make=make_customer,
        detail=False,
        body=_create_body,
        writers=WRITERS,
        success=201,
        outside=400,
    ),
    Write(
        name="complaint bulk",
        url="relations-complaint-bulk",
        make=make_customer,
        detail=False,
        body=lambda customer, world, persona: {
            "records": [
                {
                    "external_id": f"REG-CMP-{next(_n)}",
                    "kind": "product",
                    "severity": "low",
                    "customer_external_id": customer.external_id,
                    "product_code": _product().code,
                    "description": "批量登记投诉",
                }
            ]
        },
        writers=WRITERS,
        outside=400,
    ),
    Write(name="complaint start", url="relations-complaint-start", make=make_complaint, writers=WRITERS),
    Write(name="complaint step", url="relations-complaint-step", make=make_complaint, body={"note": "电话回访"}, writers=WRITERS),
    Write(
        name="complaint resolve",
        url="relations-complaint-resolve",
        make=make_complaint,
        body={"result": "已退还手续费"},
        writers=WRITERS,
    ),
    Write(
        name="complaint close",
        url="relations-complaint-close",
        make=_resolved_complaint,
        body={"confirmation": "satisfied", "confirmation_note": "客户满意"},
        writers=WRITERS,
    ),
    Write(
        name="complaint reopen",
        url="relations-complaint-reopen",
        make=_closed_complaint,
        body={"reason": "客户再次投诉"},
        writers=WRITERS,
    ),
    Write(
        name="complaint report breach",
        url="relations-complaint-report-breach",
        make=_breached_complaint,
        body={"note": "客户称已超时"},
        writers=WRITERS,
    ),
    # --- pages -----------------------------------------------------------------------------------------------
    Write(
        name="complaint create page",
        url="relations:complaint_create",
        make=make_customer,
        detail=False,
        body=lambda customer, world, persona: {
            **_create_body(customer, world, persona),
            "received_on": date.today().isoformat(),
        },
        writers=LEDGER_WRITERS,
        success=302,
        outside=400,
    ),
    Write(
        name="complaint start page",
        url="relations:complaint_detail",
        make=make_complaint,
        body={"action": "start"},
        writers=LEDGER_WRITERS,
        success=302,
    ),
    Write(
        name="complaint step page",
        url="relations:complaint_detail",
        make=make_complaint,
        body=lambda obj, world, persona: {"action": "step", "note": "上门拜访", "on": date.today().isoformat()},
        writers=LEDGER_WRITERS,
        success=302,
    ),
    Write(
        name="complaint resolve page",
        url="relations:complaint_detail",
        make=make_complaint,
        body=lambda obj, world, persona: {"action": "resolve", "result": "已解释", "resolved_on": date.today().isoformat()},
        writers=LEDGER_WRITERS,
        success=302,
    ),
    Write(
        name="complaint close page",
        url="relations:complaint_detail",
        make=_resolved_complaint,
        body={"action": "close", "confirmation": "accepted"},
        writers=LEDGER_WRITERS,
        success=302,
    ),
    Write(
        name="complaint reopen page",
        url="relations:complaint_detail",
        make=_closed_complaint,
        body={"action": "reopen", "reason": "客户不满意"},
        writers=LEDGER_WRITERS,
        success=302,
    ),
    Write(
        name="complaint breach page",
        url="relations:complaint_detail",
        make=_breached_complaint,
        body={"action": "breach", "note": "客户来电催办"},
        writers=LEDGER_WRITERS,
        success=302,
    ),
    Write(
        name="complaint edit page",
        url="relations:complaint_edit",
        make=make_complaint,
        body=lambda obj, world, persona: {
            "product": _product().pk,
            "severity": "high",
            "cause": "fees",
            "description": "登记投诉：到账延迟，客户补充了收费问题",
        },
        writers=LEDGER_WRITERS,
        success=302,
    ),
]
