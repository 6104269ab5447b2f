"""Scoping-contract entries of the customers app added after the first registry (joined into
tests.scoping_registry.REGISTRY); the original ledger entries stay in tests/scoping_registry.py."""

from core.rights import SYSTEM
from tests.scoping_registry import Scoped, _customer

_counter = iter(range(1, 10**6))


def _product(district, owner):
    from customers.services import product_create

    n = next(_counter)
    return product_create(by=SYSTEM, code=f"REG-P{n}", name=f"登记产品{n}", price="10.00", effective_from="2025-01-01")


ENTRIES = [
    # Customers' balances and credit, one row per customer (the id is the customer's).
    Scoped(
        name="credit balance",
        make=_customer,
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
