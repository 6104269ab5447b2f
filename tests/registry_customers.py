"""Scoping-contract entries of the customers app added after the first registry (joined into
tests.scoping_registry.REGISTRY); the original ledger entries stay in tests/scoping_registry.py."""

from datetime import date
from itertools import count

from django.core.files.uploadedfile import SimpleUploadedFile

from core.rights import SYSTEM
from tests.scoping_registry import (
    LEDGER_WRITERS,
    Scoped,
    Write,
    make_collection_plan,
    make_customer,
    make_invoice,
    make_payment,
    make_unit,
)

_counter = iter(range(1, 10**6))


def _product(district, owner):
    from customers.services import product_create

    n = next(_counter)
    return product_create(by=SYSTEM, code=f"REG-P{n}", name=f"登记产品{n}", price="10.00", effective_from="2025-01-01")


ENTRIES = [
    # Customers' balances and credit, one row per customer (the id is the customer's).
    Scoped(
        name="credit balance",
        make=make_customer,
        api_list="creditbalance-list",
        api_detail="creditbalance-detail",
        find=lambda obj: {"external_id": obj.external_id},
    ),
    # The product catalogue: the whole company's, kept by the Development Center (its people and key).
    Scoped(
        name="product",
        make=_product,
        api_list="product-list",
        api_detail="product-detail",
        web_list="customers:product_list",
        web_detail="customers:product_edit",
        api_patch={"name_en": "Renamed"},
        writers=frozenset({"director", "center"}),
        company_wide=True,
        find=lambda obj: {"q": obj.code},
    ),
]


# --- writes ----------------------------------------------------------------------------------------------------
#
# Rules (core/roles.py): the sales ledger — customers, invoices, payments (and applying a customer's credit,
# which allocates payments) — is changed by every person of the business in their scope (a sales rep on their
# own customers only) and by branch systems' keys in theirs; collection plans and their follow-ups by people
# only ("collection.change": collection work is done by people). The product catalogue is the Development
# Center's ("product.change" on the center only: a branch's key holds the right but sits on no center).
# Importing a file (customers, invoices, payments) is for people with the right of the kind imported.

_n = count(1)

KEYS = frozenset({"key_hangzhou", "key_guangdong"})
LEDGER_AND_KEYS = LEDGER_WRITERS | KEYS
CENTER = frozenset({"director", "center"})


def _customer_with_credit(district, owner):
    """A customer with credit (a payment received before any invoice, so nothing took it) and an open invoice."""
    from customers.services import invoice_record, payment_record

    customer = make_customer(district, owner)
    n = next(_n)
    payment_record(by=SYSTEM, customer=customer, received_on=date(2025, 1, 5), amount="300.00", external_id=f"REG-CP{n}")
    invoice_record(
        by=SYSTEM,
        customer=customer,
        issue_date=date(2025, 1, 10),
        due_date=date(2025, 2, 10),
        amount="1000.00",
        external_id=f"REG-CI{n}",
    )
    return customer


def _validated_import(district, owner):
    """A customers import of one row into the district, checked and waiting for its commit; uploaded by the
    owner (in 广州: the district manager)."""
    from customers import imports
    from regions.models import StaffProfile

    staff = (
        owner.staff if owner is not None else StaffProfile.objects.get(unit=district, role="district_manager", user__isnull=False)
    )
    n = next(_n)
    upload = SimpleUploadedFile(f"reg-{n}.csv", _customers_csv(district, f"REG-IMP{n}"), content_type="text/csv")
    return imports.job_start(kind="customers", upload=upload, by=staff.user)


def _customers_csv(district, external_id):
    return f"客户编号,客户名称,地办编码\n{external_id},导入客户{external_id}有限公司,{district.code}\n".encode()


def _persona_staff(world, persona):
    person = world.people[persona]
    return person.staff.pk if person.staff is not None else ""


def _plan_owner(customer, world, persona):
    """The owner a writer names for a collection plan: the customer's salesperson, else the writer himself."""
    return customer.salesperson_id or _persona_staff(world, persona)


def _customer_form(district, world, persona, *, name, salesperson=None):
    if salesperson is None and persona == "rep_hangzhou":
        salesperson = _persona_staff(world, persona)  # a sales rep's new customer is his own (the form requires it)
    return {
        "name": name,
        "kind": "enterprise",
        "district": district.pk,
        "salesperson": salesperson or "",
        "credit_limit": "0",
        "status": "active",
    }


def _one(record):
    return {"records": [record]}


WRITES = [
    # --- API: customers --------------------------------------------------------------------------------------
    Write(
        name="customer create",
        url="customer-list",
        make=make_unit,
        detail=False,
        body=lambda district, world, persona: {"name": f"新客户{next(_n)}有限公司", "district": district.pk},
        writers=LEDGER_AND_KEYS,
        success=201,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="customer bulk",
        url="customer-bulk",
        make=make_unit,
        detail=False,
        body=lambda district, world, persona: _one(
            {"external_id": f"REG-BC{next(_n)}", "name": f"批量客户{next(_n)}有限公司", "district": district.pk}
        ),
        writers=LEDGER_AND_KEYS,
        success=200,
        rep_sees="unit",
        outside=400,
    ),
    Write(name="customer apply credit", url="customer-apply-credit", make=_customer_with_credit, writers=LEDGER_AND_KEYS),
    # --- API: products (company-wide) ------------------------------------------------------------------------
    Write(
        name="product create",
        url="product-list",
        make=make_unit,
        detail=False,
        body=lambda district, world, persona: {"code": f"REG-N{next(_n)}", "name": "新产品"},
        writers=CENTER,
        success=201,
        company_wide=True,
    ),
    Write(
        name="product price",
        url="product-prices",
        make=_product,
        body={"price": "12.00", "effective_from": "2026-01-01"},
        writers=CENTER,
        success=201,
        company_wide=True,
    ),
    # --- API: invoices ---------------------------------------------------------------------------------------
    Write(
        name="invoice create",
        url="invoice-list",
        make=make_customer,
        detail=False,
        body=lambda customer, world, persona: {
            "customer": customer.pk,
            "issue_date": "2025-04-01",
            "due_date": "2025-05-01",
            "amount": "200.00",
        },
        writers=LEDGER_AND_KEYS,
        success=201,
        outside=400,
    ),
    Write(
        name="invoice bulk",
        url="invoice-bulk",
        make=make_customer,
        detail=False,
        body=lambda customer, world, persona: _one(
            {
                "external_id": f"REG-BI{next(_n)}",
                "customer": customer.pk,
                "issue_date": "2025-04-01",
                "due_date": "2025-05-01",
                "amount": "200.00",
            },
        ),
        writers=LEDGER_AND_KEYS,
        success=200,
        outside=400,
    ),
    Write(name="invoice cancel", url="invoice-cancel", make=make_invoice, body={"reason": "开错了"}, writers=LEDGER_AND_KEYS),
    # --- API: payments ---------------------------------------------------------------------------------------
    Write(
        name="payment create",
        url="payment-list",
        make=make_customer,
        detail=False,
        body=lambda customer, world, persona: {"customer": customer.pk, "received_on": "2025-04-02", "amount": "50.00"},
        writers=LEDGER_AND_KEYS,
        success=201,
        outside=400,
    ),
    Write(
        name="payment bulk",
        url="payment-bulk",
        make=make_customer,
        detail=False,
        body=lambda customer, world, persona: _one(
            {"external_id": f"REG-BP{next(_n)}", "customer": customer.pk, "received_on": "2025-04-02", "amount": "50.00"}
        ),
        writers=LEDGER_AND_KEYS,
        success=200,
        outside=400,
    ),
    Write(name="payment reverse", url="payment-reverse", make=make_payment, body={"reason": "退票"}, writers=LEDGER_AND_KEYS),
    # --- API: collection plans (people only) -----------------------------------------------------------------
    Write(
        name="collection plan create",
        url="collectionplan-list",
        make=make_customer,
        detail=False,
        body=lambda customer, world, persona: {
            "customer": customer.pk,
            "owner": _plan_owner(customer, world, persona),
            "lines": [{"due_on": "2025-09-30", "amount": "100.00"}],
        },
        writers=LEDGER_WRITERS,
        success=201,
        outside=400,
    ),
    Write(
        name="collection plan follow-up",
        url="collectionplan-follow-ups",
        make=make_collection_plan,
        body={"note": "已电话催收"},
        writers=LEDGER_WRITERS,
        success=201,
    ),
    # --- pages -----------------------------------------------------------------------------------------------
    Write(
        name="customer create page",
        url="customers:customer_create",
        make=make_unit,
        detail=False,
        body=lambda district, world, persona: _customer_form(district, world, persona, name=f"新客户{next(_n)}有限公司"),
        writers=LEDGER_WRITERS,
        success=302,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="customer edit page",
        url="customers:customer_edit",
        make=make_customer,
        body=lambda customer, world, persona: _customer_form(
            customer.district, world, persona, name=f"{customer.name}（改）", salesperson=customer.salesperson_id
        ),
        writers=LEDGER_WRITERS,
        success=302,
    ),
    Write(
        name="customer apply credit page",
        url="customers:customer_credit_apply",
        make=_customer_with_credit,
        writers=LEDGER_WRITERS,
        success=302,
    ),
    Write(
        name="invoice cancel page",
        url="customers:invoice_detail",
        make=make_invoice,
        body={"reason": "开错了"},
        writers=LEDGER_WRITERS,
        success=302,
    ),
    Write(
        name="payment create page",
        url="customers:payment_create",
        make=make_customer,
        detail=False,
        body=lambda customer, world, persona: {
            "customer": customer.pk,
            "received_on": "2025-04-02",
            "amount": "50.00",
            "method": "bank_transfer",
            "allocations-TOTAL_FORMS": "0",
            "allocations-INITIAL_FORMS": "0",
        },
        writers=LEDGER_WRITERS,
        success=302,
        outside=400,
    ),
    Write(
        name="payment reverse page",
        url="customers:payment_detail",
        make=make_payment,
        body={"reason": "退票"},
        writers=LEDGER_WRITERS,
        success=302,
    ),
    Write(
        name="collection plan create page",
        url="customers:collectionplan_create",
        make=make_customer,
        detail=False,
        body=lambda customer, world, persona: {
            "customer": customer.pk,
            "owner": _plan_owner(customer, world, persona),
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-due_on": "2025-09-30",
            "lines-0-amount": "100.00",
        },
        writers=LEDGER_WRITERS,
        success=302,
        outside=400,
    ),
    Write(
        name="collection plan follow-up page",
        url="customers:collectionplan_detail",
        make=make_collection_plan,
        body={"note": "已上门拜访"},
        writers=LEDGER_WRITERS,
        success=302,
    ),
    Write(
        name="product create page",
        url="customers:product_create",
        make=make_unit,
        detail=False,
        body=lambda district, world, persona: {"code": f"REG-NP{next(_n)}", "name": "新产品", "is_active": "on"},
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="product edit page",
        url="customers:product_edit",
        make=_product,
        body={"code": "REG-RENAMED", "name": "改名产品", "is_active": "on"},
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="product price page",
        url="customers:product_edit",
        make=_product,
        body={"add_price": "1", "price": "12.00", "effective_from": "2026-01-01"},
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    # An upload makes a job in the uploader's own unit: there is no place in the request to be outside of.
    Write(
        name="import upload page",
        url="customers:import",
        make=make_unit,
        detail=False,
        body=lambda district, world, persona: {
            "kind": "customers",
            "file": SimpleUploadedFile("upload.csv", _customers_csv(district, f"REG-UP{next(_n)}"), content_type="text/csv"),
        },
        writers=LEDGER_WRITERS,
        success=302,
        company_wide=True,
    ),
    Write(name="import commit page", url="customers:import_job", make=_validated_import, writers=LEDGER_WRITERS, success=302),
    Write(
        name="import commit from the progress box",
        url="customers:import_job_progress",
        make=_validated_import,
        writers=LEDGER_WRITERS,
        success=302,
    ),
]

# A detail sub-resource read through the same scoped lookup as the customer itself.
ENTRIES += [
    Scoped(name="customer balance", make=make_customer, api_detail="customer-balance", api_detail_is_object=False),
]
