"""Scoping-contract entries of visits (relations, issue 18; joined into tests.scoping_registry.REGISTRY).

A visit belongs to the district office of the customer (or channel) visited and to its visitor: it is read where
that district is read, a salesperson reads the visits they made. It is recorded and changed by the customer's
salesperson, a manager above its district, the Development Center and a branch system's key over the district —
the role table's `customer.change` (relations/rights/visits.py). The plan and coverage pages read customers
through the customers' scope (a salesperson: their own).
"""

from datetime import date, datetime
from itertools import count

from django.utils import timezone

from core.rights import SYSTEM
from tests.scoping_registry import LEDGER_WRITERS, Scoped, Write, make_customer

KEYS = frozenset({"key_hangzhou", "key_guangdong"})
WRITERS = LEDGER_WRITERS | KEYS
# The visit rules are company policy: everyone reads them, the Development Center sets them (`visit_rule.change`).
CENTER = frozenset({"director", "center"})

_n = count(1)


def make_visit(district, owner):
    from relations.services import visit_record

    customer = make_customer(district, owner)
    return visit_record(by=SYSTEM, customer=customer, on=date(2025, 2, 1), notes="登记走访", external_id=f"REG-V{next(_n)}")


def make_planned_visit(district, owner):
    from relations.services import visit_record

    customer = make_customer(district, owner)
    return visit_record(by=SYSTEM, customer=customer, on=date(2025, 2, 3), state="planned")


def make_overdue_key_customer(district, owner):
    """A key customer opened long ago and never visited: due (overdue) on the plan and the coverage pages."""
    from customers.models import Customer

    customer = make_customer(district, owner)
    Customer.objects.filter(pk=customer.pk).update(is_key=True, created_at=timezone.make_aware(datetime(2025, 1, 1, 9, 0)))
    customer.refresh_from_db()
    return customer


_RULE_CLASSES = [(segment, kind) for segment in ("key", "other") for kind in ("institution", "individual")]


def make_visit_rule(district=None, owner=None):
    """A rule for one type of customer (a different class and type at each call: the world makes one per place)."""
    from relations.services import visit_rule_set

    segment, kind = _RULE_CLASSES[next(_n) % len(_RULE_CLASSES)]
    return visit_rule_set(by=SYSTEM, segment=segment, customer_kind=kind, interval_days=45)


def _on_plan(response, customer):
    return any(row.customer is not None and row.customer.pk == customer.pk for row in response.context["rows"])


def _on_coverage(response, customer):
    table = response.context["table"]
    return table is not None and any(row.customer_id == customer.pk for row in table["customers"])


def _visit_for_writes(district, owner):
    return make_visit(district, owner)


def _planned_for_writes(district, owner):
    return make_planned_visit(district, owner)


def _form(customer, world, persona):
    return {"customer": customer.pk, "on": "2025-02-01", "state": "done", "kind": "phone", "notes": "电话回访"}


def _edit_form(visit, world, persona):
    return {"on": "2025-02-01", "state": "done", "kind": "meeting", "notes": "改过的走访记录"}


ENTRIES = [
    Scoped(
        name="visit",
        make=make_visit,
        api_list="relations-visit-list",
        api_detail="relations-visit-detail",
        web_list="relations:visit_list",
        web_detail="relations:visit_detail",
        api_patch={"needs": "需要年金计划"},
        writers=WRITERS,
        find=lambda obj: {"customer": obj.customer_id},
    ),
    Scoped(name="visit edit page", make=make_visit, web_detail="relations:visit_edit"),
    Scoped(
        name="visit plan (planned visits)",
        make=make_planned_visit,
        api_list="relations-visit-plan-list",
        api_detail="relations-visit-plan-detail",
        find=lambda obj: {"customer": obj.customer_id},
    ),
    Scoped(name="whom to visit this week", make=make_overdue_key_customer, web_list="relations:visit_plan", web_visible=_on_plan),
    Scoped(
        name="visit coverage of key customers",
        make=make_overdue_key_customer,
        web_list="relations:visit_coverage",
        web_visible=_on_coverage,
    ),
    Scoped(
        name="visit rule",
        make=make_visit_rule,
        api_list="relations-visit-rule-list",
        api_detail="relations-visit-rule-detail",
        web_list="relations:visit_rule_list",
        api_patch={"interval_days": 40},
        writers=CENTER,
        company_wide=True,
    ),
]

WRITES = [
    Write(
        name="visit record (API)",
        url="relations-visit-list",
        make=make_customer,
        detail=False,
        body=lambda customer, world, persona: {"customer": customer.pk, "on": "2025-02-01", "kind": "visit", "notes": "上门拜访"},
        writers=WRITERS,
        success=201,
        outside=400,
    ),
    Write(
        name="visit bulk",
        url="relations-visit-bulk",
        make=make_customer,
        detail=False,
        body=lambda customer, world, persona: {
            "records": [{"external_id": f"REG-BV{next(_n)}", "customer": customer.pk, "on": "2025-02-01"}]
        },
        writers=WRITERS,
        outside=400,
    ),
    Write(
        name="visit record page",
        url="relations:visit_create",
        make=make_customer,
        detail=False,
        body=_form,
        writers=LEDGER_WRITERS,
        success=302,
        outside=400,
    ),
    Write(
        name="visit edit page",
        url="relations:visit_edit",
        make=_visit_for_writes,
        body=_edit_form,
        writers=LEDGER_WRITERS,
        success=302,
    ),
    Write(
        name="visit mark done page",
        url="relations:visit_detail",
        make=_planned_for_writes,
        body={"action": "done"},
        writers=LEDGER_WRITERS,
        success=302,
    ),
    Write(
        name="visit rule set (API)",
        url="relations-visit-rule-list",
        make=make_visit_rule,
        detail=False,
        body={"segment": "trading", "customer_kind": "individual", "interval_days": 75},
        writers=CENTER,
        success=201,
        company_wide=True,
    ),
    Write(
        name="visit rule remove (API)",
        url="relations-visit-rule-detail",
        make=make_visit_rule,
        method="delete",
        writers=CENTER,
        success=204,
        company_wide=True,
    ),
    Write(
        name="visit rule set page",
        url="relations:visit_rule_set",
        make=make_visit_rule,
        detail=False,
        body={"segment": "trading", "customer_kind": "individual", "interval_days": "75"},
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="visit rule remove page",
        url="relations:visit_rule_delete",
        make=make_visit_rule,
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
]
