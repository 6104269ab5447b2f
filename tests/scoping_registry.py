"""The registry of everything that reads scoped rows: one line per page or endpoint.

Each entry says how to make an object that belongs to a district (and, for owned records, to a
salesperson), where its list and detail live in the web and the API, and which personas may change
it. `tests/test_scoping_contract.py` walks every entry for every persona. Adding a model, a page,
an export or a report means adding an entry here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from core.rights import SYSTEM
from core.roles import Role
from core.services import api_key_issue
from regions.services import staff_hire


@dataclass(frozen=True)
class Scoped:
    name: str
    # make(district, owner_persona) -> object that lives in `district` (owned by owner, if owned)
    make: Callable
    api_list: str | None = None  # URL name of the API list
    api_detail: str | None = None  # URL name of the API detail (kwarg pk)
    web_list: str | None = None
    web_detail: str | None = None
    # A PATCH body for the API detail: read-only personas in scope must get 403, outsiders 404.
    api_patch: dict | None = None
    writers: frozenset = field(default_factory=frozenset)
    # Who may read at all (None: everyone in scope); others in scope get 403.
    readers: frozenset | None = None
    # What a sales rep sees of this kind: "unit" (rows of their own district), "own" (rows they own).
    rep_sees: str = "own"
    # find(obj) -> query parameters that narrow a list to the object (lists are paginated).
    find: Callable = lambda obj: {}
    # Company-wide data (no unit, e.g. products): every persona reads it; `writers` still decide writes.
    company_wide: bool = False


def _unit(district, owner):
    return district


_staff_counter = iter(range(1, 10**6))


def _staff(district, owner):
    n = next(_staff_counter)
    return staff_hire(by=SYSTEM, employee_no=f"R{n:05d}", name=f"业务员{n}", unit=district, role=Role.SALES_REP, hire_date=date(2021, 3, 1))


def _own_staff(district, owner):
    return owner.staff


def _api_key(district, owner):
    key, _raw = api_key_issue(name=f"key-{district.code}", unit=district)
    return key


# Sales-ledger rows, made through the services. In 杭州 they belong to the OWNER persona's salesperson;
# in 广州 (owner None) the customer has no salesperson, or a fresh one where the model needs an owner.
_ledger_counter = iter(range(1, 10**6))


def _customer(district, owner):
    from customers.services import customer_create

    n = next(_ledger_counter)
    salesperson = owner.staff if owner is not None else None
    return customer_create(by=SYSTEM, name=f"登记客户{n}有限公司", district=district, salesperson=salesperson, external_id=f"REG-C{n}")


def _invoice(district, owner):
    from customers.services import invoice_record

    customer = _customer(district, owner)
    n = next(_ledger_counter)
    return invoice_record(
        by=SYSTEM,
        customer=customer, issue_date=date(2025, 1, 1), due_date=date(2025, 2, 1), amount="1000.00", external_id=f"REG-I{n}"
    ).invoice


def _payment(district, owner):
    from customers.services import payment_record

    customer = _customer(district, owner)
    n = next(_ledger_counter)
    return payment_record(by=SYSTEM, customer=customer, received_on=date(2025, 3, 1), amount="500.00", external_id=f"REG-P{n}")


def _collection_plan(district, owner):
    from customers.services import collection_plan_create

    plan_owner = owner.staff if owner is not None else _staff(district, owner)
    customer = _customer(district, owner)
    return collection_plan_create(by=SYSTEM, customer=customer, owner=plan_owner, lines=[{"due_on": date(2025, 6, 30), "amount": "800.00"}])


def _import_job(district, owner):
    from customers.models import ImportJob

    return ImportJob.objects.create(
        kind="customers",
        file="imports/registry.csv",
        filename="registry.csv",
        unit=district,
        created_by=owner.user if owner else None,
    )


# Everyone whose role may change the sales ledger, among the personas (sales reps only their own rows).
LEDGER_WRITERS = frozenset(
    {"director", "center", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong", "dm_hangzhou", "dm_guangzhou", "rep_hangzhou"}
)


REGISTRY = [
    Scoped(
        name="org unit",
        make=_unit,
        api_list="orgunit-list",
        api_detail="orgunit-detail",
        web_list="regions:orgunit_list",
        web_detail="regions:orgunit_detail",
        api_patch={"name_en": "Renamed"},
        writers=frozenset({"director", "center"}),
        rep_sees="unit",
        find=lambda obj: {"code": obj.code},
    ),
    Scoped(
        name="staff member",
        make=_staff,
        api_list="staff-list",
        api_detail="staff-detail",
        web_list="regions:staff_list",
        web_detail="regions:staff_detail",
        api_patch={"phone": "13800000000"},
        writers=frozenset({"director", "center", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong"}),
        find=lambda obj: {"q": obj.employee_no},
    ),
    Scoped(
        name="own staff profile",
        make=_own_staff,
        api_detail="staff-detail",
        web_detail="regions:staff_detail",
    ),
    Scoped(
        name="API key",
        make=_api_key,
        api_list="apikey-list",
        api_detail="apikey-detail",
        web_list="regions:apikey_list",
        writers=frozenset({"director", "center"}),
        readers=frozenset(
            {"director", "center", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong", "dm_hangzhou", "dm_guangzhou"}
        ),
        rep_sees="unit",
    ),
    Scoped(
        name="customer",
        make=_customer,
        api_list="customer-list",
        api_detail="customer-detail",
        api_patch={"industry": "银行"},
        writers=LEDGER_WRITERS | {"key_hangzhou", "key_guangdong"},
        find=lambda obj: {"external_id": obj.external_id},
    ),
    Scoped(
        name="invoice",
        make=_invoice,
        api_list="invoice-list",
        api_detail="invoice-detail",
        find=lambda obj: {"external_id": obj.external_id},
    ),
    Scoped(
        name="payment",
        make=_payment,
        api_list="payment-list",
        api_detail="payment-detail",
        api_patch={"reference": "银行流水 1"},
        writers=LEDGER_WRITERS | {"key_hangzhou", "key_guangdong"},
        find=lambda obj: {"external_id": obj.external_id},
    ),
    Scoped(
        name="collection plan",
        make=_collection_plan,
        api_list="collectionplan-list",
        api_detail="collectionplan-detail",
        find=lambda obj: {"customer": obj.customer_id},
    ),
    # Pages of customers, sales and receivables (the web side of the entries above).
    Scoped(
        name="customer page",
        make=_customer,
        web_list="customers:customer_list",
        web_detail="customers:customer_detail",
        find=lambda obj: {"external_id": obj.external_id},
    ),
    Scoped(
        name="invoice page",
        make=_invoice,
        web_list="customers:invoice_list",
        web_detail="customers:invoice_detail",
        find=lambda obj: {"external_id": obj.external_id},
    ),
    Scoped(
        name="payment page",
        make=_payment,
        web_list="customers:payment_list",
        find=lambda obj: {"external_id": obj.external_id},
    ),
    Scoped(
        name="collection plan page",
        make=_collection_plan,
        web_list="customers:collectionplan_list",
        web_detail="customers:collectionplan_detail",
        find=lambda obj: {"customer": obj.customer_id},
    ),
    Scoped(
        name="import job page",
        make=_import_job,
        web_list="customers:import",
        web_detail="customers:import_job",
    ),
    Scoped(
        name="payment detail page",
        make=_payment,
        web_detail="customers:payment_detail",
    ),
]


# Each app registers its own entries in tests/registry_<app>.py (one file per app keeps parallel work apart).
def _app_entries():
    from tests import (
        registry_appraisal,
        registry_approvals,
        registry_budgets,
        registry_core,
        registry_customers,
        registry_dashboard,
        registry_notifications,
        registry_performance,
        registry_plans,
        registry_plans_pages,
        registry_reports,
        registry_workflow,
    )

    modules = (
        registry_approvals,
        registry_plans,
        registry_plans_pages,
        registry_workflow,
        registry_budgets,
        registry_notifications,
        registry_performance,
        registry_reports,
        registry_appraisal,
        registry_dashboard,
        registry_core,
        registry_customers,
    )
    for module in modules:
        yield from module.ENTRIES


REGISTRY = [*REGISTRY, *_app_entries()]
