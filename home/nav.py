"""The home entry of the main navigation (core/nav.py): the bar's first entry, "Dashboard" for those whose
home page is the dashboard (managers, the center), "Home" for the others."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import nav
from dashboard.nav import is_home

# A drilled-down dashboard (/dashboard/?unit=…) belongs to the home entry.
nav.belongs_to("dashboard:dashboard", "home")


@nav.entries(nav.HOME)
def items(user, role):
    return [(_("Dashboard") if is_home(role) else _("Home"), reverse("home"))]
