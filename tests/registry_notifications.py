"""Scoping-contract entries of this app (joined into tests.scoping_registry.REGISTRY).

None: a message belongs to its recipient, not to an org unit, so no one reads another person's inbox
whatever their scope (the director included). tests/notifications/ checks that ownership (404 for
another person's message on the pages and the API).
"""

ENTRIES = []
