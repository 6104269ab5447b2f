"""Writes to customers, sales and receivables: the ledger.

Every posting is atomic and keyword-only. The money rules, written down once:

- amounts are Decimal CNY with at most two decimals; a line amount is money(quantity × unit price);
- an invoice counts from its issue date until its cancellation date;
- an allocation counts from its `allocated_on` until its `reversed_on` (a payment's reversal ends all of
  its allocations on that date), so the receivable "as of" any date can always be reproduced;
- open receivable = invoiced − allocated, for any set of invoices and any date, exactly.

Locks, always taken in this order so that two postings never deadlock: the customer row, then the
payment, then the invoices (by id). Locking the customer serialises every money posting of one
customer, which is what keeps the credit check and oldest-due-first allocation race-free.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import insert_audited, write_created_history
from core.dates import check_supported_date, due_date_error
from core.errors import Conflict, InvalidInput
from core.money import CENT, ZERO, money, parse_money, parse_weight
from customers.choices import CustomerKind, CustomerStatus, InvoiceStatus, PaymentMethod, PaymentStatus
from customers.models import (
    Allocation,
    AllocationOrigin,
    CollectionPlan,
    CollectionPlanLine,
    Contact,
    Customer,
    FollowUp,
    Invoice,
    InvoiceLine,
    Payment,
    Product,
    ProductPrice,
)
from customers.validators import pinyin_initials, validate_credit_code
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile

# A MoneyField holds 18 digits, two of them decimals.
MONEY_LIMIT = Decimal(10) ** 16
_AMOUNT = gettext_lazy("The amount")
MONEY_OUTPUT = DecimalField(max_digits=18, decimal_places=2)


# --------------------------------------------------------------------------------------------- input


def _decimal(value, *, field, label):
    """A Decimal from a Decimal, int or numeric string (floats as written, so 0.1 stays 0.1), its digits
    and exponent bounded before any arithmetic (core.money.parse_decimal); callers check the places."""
    message = _("%(label)s must be a number.") % {"label": label}
    message = message.replace("%", "%%")  # parse_decimal formats the wording once more
    return parse_weight(
        value,
        field=field,
        label=label,
        messages={"invalid": message, "max_whole_digits": _("%(label)s is too large."), "max_decimal_places": message},
    )


def _money(value, *, field, label=None, allow_zero=False):
    """A money amount: a number with at most two decimals, positive (or zero if allowed), < 10^16."""
    wording = {
        "invalid": _("%(label)s must be a number."),
        "max_whole_digits": _("%(label)s is too large."),
        "max_decimal_places": _("%(label)s has more than two decimals: %(value)s."),
        "negative": _("%(label)s must not be negative."),
        "not_positive": _("%(label)s must be greater than zero."),
    }
    return parse_money(value, field=field, label=label or _AMOUNT, positive=not allow_zero, messages=wording)


def _date(value, *, field):
    """A date of the ledger, inside the supported range (core.dates); the plausibility windows are the
    entry points' (serializers, forms, imports), which know what today is for the record's sender."""
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise InvalidInput(_("Enter a valid date (YYYY-MM-DD)."), field=field) from None
    return check_supported_date(value, field=field)


def _text(value, *, field, max_length, required=False, label=None):
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(_("Enter a text."), field=field)
    if "\x00" in value:
        raise InvalidInput(_("The text contains a NUL character."), field=field)
    value = value.strip()
    if required and not value:
        raise InvalidInput(_("%(label)s is required.") % {"label": label or _("This field")}, field=field)
    if len(value) > max_length:
        raise InvalidInput(_("At most %(max)d characters.") % {"max": max_length}, field=field)
    return value


# External ids and credit codes are unique company-wide, so the record already holding one may lie outside
# the caller's scope: a refusal says only that the value cannot be used, never whose it is.
EXTERNAL_ID_TAKEN = gettext_lazy(
    "This external id cannot be used: external ids are unique company-wide, so prefix yours with your district code "
    "(e.g. 330100-INV-0001)."
)
CREDIT_CODE_TAKEN = gettext_lazy("This unified social credit code cannot be used; check it, or ask the Development Center.")


def _external_id(value, *, model, exclude_pk=None):
    if value in (None, ""):
        return None
    value = _text(value, field="external_id", max_length=64)
    if model.objects.filter(external_id=value).exclude(pk=exclude_pk).exists():
        raise Conflict(EXTERNAL_ID_TAKEN, field="external_id")
    return value


def _credit_code(value, *, exclude_pk=None):
    if value in (None, ""):
        return None
    try:
        code = validate_credit_code(value)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], field="credit_code") from None
    if Customer.objects.filter(credit_code=code).exclude(pk=exclude_pk).exists():
        raise Conflict(CREDIT_CODE_TAKEN, field="credit_code")
    return code


def _district(district):
    if not isinstance(district, OrgUnit) or district.kind != UnitKind.DISTRICT:
        raise InvalidInput(_("Choose a district office."), field="district")
    if not district.is_active:
        raise InvalidInput(_("The district office %(name)s is closed.") % {"name": district.name}, field="district")
    return district


def _salesperson(salesperson, district):
    if salesperson is None:
        return None
    if not isinstance(salesperson, StaffProfile):
        raise InvalidInput(_("Choose a salesperson."), field="salesperson")
    if not salesperson.is_active:
        raise InvalidInput(_("%(name)s is no longer in service.") % {"name": salesperson.name}, field="salesperson")
    if salesperson.unit_id != district.pk:
        raise InvalidInput(
            _("%(name)s does not work in the district office %(district)s.")
            % {"name": salesperson.name, "district": district.name},
            field="salesperson",
        )
    return salesperson


def _choice(value, choices, *, field):
    if value not in choices.values:
        raise InvalidInput(
            _("%(value)s is not one of: %(choices)s.") % {"value": value, "choices": ", ".join(choices.values)}, field=field
        )
    return value


def _contacts(contacts):
    result = []
    if contacts is None:
        return result
    if isinstance(contacts, (str, bytes, dict)):
        raise InvalidInput(_("Contacts must be a list."), field="contacts")
    for item in contacts:
        if not isinstance(item, dict):
            raise InvalidInput(_("Each contact must be an object with a name."), field="contacts")
        unknown = set(item) - {"name", "title", "phone", "email", "is_primary"}
        if unknown:
            raise InvalidInput(
                _("Unknown contact fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}, field="contacts"
            )
        email = _text(item.get("email"), field="contacts", max_length=254)
        if email and "@" not in email:
            raise InvalidInput(_("%(email)s is not an e-mail address.") % {"email": email}, field="contacts")
        result.append(
            {
                "name": _text(item.get("name"), field="contacts", max_length=50, required=True, label=_("The contact's name")),
                "title": _text(item.get("title"), field="contacts", max_length=50),
                "phone": _text(item.get("phone"), field="contacts", max_length=20),
                "email": email,
                "is_primary": bool(item.get("is_primary", False)),
            }
        )
    return result


def _lock_customer(customer):
    return Customer.objects.select_for_update().get(pk=customer.pk)


# ----------------------------------------------------------------------------------------- customers

CUSTOMER_TEXT_FIELDS = {"industry": 50, "province": 30, "city": 30, "address": 200}


@transaction.atomic
def customer_create(
    *,
    name,
    district,
    kind=CustomerKind.ENTERPRISE,
    credit_code=None,
    external_id=None,
    salesperson=None,
    industry="",
    province="",
    city="",
    address="",
    is_key=False,
    credit_limit=ZERO,
    status=CustomerStatus.ACTIVE,
    contacts=(),
):
    """Open a customer's archive in a district office, with its contacts."""
    name = _text(name, field="name", max_length=200, required=True, label=_("The customer's name"))
    district = _district(district)
    customer = Customer(
        name=name,
        name_initials=pinyin_initials(name)[:200],
        district=district,
        salesperson=_salesperson(salesperson, district),
        kind=_choice(kind, CustomerKind, field="kind"),
        credit_code=_credit_code(credit_code),
        external_id=_external_id(external_id, model=Customer),
        is_key=bool(is_key),
        credit_limit=_money(credit_limit, field="credit_limit", label=_("The credit limit"), allow_zero=True),
        status=_choice(status, CustomerStatus, field="status"),
        **{
            key: _text(value, field=key, max_length=CUSTOMER_TEXT_FIELDS[key])
            for key, value in {"industry": industry, "province": province, "city": city, "address": address}.items()
        },
    )
    contact_rows = _contacts(contacts)
    customer.save()
    Contact.objects.bulk_create([Contact(customer=customer, **row) for row in contact_rows])
    return customer


CUSTOMER_UPDATABLE = {
    "name",
    "district",
    "kind",
    "credit_code",
    "external_id",
    "salesperson",
    "industry",
    "province",
    "city",
    "address",
    "is_key",
    "credit_limit",
    "status",
    "contacts",
}


@transaction.atomic
def customer_update(*, customer, **fields):
    """Change a customer's archive. Only the fields given change; the history keeps the old values.
    `contacts`, if given, replaces the list of contacts. Nothing is saved if nothing changed."""
    unknown = set(fields) - CUSTOMER_UPDATABLE
    if unknown:
        field = sorted(unknown)[0]
        raise InvalidInput(_("The field %(field)s cannot be changed.") % {"field": field}, field=field)
    customer = _lock_customer(customer)
    changes = {}
    if "name" in fields:
        changes["name"] = _text(fields["name"], field="name", max_length=200, required=True, label=_("The customer's name"))
    district = customer.district
    if "district" in fields and fields["district"] != customer.district:
        district = changes["district"] = _district(fields["district"])
    if "salesperson" in fields:
        changes["salesperson"] = _salesperson(fields["salesperson"], district)
    elif "district" in changes and customer.salesperson is not None:
        # A move to another district office keeps the salesperson only if they work there too.
        _salesperson(customer.salesperson, district)
    if "kind" in fields:
        changes["kind"] = _choice(fields["kind"], CustomerKind, field="kind")
    if "status" in fields:
        changes["status"] = _choice(fields["status"], CustomerStatus, field="status")
    if "credit_code" in fields:
        changes["credit_code"] = _credit_code(fields["credit_code"], exclude_pk=customer.pk)
    if "external_id" in fields:
        changes["external_id"] = _external_id(fields["external_id"], model=Customer, exclude_pk=customer.pk)
    if "is_key" in fields:
        changes["is_key"] = bool(fields["is_key"])
    if "credit_limit" in fields:
        changes["credit_limit"] = _money(
            fields["credit_limit"], field="credit_limit", label=_("The credit limit"), allow_zero=True
        )
    for key, max_length in CUSTOMER_TEXT_FIELDS.items():
        if key in fields:
            changes[key] = _text(fields[key], field=key, max_length=max_length)
    contact_rows = _contacts(fields["contacts"]) if "contacts" in fields else None

    changed = [key for key, value in changes.items() if getattr(customer, key) != value]
    for key in changed:
        setattr(customer, key, changes[key])
    if "name" in changed:
        customer.name_initials = pinyin_initials(customer.name)[:200]
        changed.append("name_initials")
    if changed:
        customer.save()
    if contact_rows is not None:
        current = list(customer.contacts.order_by("id").values("name", "title", "phone", "email", "is_primary"))
        if current != contact_rows:
            for contact in customer.contacts.all():
                contact.delete()  # one by one, so the contact history records each removal
            Contact.objects.bulk_create([Contact(customer=customer, **row) for row in contact_rows])
    return customer


# ------------------------------------------------------------------------------------------ products


PRODUCT_TEXT_FIELDS = {"name": 100, "name_en": 100, "category": 50}


def _product_code(value, *, exclude_pk=None):
    code = _text(value, field="code", max_length=30, required=True, label=_("The code"))
    if Product.objects.filter(code=code).exclude(pk=exclude_pk).exists():
        raise Conflict(_("The product code %(code)s is already used.") % {"code": code}, field="code")
    return code


@transaction.atomic
def product_create(*, code, name, name_en="", category="", is_active=True, price=None, effective_from=None):
    """Add a financial product to the company's catalogue (the Development Center's), with its first
    list price if given."""
    product = Product(
        code=_product_code(code),
        name=_text(name, field="name", max_length=100, required=True, label=_("The name")),
        name_en=_text(name_en, field="name_en", max_length=100),
        category=_text(category, field="category", max_length=50),
        is_active=bool(is_active),
    )
    if (price is None) != (effective_from is None):
        field = "effective_from" if effective_from is None else "price"
        raise InvalidInput(_("Give a price with the date it takes effect."), field=field)
    product.save()
    if price is not None:
        product_price_add(product=product, price=price, effective_from=effective_from)
    return product


@transaction.atomic
def product_update(*, product, **fields):
    """Change a product's code, names, category or whether it is sold. Returns True if anything changed."""
    allowed = {"code", "is_active", *PRODUCT_TEXT_FIELDS}
    unknown = set(fields) - allowed
    if unknown:
        field = sorted(unknown)[0]
        raise InvalidInput(_("The field %(field)s cannot be changed.") % {"field": field}, field=field)
    product = Product.objects.select_for_update().get(pk=product.pk)
    changes = {}
    if "code" in fields:
        changes["code"] = _product_code(fields["code"], exclude_pk=product.pk)
    for key, max_length in PRODUCT_TEXT_FIELDS.items():
        if key in fields:
            changes[key] = _text(fields[key], field=key, max_length=max_length, required=key == "name", label=_("The name"))
    if "is_active" in fields:
        changes["is_active"] = bool(fields["is_active"])
    changed = [key for key, value in changes.items() if getattr(product, key) != value]
    for key in changed:
        setattr(product, key, changes[key])
    if changed:
        product.save()
    return bool(changed)


@transaction.atomic
def product_price_add(*, product, price, effective_from):
    """Add a list price of a product from a date on. The price list only grows: invoices keep the unit
    price they were recorded with, and a later price is a new row from its own date."""
    price = _money(price, field="price", label=_("The price"), allow_zero=True)
    effective_from = _date(effective_from, field="effective_from")
    product = Product.objects.select_for_update().get(pk=product.pk)
    if ProductPrice.objects.filter(product=product, effective_from=effective_from).exists():
        raise Conflict(
            _("%(product)s already has a price from %(date)s.") % {"product": product.name, "date": effective_from.isoformat()},
            field="effective_from",
        )
    return ProductPrice.objects.create(product=product, price=price, effective_from=effective_from)


def product_price_on(*, product, on):
    """The list price of a product effective on a date, or None if it had no price then."""
    row = ProductPrice.objects.filter(product=product, effective_from__lte=on).order_by("-effective_from").first()
    return row.price if row else None


# ------------------------------------------------------------------------------------------ invoices


@dataclass
class InvoiceResult:
    """A recorded invoice and what the credit check found."""

    invoice: Invoice
    over_credit_limit: bool
    exposure: Decimal  # the customer's open receivable after this invoice
    credit_limit: Decimal


def _sum(queryset, field):
    return queryset.aggregate(total=Coalesce(Sum(field), Value(ZERO), output_field=MONEY_OUTPUT))["total"]


def exposures(customer_ids):
    """Each customer's open receivable now: live invoices minus live allocations, whatever their dates.
    The postings keep it in Customer.open_balance (credit checks read that); this recomputation from the
    ledger, written apart from open_balances_refresh, is what the tests hold the kept balances to.

    Only invoices with status "open" can have anything open — "paid" means fully allocated (kept so by
    every posting, see _refresh_invoice_status) and "cancelled" ones count for nothing — so two small
    index look-ups (invoice_open_by_customer) answer it, however long the customers' history.
    """
    result = dict.fromkeys(customer_ids, ZERO)
    open_invoices = Invoice.objects.filter(customer_id__any=customer_ids, status=InvoiceStatus.OPEN).order_by()
    for row in open_invoices.values("customer_id").annotate(total=Sum("amount")):
        result[row["customer_id"]] += row["total"]
    allocated = Allocation.objects.filter(
        invoice__customer_id__any=customer_ids, invoice__status=InvoiceStatus.OPEN, reversed_on__isnull=True
    ).order_by()
    for row in allocated.values("invoice__customer_id").annotate(total=Sum("amount")):
        result[row["invoice__customer_id"]] -= row["total"]
    return result


def open_balances_refresh(customer_ids=None):
    """Set customers' open_balance from their invoices and allocations (exposures, in one UPDATE):
    after a posting that changes allocations or cancels, and after a bulk load (None: every customer)."""
    open_invoices = (
        Invoice.objects.filter(customer=OuterRef("pk"), status=InvoiceStatus.OPEN)
        .order_by()
        .values("customer")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    allocated = (
        Allocation.objects.filter(invoice__customer=OuterRef("pk"), invoice__status=InvoiceStatus.OPEN, reversed_on__isnull=True)
        .order_by()
        .values("invoice__customer")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    customers = Customer.objects.all() if customer_ids is None else Customer.objects.filter(pk__in=list(customer_ids))
    return customers.update(
        open_balance=Coalesce(Subquery(open_invoices, output_field=MONEY_OUTPUT), Value(ZERO), output_field=MONEY_OUTPUT)
        - Coalesce(Subquery(allocated, output_field=MONEY_OUTPUT), Value(ZERO), output_field=MONEY_OUTPUT),
        balance_changed_at=timezone.now(),
    )


def _open_balances_add(deltas):
    """Add {customer id: amount} to the customers' open balances (new invoices), in one statement."""
    if not deltas:
        return
    now = timezone.now()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids, amounts = zip(*sorted(deltas.items()), strict=True)
            cursor.execute(
                "UPDATE customers_customer c SET open_balance = c.open_balance + d.delta, balance_changed_at = %s "
                "FROM unnest(%s::bigint[], %s::numeric[]) AS d(id, delta) WHERE c.id = d.id",
                [now, list(ids), list(amounts)],
            )
        else:
            now = connection.ops.adapt_datetimefield_value(now)
            cursor.executemany(
                "UPDATE customers_customer SET open_balance = open_balance + %s, balance_changed_at = %s WHERE id = %s",
                [(str(amount), now, pk) for pk, amount in sorted(deltas.items())],
            )


def _invoice_lines(lines, issue_date, price_on=None):
    if isinstance(lines, (str, bytes, dict)) or not hasattr(lines, "__iter__"):
        raise InvalidInput(_("Lines must be a list."), field="lines")
    result = []
    for number, line in enumerate(lines, start=1):
        if not isinstance(line, dict):
            raise InvalidInput(_("Line %(n)d must be an object with a product and a quantity.") % {"n": number}, field="lines")
        unknown = set(line) - {"product", "quantity", "unit_price"}
        if unknown:
            raise InvalidInput(
                _("Line %(n)d has unknown fields: %(fields)s.") % {"n": number, "fields": ", ".join(sorted(unknown))},
                field="lines",
            )
        product = line.get("product")
        if not isinstance(product, Product):
            raise InvalidInput(_("Line %(n)d needs a product.") % {"n": number}, field="lines")
        quantity = _decimal(line.get("quantity"), field="lines", label=_("Line %(n)d: the quantity") % {"n": number})
        if quantity <= 0 or quantity != quantity.quantize(CENT, rounding="ROUND_DOWN") or quantity >= Decimal(10) ** 12:
            raise InvalidInput(
                _("Line %(n)d: the quantity must be greater than zero, with at most two decimals.") % {"n": number}, field="lines"
            )
        if line.get("unit_price") is None:
            unit_price = (price_on or product_price_on)(product=product, on=issue_date)
            if unit_price is None:
                raise InvalidInput(
                    _("Line %(n)d: %(product)s has no list price on %(date)s; give a unit price.")
                    % {"n": number, "product": product.name, "date": issue_date.isoformat()},
                    field="lines",
                )
        else:
            unit_price = _money(
                line["unit_price"], field="lines", label=_("Line %(n)d: the unit price") % {"n": number}, allow_zero=True
            )
        amount = money(quantity * unit_price)
        if amount >= MONEY_LIMIT:
            raise InvalidInput(_("Line %(n)d: the amount is too large.") % {"n": number}, field="lines")
        result.append({"product": product, "quantity": quantity, "unit_price": unit_price, "amount": amount})
    if not result:
        raise InvalidInput(_("An invoice with lines needs at least one line."), field="lines")
    return result


def _invoice_input(*, issue_date, due_date, amount=None, lines=None, number="", price_on=None):
    """Check an invoice's own data (no database access but price look-ups); returns the clean values."""
    issue_date = _date(issue_date, field="issue_date")
    due_date = _date(due_date, field="due_date")
    if error := due_date_error(issue_date, due_date):
        raise InvalidInput(error, field="due_date")
    number = _text(number, field="number", max_length=40)
    if lines is not None:
        line_rows = _invoice_lines(lines, issue_date, price_on)
        total = sum((row["amount"] for row in line_rows), ZERO)
        if amount is not None:
            amount = _money(amount, field="amount")
            if amount != total:
                raise InvalidInput(
                    _("The amount %(amount)s is not the sum of the lines, %(total)s.") % {"amount": amount, "total": total},
                    field="amount",
                )
        amount = _money(total, field="amount")
    else:
        if amount is None:
            raise InvalidInput(_("Give an amount or product lines."), field="amount")
        line_rows = []
        amount = _money(amount, field="amount")
    return issue_date, due_date, number, amount, line_rows


def _invoice_party(customer, salesperson):
    """The customer must be active and the salesperson work in its district (default: the customer's)."""
    if customer.status != CustomerStatus.ACTIVE:
        raise InvalidInput(
            _("The customer %(name)s is not active; no new invoices can be recorded.") % {"name": customer.name}, field="customer"
        )
    if salesperson is None:
        return customer.salesperson_id
    if not isinstance(salesperson, StaffProfile) or salesperson.unit_id != customer.district_id:
        raise InvalidInput(_("The salesperson must work in the customer's district office."), field="salesperson")
    return salesperson.pk


def _credit_check(customer, exposure):
    over = customer.credit_limit > 0 and exposure > customer.credit_limit
    if over and settings.CREDIT_LIMIT_POLICY == "refuse":
        raise Conflict(
            _("This invoice takes %(name)s over the credit limit of %(limit)s: the open receivable would be %(exposure)s.")
            % {"name": customer.name, "limit": customer.credit_limit, "exposure": exposure},
            field="amount",
            code="credit_limit",
        )
    return over


@transaction.atomic
def invoice_record(*, customer, issue_date, due_date, amount=None, lines=None, salesperson=None, external_id=None, number=""):
    """Record a sale to a customer, by amount or by product lines, and check the customer's credit limit.

    Over the limit, the `CREDIT_LIMIT_POLICY` setting decides: "flag" records the invoice marked
    `over_credit_limit`; "refuse" raises Conflict.
    """
    issue_date, due_date, number, amount, line_rows = _invoice_input(
        issue_date=issue_date, due_date=due_date, amount=amount, lines=lines, number=number
    )
    customer = _lock_customer(customer)
    salesperson_id = _invoice_party(customer, salesperson)
    external_id = _external_id(external_id, model=Invoice)
    exposure = customer.open_balance + amount  # read under the row lock
    over = _credit_check(customer, exposure)
    _open_balances_add({customer.pk: amount})
    invoice = Invoice.objects.create(
        external_id=external_id,
        number=number,
        customer=customer,
        district_id=customer.district_id,
        salesperson_id=salesperson_id,
        issue_date=issue_date,
        due_date=due_date,
        amount=amount,
        over_credit_limit=over,
    )
    InvoiceLine.objects.bulk_create([InvoiceLine(invoice=invoice, **row) for row in line_rows])
    credit_auto_apply(on_by_customer={customer.pk: issue_date})
    return InvoiceResult(invoice=invoice, over_credit_limit=over, exposure=exposure, credit_limit=customer.credit_limit)


class BatchInvalid(InvalidInput):
    """Some records of a batch were refused; `errors` maps each record's index to its DomainError."""

    def __init__(self, errors):
        first = next(iter(errors.values()))
        super().__init__(first.message, field=first.field, code=first.code)
        self.errors = errors


def _price_lookup(records):
    """Price look-ups for a batch from one query over the products its lines name."""
    products = {
        line["product"].pk
        for record in records
        for line in (record.get("lines") or ())
        if isinstance(line, dict) and isinstance(line.get("product"), Product)
    }
    prices = {}
    for row in ProductPrice.objects.filter(product_id__in=products).order_by("product_id", "effective_from"):
        prices.setdefault(row.product_id, []).append((row.effective_from, row.price))

    def price_on(*, product, on):
        found = None
        for effective_from, price in prices.get(product.pk, ()):
            if effective_from > on:
                break
            found = price
        return found

    return price_on


@transaction.atomic
def invoice_record_many(*, records, external_ids_checked=False):
    """Record a batch of invoices (the branch systems' bulk push) with the same rules as invoice_record,
    in a constant number of queries: customers locked and their exposure read once, invoices, lines and
    their history written in bulk. All or nothing: any refused record raises BatchInvalid naming it.

    `records` are dicts of invoice_record's arguments; credit checks run in the order given, each
    invoice adding to its customer's exposure. `external_ids_checked`: the caller has already looked
    the records' external ids up in this transaction (none is taken); the unique constraint still
    guards against a concurrent writer.
    """
    price_on = _price_lookup(records)
    errors, clean = {}, []
    for index, record in enumerate(records):
        try:
            clean.append((index, record, *_invoice_input_fast(record, price_on)))
        except InvalidInput as error:
            errors[index] = error
    customer_ids = sorted({record["customer"].pk for _i, record, *_rest in clean})
    # Locked in id order, the order every posting uses, so concurrent batches cannot deadlock. Plain
    # rows, not instances: only these fields are read.
    customers = {
        row.id: row
        for row in Customer.objects.select_for_update()
        .filter(pk__any=customer_ids)
        .order_by("pk")
        .values_list("id", "name", "status", "district_id", "salesperson_id", "credit_limit", "open_balance", named=True)
    }
    exposure = {pk: customer.open_balance for pk, customer in customers.items()}
    # Only ids that can be valid are looked up (the others are refused below, by _text).
    wanted_ids = [x for _i, r, *_rest in clean if type(x := r.get("external_id")) is str and x and "\x00" not in x]
    taken = set()
    if wanted_ids and not external_ids_checked:
        taken = set(Invoice.objects.filter(external_id__any=wanted_ids).values_list("external_id", flat=True))

    rows, line_rows, checks = [], [], []
    for index, record, issue_date, due_date, number, amount, lines in clean:
        customer = customers[record["customer"].pk]
        try:
            salesperson_id = _invoice_party(customer, record.get("salesperson"))
            external_id = record.get("external_id")
            if not (
                type(external_id) is str
                and len(external_id) <= 64
                and "\x00" not in external_id
                and external_id == external_id.strip()
            ):
                external_id = _text(external_id, field="external_id", max_length=64)
            external_id = external_id or None
            if external_id in taken:
                raise Conflict(EXTERNAL_ID_TAKEN, field="external_id")
            over = _credit_check(customer, exposure[customer.id] + amount)
        except (InvalidInput, Conflict) as error:
            errors[index] = error
            continue
        exposure[customer.id] += amount
        if external_id:
            taken.add(external_id)
        rows.append((external_id, number, customer.id, customer.district_id, salesperson_id, issue_date, due_date, amount, over))
        line_rows.append(lines)
        checks.append((over, exposure[customer.id], customer.credit_limit))
    if errors:
        raise BatchInvalid(dict(sorted(errors.items())))
    ids = insert_audited(Invoice, _BATCH_COLUMNS, rows)
    _open_balances_add({pk: exposure[pk] - customer.open_balance for pk, customer in customers.items() if pk in exposure})
    if any(line_rows):
        InvoiceLine.objects.bulk_create(
            [InvoiceLine(invoice_id=pk, **line) for pk, lines in zip(ids, line_rows, strict=True) for line in lines]
        )
    if settings.CREDIT_AUTO_APPLY:
        on_by_customer = {}
        for row in rows:  # (…, customer_id, …, issue_date, …): the latest new invoice of each customer
            on_by_customer[row[2]] = max(row[5], on_by_customer.get(row[2], row[5]))
        credit_auto_apply(on_by_customer=on_by_customer)
    return [
        BatchInvoiceResult(row=row, id=pk, over_credit_limit=over, exposure=exposure_after, credit_limit=limit)
        for row, pk, (over, exposure_after, limit) in zip(rows, ids, checks, strict=True)
    ]


_BATCH_COLUMNS = (
    "external_id",
    "number",
    "customer_id",
    "district_id",
    "salesperson_id",
    "issue_date",
    "due_date",
    "amount",
    "over_credit_limit",
)


class BatchInvoiceResult:
    """An invoice recorded by invoice_record_many: its id and the credit check's findings; the Invoice
    itself is built only when asked for (most callers need the id)."""

    __slots__ = ("_row", "id", "over_credit_limit", "exposure", "credit_limit", "_invoice")

    def __init__(self, *, row, id, over_credit_limit, exposure, credit_limit):
        self._row, self.id, self._invoice = row, id, None
        self.over_credit_limit, self.exposure, self.credit_limit = over_credit_limit, exposure, credit_limit

    @property
    def invoice(self):
        if self._invoice is None:
            self._invoice = Invoice.objects.get(pk=self.id)
        return self._invoice


def _invoice_input_fast(record, price_on):
    """_invoice_input for a batch record; the common record (dates as dates, a Decimal amount with
    cents, no lines) is checked without the general path's conversions."""
    issue_date, due_date, amount = record.get("issue_date"), record.get("due_date"), record.get("amount")
    number = record.get("number", "")
    if (
        record.get("lines") is None
        and type(issue_date) is datetime.date
        and type(due_date) is datetime.date
        and type(amount) is Decimal
        and type(number) is str
        and amount.is_finite()
        and ZERO < amount < MONEY_LIMIT
        and amount.as_tuple().exponent == -2
        and not due_date_error(issue_date, due_date)
        and len(number) <= 40
        and "\x00" not in number
        and number == number.strip()
    ):
        return issue_date, due_date, number, amount, []
    return _invoice_input(
        issue_date=issue_date,
        due_date=due_date,
        amount=amount,
        lines=record.get("lines"),
        number=number,
        price_on=price_on,
    )


_UNCHANGED = object()


def _lock_invoice_and_customers(invoice, new_customer=None):
    """Lock the invoice's customer (and the customer it moves to), then the invoice: customers before
    invoices, in id order, the order every posting takes its locks in, so two postings cannot deadlock."""
    customer_id = Invoice.objects.filter(pk=invoice.pk).values_list("customer_id", flat=True).get()
    ids = {customer_id} | ({new_customer.pk} if new_customer is not None else set())
    list(Customer.objects.select_for_update().filter(pk__in=sorted(ids)).order_by("pk").values_list("pk", flat=True))
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.customer_id != customer_id:
        raise Conflict(_("The invoice %(invoice)s was changed meanwhile; try again.") % {"invoice": locked}, field="invoice")
    return locked


@transaction.atomic
def invoice_update(
    *, invoice, customer=None, issue_date=None, due_date=None, amount=None, lines=None, salesperson=_UNCHANGED, number=None
):
    """Correct a recorded invoice (a branch system re-sends it with other data). Only what is given
    changes. Once payments are allocated to it, its customer, dates of issue, amount and lines are fixed
    (the allocations were made against them): only the number, due date and salesperson may change.
    Returns True if anything changed."""
    invoice = _lock_invoice_and_customers(invoice, customer)
    if invoice.status == InvoiceStatus.CANCELLED:
        raise Conflict(_("The invoice %(invoice)s is cancelled and cannot change.") % {"invoice": invoice}, field="invoice")
    customer = invoice.customer if customer is None else customer
    issue_date = invoice.issue_date if issue_date is None else issue_date
    due_date = invoice.due_date if due_date is None else due_date
    number = invoice.number if number is None else number
    if lines is None and amount is None:
        amount = invoice.amount
    issue_date, due_date, number, amount, line_rows = _invoice_input(
        issue_date=issue_date, due_date=due_date, amount=amount, lines=lines, number=number
    )
    fixed_changed = (
        customer.pk != invoice.customer_id or issue_date != invoice.issue_date or amount != invoice.amount or lines is not None
    )
    if fixed_changed and invoice.allocations.filter(reversed_on__isnull=True).exists():
        raise Conflict(
            _(
                "Payments are allocated to the invoice %(invoice)s, so its customer, issue date, amount and lines "
                "cannot change; reverse those payments first, or cancel it and record a new invoice."
            )
            % {"invoice": invoice},
            field="amount",
        )
    locked = _lock_customer(customer)
    salesperson_id = (
        (invoice.salesperson_id if customer.pk == invoice.customer_id else locked.salesperson_id)
        if salesperson is _UNCHANGED
        else _invoice_party(locked, salesperson)
    )
    if customer.pk != invoice.customer_id:
        _invoice_party(locked, None)  # the new customer must be active
    over = invoice.over_credit_limit
    if customer.pk != invoice.customer_id or amount != invoice.amount:
        exposure = locked.open_balance + amount - (invoice.amount if customer.pk == invoice.customer_id else ZERO)
        over = _credit_check(locked, exposure)
    changes = {
        "customer_id": locked.pk,
        "district_id": locked.district_id,
        "salesperson_id": salesperson_id,
        "issue_date": issue_date,
        "due_date": due_date,
        "number": number,
        "amount": amount,
        "over_credit_limit": over,
    }
    changed = [name for name, value in changes.items() if getattr(invoice, name) != value]
    if lines is not None:
        current = [(line.product_id, line.quantity, line.unit_price) for line in invoice.lines.all()]
        if current != [(row["product"].pk, row["quantity"], row["unit_price"]) for row in line_rows]:
            invoice.lines.all().delete()
            InvoiceLine.objects.bulk_create([InvoiceLine(invoice=invoice, **row) for row in line_rows])
            changed.append("lines")
    old_customer_id = invoice.customer_id
    for name in changed:
        if name != "lines":
            setattr(invoice, name, changes[name])
    if set(changed) - {"lines"}:
        invoice.save()
    if "amount" in changed or "customer_id" in changed:
        open_balances_refresh({old_customer_id, locked.pk})
    return bool(changed)


@transaction.atomic
def invoice_cancel(*, invoice, reason, on=None):
    """Cancel an invoice with a reason (invoices are never deleted). Refused while payments are
    allocated to it: reverse those payments first."""
    reason = _text(reason, field="reason", max_length=200, required=True, label=_("A reason"))
    on = _date(on, field="on") if on is not None else timezone.localdate()
    invoice = _lock_invoice_and_customers(invoice)
    if invoice.status == InvoiceStatus.CANCELLED:
        raise Conflict(_("The invoice %(invoice)s is already cancelled.") % {"invoice": invoice}, field="invoice")
    if invoice.allocations.filter(reversed_on__isnull=True).exists():
        raise Conflict(
            _("Payments are allocated to the invoice %(invoice)s; reverse them before cancelling it.") % {"invoice": invoice},
            field="invoice",
        )
    if on < invoice.issue_date:
        raise InvalidInput(_("An invoice cannot be cancelled before it was issued."), field="on")
    last_reversal = invoice.allocations.order_by("-reversed_on").values_list("reversed_on", flat=True).first()
    if last_reversal is not None and on < last_reversal:
        # Otherwise, between the two dates, a payment would count against an invoice that no longer does.
        raise InvalidInput(
            _("The invoice had a payment allocated until %(date)s; it cannot be cancelled before that date.")
            % {"date": last_reversal.isoformat()},
            field="on",
        )
    invoice.status = InvoiceStatus.CANCELLED
    invoice.cancelled_on = on
    invoice.cancel_reason = reason
    invoice.save(update_fields=["status", "cancelled_on", "cancel_reason"])
    open_balances_refresh([invoice.customer_id])
    return invoice


# ------------------------------------------------------------------------------------------ payments


def _allocated_from(on):
    """Allocations that still count on or after `on`: they bound what more can be allocated from `on`."""
    return Q(reversed_on__isnull=True) | Q(reversed_on__gt=on)


def _invoice_balances(invoice_ids, on):
    """{invoice id: amount still open to allocation from `on`}, in one query.

    An allocation reversed after `on` still counts on the days between, so allocating against it
    from `on` would over-allocate the invoice on those days; it is therefore still subtracted.
    """
    allocated = (
        Allocation.objects.filter(_allocated_from(on), invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    rows = Invoice.objects.filter(pk__in=invoice_ids).annotate(
        allocated=Coalesce(Subquery(allocated, output_field=MONEY_OUTPUT), Value(ZERO), output_field=MONEY_OUTPUT)
    )
    return {row.pk: row.amount - row.allocated for row in rows}


def _refresh_invoice_status(invoice_ids):
    """Mark invoices paid when nothing is open any more, open again when something is."""
    if not invoice_ids:
        return
    live = (
        Allocation.objects.filter(invoice=OuterRef("pk"), reversed_on__isnull=True)
        .order_by()
        .values("invoice")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    rows = (
        Invoice.objects.filter(pk__any=sorted(invoice_ids))
        .exclude(status=InvoiceStatus.CANCELLED)
        .annotate(allocated=Coalesce(Subquery(live, output_field=MONEY_OUTPUT), Value(ZERO), output_field=MONEY_OUTPUT))
        .values_list("pk", "status", "amount", "allocated")
    )
    changes = {}
    for pk, current, amount, allocated in rows:
        status = InvoiceStatus.PAID if allocated >= amount else InvoiceStatus.OPEN
        if current != status:
            changes.setdefault(status, []).append(pk)
    # One UPDATE per new status and one INSERT … SELECT of their "changed" history rows, however many
    # invoices a posting pays off (a credit application over a whole batch may pay thousands).
    for status, ids in changes.items():
        Invoice.objects.filter(pk__any=ids).update(status=status)
    write_created_history(Invoice, sorted(pk for ids in changes.values() for pk in ids), history_type="~")


def _lock_open_invoices(customer, on):
    """Lock the customer's live invoices issued by `on`, oldest due first; return them in that order."""
    return list(
        Invoice.objects.select_for_update()
        .filter(customer=customer, issue_date__lte=on)
        .exclude(status=InvoiceStatus.CANCELLED)
        .order_by("due_date", "issue_date", "id")
    )


def _allocate_oldest_first(*, payment, available, invoices, on):
    """Allocations of `available` from `payment` to `invoices` (already locked, in order), from `on`."""
    balances = _invoice_balances([invoice.pk for invoice in invoices], on)
    allocations = []
    for invoice in invoices:
        if available <= 0:
            break
        share = min(available, balances[invoice.pk])
        if share > 0:
            allocations.append(Allocation(payment=payment, invoice=invoice, amount=share, allocated_on=on))
            available -= share
    return allocations


def _explicit_allocations(*, customer, payment_amount, received_on, allocations, total_label=None):
    """Check allocations the branch asked for; return [(invoice, amount)] with invoices locked.
    `payment_amount` bounds their total (the payment, or the credit being applied: `total_label`)."""
    if isinstance(allocations, (str, bytes, dict)) or not hasattr(allocations, "__iter__"):
        raise InvalidInput(_("Allocations must be a list."), field="allocations")
    requested = []
    for n, item in enumerate(allocations, start=1):
        if not isinstance(item, dict) or set(item) - {"invoice", "amount"} or "invoice" not in item:
            raise InvalidInput(
                _("Allocation %(n)d must be an object with an invoice and an amount.") % {"n": n}, field="allocations"
            )
        invoice = item["invoice"]
        invoice_id = invoice.pk if isinstance(invoice, Invoice) else invoice
        if not isinstance(invoice_id, int) or isinstance(invoice_id, bool):
            raise InvalidInput(_("Allocation %(n)d: unknown invoice.") % {"n": n}, field="allocations")
        amount = _money(item.get("amount"), field="allocations", label=_("Allocation %(n)d: the amount") % {"n": n})
        requested.append((invoice_id, amount))
    locked = {
        invoice.pk: invoice
        for invoice in Invoice.objects.select_for_update().filter(pk__in=sorted({i for i, _a in requested})).order_by("id")
    }
    balances = _invoice_balances(list(locked), received_on)
    total = ZERO
    result = []
    for invoice_id, amount in requested:
        invoice = locked.get(invoice_id)
        if invoice is None or invoice.customer_id != customer.pk:
            raise InvalidInput(
                _("The invoice %(invoice)s is not an invoice of %(customer)s.")
                % {"invoice": invoice or invoice_id, "customer": customer.name},
                field="allocations",
            )
        if invoice.status == InvoiceStatus.CANCELLED:
            raise InvalidInput(_("The invoice %(invoice)s is cancelled.") % {"invoice": invoice}, field="allocations")
        if invoice.issue_date > received_on:
            raise InvalidInput(
                _("The invoice %(invoice)s was issued on %(date)s, after the payment was received.")
                % {"invoice": invoice, "date": invoice.issue_date.isoformat()},
                field="allocations",
            )
        if amount > balances[invoice_id]:
            raise InvalidInput(
                _("%(amount)s is more than the open balance of the invoice %(invoice)s, %(balance)s.")
                % {"amount": amount, "invoice": invoice, "balance": balances[invoice_id]},
                field="allocations",
            )
        balances[invoice_id] -= amount  # the same invoice may appear twice
        total += amount
        result.append((invoice, amount))
    if total > payment_amount:
        if total_label is not None:
            raise InvalidInput(
                _("The allocations add up to %(total)s, more than %(what)s of %(amount)s.")
                % {"total": total, "what": total_label, "amount": payment_amount},
                field="allocations",
            )
        raise InvalidInput(
            _("The allocations add up to %(total)s, more than the payment of %(amount)s.")
            % {"total": total, "amount": payment_amount},
            field="allocations",
        )
    return result


@transaction.atomic
def payment_record(
    *, customer, received_on, amount, allocations=None, method=PaymentMethod.BANK_TRANSFER, reference="", external_id=None
):
    """Record money received from a customer and allocate it to invoices: as the branch says, or, when
    it does not, oldest due first. What is not allocated stays as the customer's credit."""
    received_on = _date(received_on, field="received_on")
    amount = _money(amount, field="amount")
    method = _choice(method, PaymentMethod, field="method")
    reference = _text(reference, field="reference", max_length=100)
    customer = _lock_customer(customer)
    external_id = _external_id(external_id, model=Payment)
    if allocations is not None:
        explicit = _explicit_allocations(
            customer=customer, payment_amount=amount, received_on=received_on, allocations=allocations
        )
    payment = Payment.objects.create(
        external_id=external_id,
        customer=customer,
        district_id=customer.district_id,
        salesperson_id=customer.salesperson_id,
        received_on=received_on,
        amount=amount,
        method=method,
        reference=reference,
    )
    if allocations is None:
        rows = _allocate_oldest_first(
            payment=payment, available=amount, invoices=_lock_open_invoices(customer, received_on), on=received_on
        )
    else:
        rows = [
            Allocation(payment=payment, invoice=invoice, amount=share, allocated_on=received_on) for invoice, share in explicit
        ]
    Allocation.objects.bulk_create(rows)
    _refresh_invoice_status({row.invoice_id for row in rows})
    open_balances_refresh([customer.pk])
    return payment


@transaction.atomic
def payment_update(*, payment, customer=None, received_on=None, amount=None, method=None, reference=None):
    """Correct a recorded payment. Once it is allocated to invoices, its customer, date and amount are
    fixed (reverse it and record a new one); the method and reference may always change.
    Returns True if anything changed."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status == PaymentStatus.REVERSED:
        raise Conflict(_("The payment %(payment)s is reversed and cannot change.") % {"payment": payment}, field="payment")
    customer = payment.customer if customer is None else customer
    received_on = payment.received_on if received_on is None else _date(received_on, field="received_on")
    amount = payment.amount if amount is None else _money(amount, field="amount")
    method = payment.method if method is None else _choice(method, PaymentMethod, field="method")
    reference = payment.reference if reference is None else _text(reference, field="reference", max_length=100)
    fixed_changed = customer.pk != payment.customer_id or received_on != payment.received_on or amount != payment.amount
    if fixed_changed and payment.allocations.filter(reversed_on__isnull=True).exists():
        raise Conflict(
            _(
                "The payment %(payment)s is allocated to invoices, so its customer, date and amount cannot change; "
                "reverse it and record a new payment."
            )
            % {"payment": payment},
            field="amount",
        )
    locked = _lock_customer(customer)
    changes = {
        "customer_id": locked.pk,
        "district_id": locked.district_id,
        "salesperson_id": locked.salesperson_id if customer.pk != payment.customer_id else payment.salesperson_id,
        "received_on": received_on,
        "amount": amount,
        "method": method,
        "reference": reference,
    }
    changed = [name for name, value in changes.items() if getattr(payment, name) != value]
    for name in changed:
        setattr(payment, name, changes[name])
    if changed:
        payment.save()
    return bool(changed)


@transaction.atomic
def payment_reverse(*, payment, reason, on=None):
    """Reverse a payment (bounced, booked to the wrong customer…): its allocations stop counting from
    `on` and the invoices they paid are open again."""
    reason = _text(reason, field="reason", max_length=200, required=True, label=_("A reason"))
    on = _date(on, field="on") if on is not None else timezone.localdate()
    _lock_customer(payment.customer)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status == PaymentStatus.REVERSED:
        raise Conflict(_("This payment is already reversed."), field="payment")
    if on < payment.received_on:
        raise InvalidInput(_("A payment cannot be reversed before it was received."), field="on")
    live = payment.allocations.filter(reversed_on__isnull=True)
    invoice_ids = set(live.values_list("invoice_id", flat=True))
    list(Invoice.objects.select_for_update().filter(pk__in=sorted(invoice_ids)).order_by("id").values_list("id", flat=True))
    live.update(reversed_on=on, reverse_reason=reason)
    payment.status = PaymentStatus.REVERSED
    payment.reversed_on = on
    payment.reverse_reason = reason
    payment.save(update_fields=["status", "reversed_on", "reverse_reason"])
    _refresh_invoice_status(invoice_ids)
    open_balances_refresh([payment.customer_id])
    return payment


def _allocation_key(allocations):
    """{invoice id: amount} of a list of allocations (dicts or (invoice, amount) pairs): the same
    invoice twice counts once with the sum, so the comparison ignores order and splitting."""
    result = {}
    for item in allocations:
        invoice, amount = (item["invoice"], item["amount"]) if isinstance(item, dict) else item
        invoice_id = invoice.pk if isinstance(invoice, Invoice) else invoice
        result[invoice_id] = result.get(invoice_id, ZERO) + Decimal(amount)
    return result


def payment_allocations_differ(*, payment, allocations):
    """True if `allocations` ([{"invoice": Invoice or id, "amount": …}]) differ from what the payment
    itself pays now (its live allocations made with it, not credit applied later) as a set of
    invoice → amount. None (left out) never differs: it lets the system choose, and it did."""
    if allocations is None:
        return False
    if not isinstance(allocations, (list, tuple)):
        return True  # malformed: payment_reallocate words the error
    own = payment.allocations.filter(origin=AllocationOrigin.PAYMENT)
    # A reversed payment is compared with what it paid until its reversal (a retry of the same record).
    own = (
        own.filter(reversed_on=payment.reversed_on)
        if payment.status == PaymentStatus.REVERSED
        else own.filter(reversed_on__isnull=True)
    )
    current = _allocation_key(own.values_list("invoice_id", "amount"))
    try:
        return _allocation_key(allocations) != current
    except (KeyError, TypeError, ValueError, InvalidOperation):
        return True


@transaction.atomic
def payment_reallocate(*, payment, allocations, reason, on=None):
    """Allocate a payment anew (a branch re-sends it with other allocations): its live allocations end
    on `on` with the reason, and `allocations` ([{"invoice", "amount"}], checked as payment_record
    checks them; [] keeps it all as credit) start on `on`. Nothing is deleted, so the receivable as of
    any earlier date stays what it was. `on` defaults to today (or the receipt date, if later).
    Credit applied later from this payment ends too: the new list says what the payment pays.
    Returns False, writing nothing, when the allocations are already these."""
    reason = _text(reason, field="reason", max_length=200, required=True, label=_("A reason"))
    customer = _lock_customer(payment.customer)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.customer_id != customer.pk:
        raise Conflict(_("The payment %(payment)s was changed meanwhile; try again.") % {"payment": payment}, field="payment")
    if not payment_allocations_differ(payment=payment, allocations=allocations):
        return False
    if payment.status == PaymentStatus.REVERSED:
        raise Conflict(
            _("The payment %(payment)s is reversed; its allocations cannot change.") % {"payment": payment},
            field="allocations",
        )
    live = payment.allocations.filter(reversed_on__isnull=True)
    old = list(live.values_list("invoice_id", "allocated_on"))
    earliest = max([payment.received_on, *(allocated_on for _i, allocated_on in old)])
    if on is None:
        on = max(timezone.localdate(), earliest)
    else:
        on = _date(on, field="on")
        if on < earliest:
            raise InvalidInput(
                _("The payment's allocations cannot change before %(date)s.") % {"date": earliest.isoformat()}, field="on"
            )
    # Invoices in id order (old and new together), after the customer and the payment: the lock order.
    requested = {
        item["invoice"].pk if isinstance(item.get("invoice"), Invoice) else item.get("invoice")
        for item in allocations
        if isinstance(item, dict)
    }
    ids = sorted({invoice_id for invoice_id, _d in old} | {i for i in requested if isinstance(i, int)})
    list(Invoice.objects.select_for_update().filter(pk__in=ids).order_by("id").values_list("id", flat=True))
    live.update(reversed_on=on, reverse_reason=reason)
    explicit = _explicit_allocations(customer=customer, payment_amount=payment.amount, received_on=on, allocations=allocations)
    rows = [Allocation(payment=payment, invoice=invoice, amount=share, allocated_on=on) for invoice, share in explicit]
    Allocation.objects.bulk_create(rows)
    _refresh_invoice_status({invoice_id for invoice_id, _d in old} | {row.invoice_id for row in rows})
    open_balances_refresh([customer.pk])
    return True


def _payment_credits(payments, on):
    """{payment id: the part of it not allocated from `on` on}: allocations reversed after `on` still
    count on the days between, so their amount is not free from `on` (as in _invoice_balances)."""
    used = (
        Allocation.objects.filter(_allocated_from(on), payment=OuterRef("pk"))
        .order_by()
        .values("payment")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return {
        row.pk: row.amount - row.used
        for row in Payment.objects.filter(pk__in=[p.pk for p in payments]).annotate(
            used=Coalesce(Subquery(used, output_field=MONEY_OUTPUT), Value(ZERO), output_field=MONEY_OUTPUT)
        )
    }


def _credit_sources(customer_ids, on):
    """{customer id: [[payment, credit left]]}, oldest payment first: the posted payments received by
    `on` with something not allocated from `on`, locked (after the customers, which the caller holds)."""
    payments = list(
        Payment.objects.select_for_update()
        .filter(customer_id__any=sorted(customer_ids), status=PaymentStatus.POSTED, received_on__lte=on)
        .order_by("customer_id", "received_on", "id")
    )
    credits = _payment_credits(payments, on)
    sources = {}
    for payment in payments:
        if credits[payment.pk] > 0:
            sources.setdefault(payment.customer_id, []).append([payment, credits[payment.pk]])
    return sources


def _credit_post(*, sources, wanted, on):
    """Allocate `wanted` ([(invoice, amount)], in order) from the customers' credit `sources` (used up
    in order), allocated on `on`; refresh the invoices' status and the customers' open balances."""
    rows = []
    for invoice, amount in wanted:
        queue = sources.get(invoice.customer_id) or []
        while amount > 0 and queue:
            payment, left = queue[0]
            share = min(left, amount)
            rows.append(
                Allocation(payment=payment, invoice=invoice, amount=share, allocated_on=on, origin=AllocationOrigin.CREDIT)
            )
            amount -= share
            queue[0][1] -= share
            if queue[0][1] <= 0:
                queue.pop(0)
    Allocation.objects.bulk_create(rows)
    _refresh_invoice_status({row.invoice_id for row in rows})
    open_balances_refresh(sorted({row.payment.customer_id for row in rows}))
    return rows


def _credit_apply_oldest_first(*, customer_ids, on):
    """Apply the credit of customers (already locked) to their open invoices issued by `on`, oldest due
    first, in a constant number of queries (plus one write per invoice it pays off)."""
    sources = _credit_sources(customer_ids, on)
    if not sources:
        return []
    # Only "open" invoices can take anything: "paid" ones are fully allocated (from `on` too).
    invoices = list(
        Invoice.objects.select_for_update()
        .filter(customer_id__any=sorted(sources), status=InvoiceStatus.OPEN, issue_date__lte=on)
        .order_by("customer_id", "due_date", "issue_date", "id")
    )
    balances = _invoice_balances([invoice.pk for invoice in invoices], on)
    return _credit_post(sources=sources, wanted=[(invoice, balances[invoice.pk]) for invoice in invoices], on=on)


@transaction.atomic
def customer_credit_apply(*, customer, on=None, allocations=None):
    """Apply the customer's credit (the unallocated part of posted payments received by `on`, default
    today) to open invoices issued by `on`, allocated on `on`: to the invoices and amounts given in
    `allocations` ([{"invoice": Invoice or id, "amount": …}], checked like a payment's allocations), or,
    when None, oldest due first. The credit is taken from the oldest payments first. Returns the new
    allocations (origin "credit"); an empty list when there is nothing to apply."""
    on = timezone.localdate() if on is None else _date(on, field="on")
    customer = _lock_customer(customer)
    if allocations is None:
        return _credit_apply_oldest_first(customer_ids=[customer.pk], on=on)
    sources = _credit_sources([customer.pk], on)
    available = sum((left for _payment, left in sources.get(customer.pk, ())), ZERO)
    if allocations and not available:
        raise InvalidInput(_("%(name)s has no credit to apply.") % {"name": customer.name}, field="allocations")
    wanted = _explicit_allocations(
        customer=customer, payment_amount=available, received_on=on, allocations=allocations, total_label=_("the credit")
    )
    return _credit_post(sources=sources, wanted=wanted, on=on)


def credit_auto_apply(*, on_by_customer):
    """The CREDIT_AUTO_APPLY policy, after new invoices of these customers ({customer id: latest issue
    date}): their credit is applied oldest due first, on today (or the latest issue date, if later).
    A handful of queries for the whole batch (one finds the customers with credit; those without cost
    nothing more). Called inside the posting's transaction, with the customers already locked."""
    if not settings.CREDIT_AUTO_APPLY or not on_by_customer:
        return []
    used = (
        Allocation.objects.filter(payment=OuterRef("pk"), reversed_on__isnull=True)
        .order_by()
        .values("payment")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    with_credit = set(
        Payment.objects.filter(customer_id__any=sorted(on_by_customer), status=PaymentStatus.POSTED)
        .annotate(used=Coalesce(Subquery(used, output_field=MONEY_OUTPUT), Value(ZERO), output_field=MONEY_OUTPUT))
        .filter(amount__gt=F("used"))
        .order_by()
        .values_list("customer_id", flat=True)
        .distinct()
    )
    if not with_credit:
        return []
    # One date for the batch: an allocation may always start later than its invoice and payment.
    on = max([timezone.localdate(), *(on_by_customer[pk] for pk in with_credit)])
    return _credit_apply_oldest_first(customer_ids=with_credit, on=on)


# -------------------------------------------------------------------------------- collection plans


def _plan_lines(lines):
    if isinstance(lines, (str, bytes, dict)) or not hasattr(lines, "__iter__"):
        raise InvalidInput(_("Planned collections must be a list."), field="lines")
    result = []
    for n, line in enumerate(lines, start=1):
        if isinstance(line, dict):
            due_on, amount = line.get("due_on"), line.get("amount")
        elif isinstance(line, (tuple, list)) and len(line) == 2:
            due_on, amount = line
        else:
            raise InvalidInput(_("Planned collection %(n)d needs a date and an amount.") % {"n": n}, field="lines")
        due_on = _date(due_on, field="lines")
        amount = _money(amount, field="lines", label=_("Planned collection %(n)d: the amount") % {"n": n})
        result.append(CollectionPlanLine(due_on=due_on, amount=amount))
    if not result:
        raise InvalidInput(_("A collection plan needs at least one planned collection."), field="lines")
    return result


@transaction.atomic
def collection_plan_create(*, customer, owner, lines, invoice=None, note=""):
    """Plan the collection of a customer's (or one invoice's) receivable: amounts by dates, an owner."""
    note = _text(note, field="note", max_length=5000)
    line_rows = _plan_lines(lines)
    if invoice is not None and (not isinstance(invoice, Invoice) or invoice.customer_id != customer.pk):
        raise InvalidInput(_("The invoice is not an invoice of this customer."), field="invoice")
    if invoice is not None and invoice.status == InvoiceStatus.CANCELLED:
        raise InvalidInput(_("The invoice %(invoice)s is cancelled.") % {"invoice": invoice}, field="invoice")
    if not isinstance(owner, StaffProfile) or not owner.is_active:
        raise InvalidInput(_("The owner must be a member of staff in service."), field="owner")
    district = customer.district
    if not (owner.pk == customer.salesperson_id or district.path.startswith(owner.unit.path)):
        raise InvalidInput(
            _("%(name)s is neither the customer's salesperson nor a manager over its district office.") % {"name": owner.name},
            field="owner",
        )
    plan = CollectionPlan.objects.create(customer=customer, invoice=invoice, district=district, owner=owner, note=note)
    for row in line_rows:
        row.plan = plan
    CollectionPlanLine.objects.bulk_create(line_rows)
    return plan


@transaction.atomic
def collection_plan_follow_up(*, plan, by, note):
    """Note what was done to collect (called, visited, promised to pay…)."""
    note = _text(note, field="note", max_length=5000, required=True, label=_("A note"))
    if by is not None and not isinstance(by, StaffProfile):
        raise InvalidInput(_("Unknown member of staff."), field="by")
    return FollowUp.objects.create(plan=plan, by=by, note=note)
