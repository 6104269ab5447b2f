"""Scoping-contract entries of this app (joined into tests.scoping_registry.REGISTRY)."""

ENTRIES = []
