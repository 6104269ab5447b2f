"""Whose home page is the dashboard (read by home/: its page at "/" and its entry in the bar).

For managers and the center the dashboard is the home page, so it is the bar's first entry ("驾驶舱", at
"/") rather than an entry of its own: the dashboard registers no entry in core/nav.py. A salesperson may
open /dashboard/ too — it shows their own figures — but their home is their own page."""

from core.roles import ROLE_TABLE, Role

# Managers at every level and the Development Center (who sees all regions) land on the dashboard.
READERS = frozenset({Role.DIRECTOR, Role.CENTER_STAFF, Role.REGIONAL_MANAGER, Role.PROVINCIAL_MANAGER, Role.DISTRICT_MANAGER})


def is_home(role):
    """Whether this role's home page is the dashboard (home.views.HomeView renders it at "/")."""
    return role in READERS and ROLE_TABLE[role].home in ("manager", "center")
