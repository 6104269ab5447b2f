"""Who may change what in the sales ledger (core/rights.py: the one rule for writes).

The services ask these rules (`ensure(by, "invoice.create", customer)`) before they write; pages and the
API ask them (`may(...)`) only to show or hide a button or a form. Each rule needs the role's right in the
role table (core/roles.py: `customer.change`, `invoice.change`, `payment.change`, `collection.change`,
`product.change`) and the record's place inside the person's part of the organisation — the same part
they read (core/scoping.py): the whole company, their unit's subtree, or, for a salesperson, their own
records. Pages and the API find every record through that scope first, so outside it is a 404 before
any right is asked; the rule holds the line for every other caller too.

- `customer.create` (the new Customer, unsaved): its district office in the person's part; a
  salesperson's new customer is their own (`new_customer_salesperson`);
- `customer.update` (a Customer, as it is and as it will be): inside the person's part;
- `customer.import` (an ImportKind, or None for "any"): a member of staff with the right to change
  what the file holds (customers, invoices or payments);
- `invoice.create` (the Customer), `invoice.update`, `invoice.cancel` (an Invoice);
- `payment.create` (the Customer), `payment.update` (a Payment: its data and its allocations),
  `payment.reverse` (a Payment);
- `credit.apply` (the Customer): applying credit allocates payments, so it is the payment right;
- `collection_plan.create` (the Customer), `collection_plan.follow_up` (a CollectionPlan);
- `write_off.post` (the Customer): nobody but the system, on an approved write-off or reversal;
- `product.create`, `product.update`, `product.add_price` (a Product): the catalogue is the
  Development Center's (`product.change` is CENTER_ONLY in the role table).
"""

from django.db.models import prefetch_related_objects

from core.rights import SYSTEM, ensure, rule
from core.roles import Role, can, role_of
from core.scoping import scope_of
from customers.models import ImportKind


def new_customer_salesperson(user):
    """The salesperson a customer opened by `user` must have, or None when any may be chosen.

    A salesperson sees only their own customers, so one they open is theirs: the customer form offers
    only them, and the API and the bulk upsert fill them in when the record names nobody.
    """
    if role_of(user) == Role.SALES_REP:
        return getattr(user, "staff_profile", None)
    return None


def holds(user, record, *, owner="salesperson_id"):
    """True if a record of the ledger (a customer, invoice, payment or collection plan: it has a
    `district` and an owner) lies in `user`'s part of the organisation, as `for_user` reads it.
    The district is read only when the scope is a subtree (callers of a batch prefetch it)."""
    scope = scope_of(user)
    if scope.everything:
        return True
    if scope.own_only:
        return scope.staff_id is not None and getattr(record, owner) == scope.staff_id
    district = record.district
    return district is not None and scope.covers_path(district.path)


# ------------------------------------------------------------------------------------------ customers


@rule("customer.create")
def may_create_customer(user, customer):
    """Open `customer` (unsaved; None: asked by a page before anything is chosen). A salesperson's part
    of the organisation is their own records, so their new customer must be their own."""
    return can(user, "customer.change") and (customer is None or holds(user, customer))


@rule("customer.update")
def may_update_customer(user, customer):
    return can(user, "customer.change") and holds(user, customer)


IMPORT_RIGHTS = {
    ImportKind.CUSTOMERS: "customer.change",
    ImportKind.INVOICES: "invoice.change",
    ImportKind.PAYMENTS: "payment.change",
}


@rule("customer.import")
def may_import(user, kind=None):
    """Upload or commit a file of `kind` (None: of any kind). Files are a person's: an import job
    belongs to its uploader's unit, so a branch system's key (no staff profile) imports nothing."""
    if getattr(user, "staff_profile", None) is None:
        return False
    if kind is None:
        return any(can(user, right) for right in IMPORT_RIGHTS.values())
    return can(user, IMPORT_RIGHTS[kind])


# ------------------------------------------------------------------------------------------ invoices


@rule("invoice.create")
def may_create_invoice(user, customer):
    return can(user, "invoice.change") and (customer is None or holds(user, customer))


@rule("invoice.update")
def may_update_invoice(user, invoice):
    return can(user, "invoice.change") and holds(user, invoice)


@rule("invoice.cancel")
def may_cancel_invoice(user, invoice):
    return can(user, "invoice.change") and holds(user, invoice)


# ------------------------------------------------------------------------------------------ payments


@rule("payment.create")
def may_create_payment(user, customer):
    return can(user, "payment.change") and (customer is None or holds(user, customer))


@rule("payment.update")
def may_update_payment(user, payment):
    return can(user, "payment.change") and holds(user, payment)


@rule("payment.reverse")
def may_reverse_payment(user, payment):
    return can(user, "payment.change") and holds(user, payment)


@rule("credit.apply")
def may_apply_credit(user, customer):
    return can(user, "payment.change") and holds(user, customer)


# ------------------------------------------------------------------------------------------ collection plans


@rule("collection_plan.create")
def may_create_collection_plan(user, customer):
    return can(user, "collection.change") and (customer is None or holds(user, customer))


@rule("collection_plan.follow_up")
def may_follow_up(user, plan):
    return can(user, "collection.change") and holds(user, plan, owner="owner_id")


# ------------------------------------------------------------------------------------------ products


@rule("product.create")
def may_create_product(user, _product=None):
    return can(user, "product.change")


@rule("product.update")
def may_update_product(user, _product):
    return can(user, "product.change")


@rule("product.add_price")
def may_add_price(user, _product):
    return can(user, "product.change")


@rule("write_off.post")
def may_post_write_off(user, _customer):
    """Post or reverse a write-off in the ledger: only the approval mechanism does, as SYSTEM, once the
    write-off (or its reversal) is approved (risk.services.write_offs); no person posts one directly."""
    return False


def ensure_each(user, action, records):
    """`ensure(user, action, record)` for each distinct record of a batch, their districts read in one
    query rather than one each (`holds` reads a record's district when the scope is a subtree)."""
    distinct = list({record.pk: record for record in records}.values())
    if user is not SYSTEM:
        prefetch_related_objects(distinct, "district")
    for record in distinct:
        ensure(user, action, record)
