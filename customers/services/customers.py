"""Customers' archives: opening one with its contacts, and changing it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Conflict, InvalidInput
from core.money import ZERO
from core.rights import ensure
from customers.choices import CustomerKind, CustomerStatus
from customers.models import Contact, Customer
from customers.services.inputs import CREDIT_CODE_TAKEN, clean_choice, clean_external_id, clean_money, clean_text
from customers.services.ledger import lock_customer
from customers.validators import pinyin_initials, validate_credit_code
from regions.choices import UnitKind
from regions.models import OrgUnit, StaffProfile


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
        email = clean_text(item.get("email"), field="contacts", max_length=254)
        if email and "@" not in email:
            raise InvalidInput(_("%(email)s is not an e-mail address.") % {"email": email}, field="contacts")
        result.append(
            {
                "name": clean_text(
                    item.get("name"), field="contacts", max_length=50, required=True, label=_("The contact's name")
                ),
                "title": clean_text(item.get("title"), field="contacts", max_length=50),
                "phone": clean_text(item.get("phone"), field="contacts", max_length=20),
                "email": email,
                "is_primary": bool(item.get("is_primary", False)),
            }
        )
    return result


CUSTOMER_TEXT_FIELDS = {"industry": 50, "province": 30, "city": 30, "address": 200}


@transaction.atomic
def customer_create(
    *,
    by,
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
    """Open a customer's archive in a district office, with its contacts (`customer.create`)."""
    name = clean_text(name, field="name", max_length=200, required=True, label=_("The customer's name"))
    district = _district(district)
    customer = Customer(
        name=name,
        name_initials=pinyin_initials(name)[:200],
        district=district,
        salesperson=_salesperson(salesperson, district),
        kind=clean_choice(kind, CustomerKind, field="kind"),
        credit_code=_credit_code(credit_code),
        external_id=clean_external_id(external_id, model=Customer),
        is_key=bool(is_key),
        credit_limit=clean_money(credit_limit, field="credit_limit", label=_("The credit limit"), allow_zero=True),
        status=clean_choice(status, CustomerStatus, field="status"),
        **{
            key: clean_text(value, field=key, max_length=CUSTOMER_TEXT_FIELDS[key])
            for key, value in {"industry": industry, "province": province, "city": city, "address": address}.items()
        },
    )
    contact_rows = _contacts(contacts)
    ensure(by, "customer.create", customer)
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
def customer_update(*, by, customer, **fields):
    """Change a customer's archive. Only the fields given change; the history keeps the old values.
    `contacts`, if given, replaces the list of contacts. Nothing is saved if nothing changed.
    `customer.update` is asked of the customer as it is and, when it moves, as it will be."""
    ensure(by, "customer.update", customer)
    unknown = set(fields) - CUSTOMER_UPDATABLE
    if unknown:
        field = sorted(unknown)[0]
        raise InvalidInput(_("The field %(field)s cannot be changed.") % {"field": field}, field=field)
    customer = lock_customer(customer)
    changes = {}
    if "name" in fields:
        changes["name"] = clean_text(fields["name"], field="name", max_length=200, required=True, label=_("The customer's name"))
    district = customer.district
    if "district" in fields and fields["district"] != customer.district:
        district = changes["district"] = _district(fields["district"])
    if "salesperson" in fields:
        changes["salesperson"] = _salesperson(fields["salesperson"], district)
    elif "district" in changes and customer.salesperson is not None:
        # A move to another district office keeps the salesperson only if they work there too.
        _salesperson(customer.salesperson, district)
    if "kind" in fields:
        changes["kind"] = clean_choice(fields["kind"], CustomerKind, field="kind")
    if "status" in fields:
        changes["status"] = clean_choice(fields["status"], CustomerStatus, field="status")
    if "credit_code" in fields:
        changes["credit_code"] = _credit_code(fields["credit_code"], exclude_pk=customer.pk)
    if "external_id" in fields:
        changes["external_id"] = clean_external_id(fields["external_id"], model=Customer, exclude_pk=customer.pk)
    if "is_key" in fields:
        changes["is_key"] = bool(fields["is_key"])
    if "credit_limit" in fields:
        changes["credit_limit"] = clean_money(
            fields["credit_limit"], field="credit_limit", label=_("The credit limit"), allow_zero=True
        )
    for key, max_length in CUSTOMER_TEXT_FIELDS.items():
        if key in fields:
            changes[key] = clean_text(fields[key], field=key, max_length=max_length)
    contact_rows = _contacts(fields["contacts"]) if "contacts" in fields else None

    changed = [key for key, value in changes.items() if getattr(customer, key) != value]
    for key in changed:
        setattr(customer, key, changes[key])
    if {"district", "salesperson"} & set(changed):
        ensure(by, "customer.update", customer)  # where it moves to must be the person's too
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
