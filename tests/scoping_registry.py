"""The registry of everything that reads or writes scoped rows: one line per page, endpoint or action.

Each read entry (`Scoped`) says how to make an object that belongs to a district (and, for owned records,
to a salesperson), where its list and detail live in the web and the API, and which personas may change
it. Each write entry (`Write`) names one unsafe URL (a create, an update, a POST action such as approve or
submit), how to make the object it acts on in the right state, a body that succeeds, and who may do it —
written by hand from the role table (core/roles.py) and the app's rules, not read off the code.
`tests/test_scoping_contract.py` walks every entry for every persona; its completeness check fails when a
scoped URL is in neither list nor in its commented exemption list. Adding a model, a page, an action, an
export or a report means adding an entry here (or in tests/registry_<app>.py).
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
    # A detail sub-resource (e.g. /plans/{pk}/check/) answers something other than the object itself: the
    # contract checks its status only. Some need query parameters.
    api_detail_is_object: bool = True
    api_detail_query: dict | None = None
    # What a persona in scope but outside `readers` gets: 403, or 404 where the page is the whole company's and
    # everyone else is outside it (the center's risk board).
    refused: int = 403
    # For a web list that is not a paginated list of objects (a board of counts): visible(response, obj) -> True
    # if the page shows (counts) the object.
    web_visible: Callable | None = None


@dataclass(frozen=True, eq=False)
class Write:
    """One unsafe method of one URL: inside the scope without the right → `denied` (403), outside → `outside`
    (404), inside with the right → `success`; a refused write writes nothing (tests/test_scoping_contract.py)."""

    name: str
    url: str  # URL name; a name with a namespace ("plans:plan_submit") is a page, one without an API endpoint
    # make(district, owner_persona) -> the object the action acts on (for a create: what it is made in or for,
    # e.g. the district or the customer), in the state the action needs. Entries with the same make share it.
    make: Callable
    # body(obj, world, persona) -> the request data that succeeds for a writer (or a constant dict)
    body: Callable | dict = field(default_factory=dict)
    writers: frozenset = field(default_factory=frozenset)
    success: int = 200
    method: str = "post"
    detail: bool = True  # the URL takes the object's pk; False for list-level creates and bulk calls
    format: str = "json"  # API bodies; pages post form data
    rep_sees: str = "own"  # as for Scoped
    company_wide: bool = False
    # What an outsider gets: 404 for an object outside the scope; a create that names an out-of-scope unit or
    # customer in its body is refused like a reference to nothing (400 on the API, the form again on a page).
    outside: int = 404
    denied: int = 403
    # Where the object sits: "district" (in the test district itself), "province" (a unit of its own beside the
    # district, in the district's province: seen by the province and above, not by the district's people) or
    # "region" (the district's region itself: seen by the center and that region's manager).
    place: str = "district"
    # Is the right asked before the object is looked up? Yes for list-level calls (a create, a bulk call, a form
    # on a list page): there is no object to be outside of, so a persona without the right gets 403 whatever
    # the body names. Detail calls look the object up first: outside → 404, then the right.
    right_first: bool | None = None
    # Who passes a right-first check when that is not `writers` (e.g. every person may try a bulk decision; the
    # answer then says per request whether it was decided). None: `writers`.
    may_call: frozenset | None = None
    # For rules the fields above cannot say: expect(persona, inside, district_code, owner_name) -> (status, writes).
    expect: Callable | None = None
    # check(response, wrote) -> None: more to assert on the answer (e.g. a bulk call's per-request results).
    check: Callable | None = None
    # Query parameters of the URL (some pages read what to do from the address, e.g. ?to=months).
    query: dict | None = None
    # Known deviations from the rule, {(persona, place): reason} — a scope leak, or a refusal with the wrong
    # status: run as strict xfails, so the case fails as soon as the code is put right and the mark must go.
    deviations: dict = field(default_factory=dict)

    @property
    def door(self):
        return "web" if ":" in self.url else "api"

    @property
    def asks_right_first(self):
        return (not self.detail) if self.right_first is None else self.right_first

    @property
    def own_variant(self):
        """Owned rows get a third place: rep_hangzhou acting on his own (customer, plan, task…)."""
        return (
            self.rep_sees == "own"
            and not self.company_wide
            and self.place == "district"
            and not getattr(self.make, "unowned", False)
        )


def unowned(make):
    """Mark a maker that ignores its owner argument (the row it makes is nobody's own): no ownership variant."""
    make.unowned = True
    return make


def patch_writes(entries):
    """The API PATCH of each read entry that has one, as a write entry (so it gets the nothing-written check)."""
    return [
        Write(
            name=f"{entry.name} PATCH",
            url=entry.api_detail,
            method="patch",
            make=entry.make,
            body=entry.api_patch,
            writers=entry.writers,
            rep_sees=entry.rep_sees,
            company_wide=entry.company_wide,
        )
        for entry in entries
        if entry.api_patch
    ]


def make_unit(district, owner):
    return district


_staff_counter = iter(range(1, 10**6))


@unowned
def make_staff(district, owner):
    n = next(_staff_counter)
    return staff_hire(
        by=SYSTEM, employee_no=f"R{n:05d}", name=f"业务员{n}", unit=district, role=Role.SALES_REP, hire_date=date(2021, 3, 1)
    )


def make_own_staff(district, owner):
    return owner.staff


def make_api_key(district, owner):
    key, _raw = api_key_issue(name=f"key-{district.code}", unit=district)
    return key


# Sales-ledger rows, made through the services. In 杭州 they belong to the OWNER persona's salesperson;
# in 广州 (owner None) the customer has no salesperson, or a fresh one where the model needs an owner.
_ledger_counter = iter(range(1, 10**6))


def make_customer(district, owner):
    from customers.services import customer_create

    n = next(_ledger_counter)
    salesperson = owner.staff if owner is not None else None
    return customer_create(
        by=SYSTEM, name=f"登记客户{n}有限公司", district=district, salesperson=salesperson, external_id=f"REG-C{n}"
    )


def make_invoice(district, owner):
    from customers.services import invoice_record

    customer = make_customer(district, owner)
    n = next(_ledger_counter)
    return invoice_record(
        by=SYSTEM,
        customer=customer,
        issue_date=date(2025, 1, 1),
        due_date=date(2025, 2, 1),
        amount="1000.00",
        external_id=f"REG-I{n}",
    ).invoice


def make_payment(district, owner):
    from customers.services import payment_record

    customer = make_customer(district, owner)
    n = next(_ledger_counter)
    return payment_record(by=SYSTEM, customer=customer, received_on=date(2025, 3, 1), amount="500.00", external_id=f"REG-P{n}")


def make_collection_plan(district, owner):
    from customers.services import collection_plan_create

    plan_owner = owner.staff if owner is not None else make_staff(district, owner)
    customer = make_customer(district, owner)
    return collection_plan_create(
        by=SYSTEM, customer=customer, owner=plan_owner, lines=[{"due_on": date(2025, 6, 30), "amount": "800.00"}]
    )


def make_import_job(district, owner):
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
        make=make_unit,
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
        make=make_staff,
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
        make=make_own_staff,
        api_detail="staff-detail",
        web_detail="regions:staff_detail",
    ),
    Scoped(
        name="API key",
        make=make_api_key,
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
        make=make_customer,
        api_list="customer-list",
        api_detail="customer-detail",
        api_patch={"industry": "银行"},
        writers=LEDGER_WRITERS | {"key_hangzhou", "key_guangdong"},
        find=lambda obj: {"external_id": obj.external_id},
    ),
    Scoped(
        name="invoice",
        make=make_invoice,
        api_list="invoice-list",
        api_detail="invoice-detail",
        find=lambda obj: {"external_id": obj.external_id},
    ),
    Scoped(
        name="payment",
        make=make_payment,
        api_list="payment-list",
        api_detail="payment-detail",
        api_patch={"reference": "银行流水 1"},
        writers=LEDGER_WRITERS | {"key_hangzhou", "key_guangdong"},
        find=lambda obj: {"external_id": obj.external_id},
    ),
    Scoped(
        name="collection plan",
        make=make_collection_plan,
        api_list="collectionplan-list",
        api_detail="collectionplan-detail",
        find=lambda obj: {"customer": obj.customer_id},
    ),
    # Pages of customers, sales and receivables (the web side of the entries above).
    Scoped(
        name="customer page",
        make=make_customer,
        web_list="customers:customer_list",
        web_detail="customers:customer_detail",
        find=lambda obj: {"external_id": obj.external_id},
    ),
    Scoped(
        name="invoice page",
        make=make_invoice,
        web_list="customers:invoice_list",
        web_detail="customers:invoice_detail",
        find=lambda obj: {"external_id": obj.external_id},
    ),
    Scoped(
        name="payment page",
        make=make_payment,
        web_list="customers:payment_list",
        find=lambda obj: {"external_id": obj.external_id},
    ),
    Scoped(
        name="collection plan page",
        make=make_collection_plan,
        web_list="customers:collectionplan_list",
        web_detail="customers:collectionplan_detail",
        find=lambda obj: {"customer": obj.customer_id},
    ),
    Scoped(
        name="import job page",
        make=make_import_job,
        web_list="customers:import",
        web_detail="customers:import_job",
    ),
    Scoped(
        name="payment detail page",
        make=make_payment,
        web_detail="customers:payment_detail",
    ),
]


# Each app registers its own entries in tests/registry_<app>.py (one file per app keeps parallel work apart).
def _app_entries(attribute):
    from tests import (
        registry_appraisal,
        registry_approvals,
        registry_budgets,
        registry_channels,
        registry_core,
        registry_customers,
        registry_dashboard,
        registry_notifications,
        registry_performance,
        registry_plans,
        registry_plans_pages,
        registry_regions,
        registry_relations_complaints,
        registry_relations_keycust,
        registry_relations_market,
        registry_relations_visits,
        registry_reports,
        registry_risk,
        registry_team_dashboard,
        registry_team_promo,
        registry_team_recruit,
        registry_team_training,
        registry_workflow,
    )

    modules = (
        registry_regions,
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
        registry_risk,
        registry_channels,
        registry_relations_keycust,
        registry_relations_market,
        registry_relations_visits,
        registry_relations_complaints,
        registry_team_recruit,
        registry_team_training,
        registry_team_promo,
        registry_team_dashboard,
    )
    for module in modules:
        # A registry module imported on its own first (a test importing one of its makers) imports this module
        # while its own body has not run yet: its entries would be silently missing. Say so instead.
        assert hasattr(module, "ENTRIES"), f"{module.__name__} is half imported: import tests.scoping_registry first"
        yield from getattr(module, attribute, ())


REGISTRY = [*REGISTRY, *_app_entries("ENTRIES")]
WRITES = [*patch_writes(REGISTRY), *_app_entries("WRITES")]
