"""Scoping-contract entries of this app (joined into tests.scoping_registry.REGISTRY).

None: the dashboard page (/dashboard/) and its API (/api/v1/dashboard/) read a unit or a salesperson
given as a query parameter (?unit=, ?staff=), not an object by pk in a list or detail, so they do not
fit the `Scoped` shape. Their scope is tested persona by persona in tests/dashboard/test_pages_and_api.py
(inside → 200, outside → 404, page and API, for units and for sales staff)."""

ENTRIES = []
