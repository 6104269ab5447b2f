"""Scoping-contract entries of the customers app added after the first registry (joined into
tests.scoping_registry.REGISTRY); the original ledger entries stay in tests/scoping_registry.py."""

from tests.scoping_registry import Scoped, _customer

ENTRIES = [
    # Customers' balances and credit, one row per customer (the id is the customer's).
    Scoped(
        name="credit balance",
        make=_customer,
        api_list="creditbalance-list",
        api_detail="creditbalance-detail",
        find=lambda obj: {"external_id": obj.external_id},
    ),
]
