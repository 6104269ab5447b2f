"""Navigation by role, for the base layout."""

from importlib import import_module

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.roles import can, role_of

NAV_MODULES = ["plans.nav", "approvals.nav", "workflow.nav", "budgets.nav", "notifications.nav"]


def navigation(request):
    user = getattr(request, "user", None)
    role = role_of(user) if user is not None else None
    if role is None:
        return {"nav_items": [], "current_role": None}
    items = [
        (_("Home"), reverse("home")),
        (_("Organisation"), reverse("regions:orgunit_list")),
        (_("Staff"), reverse("regions:staff_list")),
        # Every role reads customers and receivables inside its scope (a salesperson: their own).
        (_("Customers"), reverse("customers:customer_list")),
        (_("Receivables & ageing"), reverse("customers:ageing")),
    ]
    # Each app adds its own entries (its `nav.py`), so an app's pages and its menu change together.
    for module in NAV_MODULES:
        items.extend(import_module(module).items(user, role))
    if any(can(user, right) for right in ("customer.change", "invoice.change", "payment.change")):
        items.append((_("Import"), reverse("customers:import")))
    if can(user, "apikey.view"):
        items.append((_("API keys"), reverse("regions:apikey_list")))
    items.append((_("API docs"), reverse("api-docs")))
    if user.is_staff:
        items.append((_("Admin"), reverse("admin:index")))
    return {"nav_items": items, "current_role": role}
