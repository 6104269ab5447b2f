"""The company's product catalogue and its list prices (kept by the Development Center)."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Conflict, InvalidInput
from core.rights import ensure
from customers.models import Product, ProductPrice
from customers.services.inputs import clean_date, clean_money, clean_text

PRODUCT_TEXT_FIELDS = {"name": 100, "name_en": 100, "category": 50}


def _product_code(value, *, exclude_pk=None):
    code = clean_text(value, field="code", max_length=30, required=True, label=_("The code"))
    if Product.objects.filter(code=code).exclude(pk=exclude_pk).exists():
        raise Conflict(_("The product code %(code)s is already used.") % {"code": code}, field="code")
    return code


@transaction.atomic
def product_create(*, by, code, name, name_en="", category="", is_active=True, price=None, effective_from=None):
    """Add a financial product to the company's catalogue (the Development Center's), with its first
    list price if given."""
    ensure(by, "product.create")
    product = Product(
        code=_product_code(code),
        name=clean_text(name, field="name", max_length=100, required=True, label=_("The name")),
        name_en=clean_text(name_en, field="name_en", max_length=100),
        category=clean_text(category, field="category", max_length=50),
        is_active=bool(is_active),
    )
    if (price is None) != (effective_from is None):
        field = "effective_from" if effective_from is None else "price"
        raise InvalidInput(_("Give a price with the date it takes effect."), field=field)
    product.save()
    if price is not None:
        product_price_add(by=by, product=product, price=price, effective_from=effective_from)
    return product


@transaction.atomic
def product_update(*, by, product, **fields):
    """Change a product's code, names, category or whether it is sold. Returns True if anything changed."""
    ensure(by, "product.update", product)
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
            changes[key] = clean_text(fields[key], field=key, max_length=max_length, required=key == "name", label=_("The name"))
    if "is_active" in fields:
        changes["is_active"] = bool(fields["is_active"])
    changed = [key for key, value in changes.items() if getattr(product, key) != value]
    for key in changed:
        setattr(product, key, changes[key])
    if changed:
        product.save()
    return bool(changed)


@transaction.atomic
def product_price_add(*, by, product, price, effective_from):
    """Add a list price of a product from a date on. The price list only grows: invoices keep the unit
    price they were recorded with, and a later price is a new row from its own date."""
    ensure(by, "product.add_price", product)
    price = clean_money(price, field="price", label=_("The price"), allow_zero=True)
    effective_from = clean_date(effective_from, field="effective_from")
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
