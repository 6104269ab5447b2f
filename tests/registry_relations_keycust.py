"""Scoping-contract entries of key customers, their long-term plans and suggestions (issue 18; joined into
tests.scoping_registry.REGISTRY).

Key customers and plans read through the customer's scope (its district office's subtree; a salesperson their own
customers'). They are decided and kept by a manager above the customer's district (its own district manager
included) or the Development Center (relations/rights/keycust.py): the pages and the API show the forms to
everyone with `customer.change` (a salesperson, a branch key), whose writes the rule then refuses (403).

A suggestion belongs to its author's unit (and, for a salesperson's reading, to its author): it is answered by a
manager above that unit or the center, never by its author; closed by the author or those who may answer; made by
any person (a branch system's key has no `event.report`: 403).
"""

from datetime import date, timedelta
from itertools import count

from django.utils import timezone

from core.rights import SYSTEM
from tests.scoping_registry import LEDGER_WRITERS, Scoped, Write, make_customer, make_staff

KEYS = frozenset({"key_hangzhou", "key_guangdong"})
# Managers above the test districts and the center (the districts' own managers included).
DECIDERS = frozenset({"director", "center", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong", "dm_hangzhou", "dm_guangzhou"})
PEOPLE = LEDGER_WRITERS  # every web persona: each holds `customer.change` and `event.report`
TERM = {"starts_on": "2025-01-01", "ends_on": "2099-12-31"}

_n = count(1)


def _key_customer(district, owner):
    from relations.services import key_customer_designate

    customer = make_customer(district, owner)
    key_customer_designate(by=SYSTEM, customer=customer, reason="登记重点客户")
    customer.refresh_from_db()
    return customer


def _plan(district, owner):
    from relations.services import key_plan_create, key_plan_objective_add

    plan = key_plan_create(by=SYSTEM, customer=_key_customer(district, owner), title=f"登记规划{next(_n)}", **TERM)
    key_plan_objective_add(by=SYSTEM, plan=plan, title="年销售额", metric="sales", target="1000000", due_on=date(2025, 12, 31))
    return plan


def _review(district, owner):
    from relations.services import key_plan_review_write

    return key_plan_review_write(by=SYSTEM, plan=_plan(district, owner), period="2025-Q1", rating="on_track", assessment="登记")


def _suggestion(district, owner):
    """An open suggestion by the owner (in 杭州 rep_hangzhou_2, or rep_hangzhou himself), else by a new salesperson."""
    from relations.models import Suggestion

    author = owner.staff if owner is not None else make_staff(district, None)
    return Suggestion.objects.create(
        author=author, unit=author.unit, topic="product", title=f"登记建议{next(_n)}", text="建议内容"
    )


def _answered(district, owner):
    from relations.services import suggestion_answer

    return suggestion_answer(by=SYSTEM, suggestion=_suggestion(district, owner), response="已答复")


def _due():
    return (timezone.localdate() + timedelta(days=30)).isoformat()


def _owner_of(plan):
    """A person responsible for an action: the customer's salesperson, else a manager of its district."""
    from regions.models import StaffProfile

    if plan.customer.salesperson_id:
        return plan.customer.salesperson_id
    district = plan.customer.district
    return StaffProfile.objects.filter(unit=district, is_active=True).exclude(role="sales_rep").order_by("pk").first().pk


def _anyone(status):
    """A create that names nothing of a place: every person succeeds, a branch key has no right (403)."""

    def expect(persona, inside, district_code, owner_name):
        return (403, False) if persona in KEYS else (status, True)

    return expect


ENTRIES = [
    Scoped(
        name="key customer",
        make=_key_customer,
        api_list="relations-key-customer-list",
        api_detail="relations-key-customer-detail",
        web_list="relations:keycust_list",
        web_detail="relations:keycust_detail",
        writers=DECIDERS,
        find=lambda obj: {"q": obj.external_id},
    ),
    Scoped(
        name="key-customer plan",
        make=_plan,
        api_list="relations-key-customer-plan-list",
        api_detail="relations-key-customer-plan-detail",
        web_list="relations:keycust_plan_list",
        web_detail="relations:keycust_plan_detail",
        api_patch={"title": "规划（修订）"},
        writers=DECIDERS,
        find=lambda obj: {"customer": obj.customer_id},
    ),
    Scoped(name="key-customer plan edit page", make=_plan, web_detail="relations:keycust_plan_edit", writers=DECIDERS),
    Scoped(name="key-customer review form", make=_plan, web_detail="relations:keycust_review_create", writers=DECIDERS),
    Scoped(name="key-customer review page", make=_review, web_detail="relations:keycust_review_detail"),
    Scoped(
        name="suggestion",
        make=_suggestion,
        api_list="relations-suggestion-list",
        api_detail="relations-suggestion-detail",
        web_list="relations:suggestion_list",
        web_detail="relations:suggestion_detail",
        writers=DECIDERS,
        find=lambda obj: {"q": obj.title},
    ),
]

WRITES = [
    # --- key customers ---------------------------------------------------------------------------------------------
    Write(
        name="key customer designate",
        url="relations-key-customer-list",
        make=make_customer,
        detail=False,
        body=lambda customer, world, persona: {"customer": customer.pk, "reason": "战略合作客户"},
        writers=DECIDERS,
        may_call=PEOPLE | KEYS,
        success=201,
        outside=400,
    ),
    Write(
        name="key customer undesignate",
        url="relations-key-customer-undesignate",
        make=_key_customer,
        body={"reason": "业务收缩"},
        writers=DECIDERS,
    ),
    Write(
        name="key customer designate page",
        url="relations:keycust_designate",
        make=make_customer,
        detail=False,
        body=lambda customer, world, persona: {"customer": customer.pk, "reason": "战略合作客户"},
        writers=DECIDERS,
        may_call=PEOPLE,
        success=302,
        outside=400,
    ),
    Write(
        name="key customer undesignate page",
        url="relations:keycust_detail",
        make=_key_customer,
        body={"reason": "业务收缩"},
        writers=DECIDERS,
        success=302,
    ),
    # --- plans -----------------------------------------------------------------------------------------------------
    Write(
        name="key-customer plan create",
        url="relations-key-customer-plan-list",
        make=_key_customer,
        detail=False,
        body=lambda customer, world, persona: {"customer": customer.pk, "title": "长期规划", **TERM},
        writers=DECIDERS,
        may_call=PEOPLE | KEYS,
        success=201,
        outside=400,
    ),
    Write(
        name="key-customer plan create page",
        url="relations:keycust_plan_create",
        make=_key_customer,
        detail=False,
        body=lambda customer, world, persona: {"customer": customer.pk, "title": "长期规划", **TERM},
        writers=DECIDERS,
        may_call=PEOPLE,
        success=302,
        outside=404,
    ),
    Write(
        name="key-customer plan close",
        url="relations-key-customer-plan-close",
        make=_plan,
        body={"reason": "完成"},
        writers=DECIDERS,
    ),
    Write(
        name="key-customer plan objective",
        url="relations-key-customer-plan-objectives",
        make=_plan,
        body={"title": "回款", "metric": "collections", "target": "500000", "due_on": "2026-12-31"},
        writers=DECIDERS,
        success=201,
    ),
    Write(
        name="key-customer plan action",
        url="relations-key-customer-plan-actions",
        make=_plan,
        body=lambda plan, world, persona: {"title": "高层拜访", "owner": _owner_of(plan), "due_on": _due()},
        writers=DECIDERS,
        success=201,
    ),
    Write(
        name="key-customer plan review",
        url="relations-key-customer-plan-reviews",
        make=_plan,
        body={"period": "2025-Q2", "rating": "at_risk", "assessment": "进度偏慢"},
        writers=DECIDERS,
        success=201,
    ),
    Write(
        name="key-customer plan edit page",
        url="relations:keycust_plan_edit",
        make=_plan,
        body={"title": "规划（页面修订）", "summary": "", **TERM},
        writers=DECIDERS,
        success=302,
    ),
    Write(
        name="key-customer plan objective page",
        url="relations:keycust_plan_detail",
        make=_plan,
        body={"action_kind": "objective", "title": "销售额", "metric": "sales", "target": "800000", "due_on": "2026-06-30"},
        writers=DECIDERS,
        success=302,
    ),
    Write(
        name="key-customer plan action page",
        url="relations:keycust_plan_detail",
        make=_plan,
        body=lambda plan, world, persona: {
            "action_kind": "action",
            "title": "高层拜访",
            "owner": _owner_of(plan),
            "due_on": _due(),
        },
        writers=DECIDERS,
        success=302,
    ),
    Write(
        name="key-customer review page",
        url="relations:keycust_review_create",
        make=_plan,
        body={"period": "2025-Q2", "rating": "on_track", "assessment": "按计划推进"},
        writers=DECIDERS,
        success=302,
    ),
    # --- suggestions -----------------------------------------------------------------------------------------------
    Write(
        name="suggestion create",
        url="relations-suggestion-list",
        make=_suggestion,
        detail=False,
        body={"topic": "process", "title": "流程建议", "text": "审批环节可以合并"},
        expect=_anyone(201),
    ),
    Write(
        name="suggestion create page",
        url="relations:suggestion_create",
        make=_suggestion,
        detail=False,
        body={"topic": "process", "title": "流程建议", "text": "审批环节可以合并"},
        expect=_anyone(302),
    ),
    Write(
        name="suggestion answer",
        url="relations-suggestion-answer",
        make=_suggestion,
        body={"response": "已研究，下月调整"},
        writers=DECIDERS,
    ),
    Write(
        name="suggestion close",
        url="relations-suggestion-close",
        make=_answered,
        writers=DECIDERS | {"rep_hangzhou"},  # rep_hangzhou: as the author, in his own place
    ),
    Write(
        name="suggestion answer page",
        url="relations:suggestion_detail",
        make=_suggestion,
        body={"action": "answer", "response": "已研究，下月调整"},
        writers=DECIDERS,
        success=302,
    ),
    Write(
        name="suggestion close page",
        url="relations:suggestion_detail",
        make=_answered,
        body={"action": "close"},
        writers=DECIDERS | {"rep_hangzhou"},
        success=302,
    ),
]
