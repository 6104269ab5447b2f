"""Scoping-contract entries of this app (joined into tests.scoping_registry.REGISTRY).

None: the attainment page and the attainment/ranking/turnover API read a unit given as a query parameter, not
an object by pk in a list or detail, so they do not fit the `Scoped` shape. Their scope is tested
persona by persona in tests/performance/test_api_and_pages.py (inside → 200, outside → 404)."""

ENTRIES = []
