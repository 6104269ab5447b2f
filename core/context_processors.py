"""Navigation by role, for the base layout.

Menus are grouped so a manager's bar stays short on a laptop and a phone: each group is one entry with a
dropdown when it holds more than one page. Apps add their own pages through `<app>/nav.py`
(`items(user, role)`), so an app's pages and its menu change together.
"""

from importlib import import_module

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.roles import can, role_of
from dashboard import nav as dashboard_nav

# (group label, the apps' nav modules whose items the group holds)
APP_GROUPS = [
    (_("Performance"), ["performance.nav", "reports.nav", "appraisal.nav"]),
    (_("Plans"), ["plans.nav", "budgets.nav"]),
    (_("Approvals"), ["approvals.nav"]),
    (None, ["workflow.nav"]),  # a single entry of its own (tasks)
    (None, ["notifications.nav"]),  # the inbox
]
NAV_MODULES = [module for _label, modules in APP_GROUPS for module in modules]


def _group(label, entries):
    """One menu entry: a link, or a dropdown when it holds several pages."""
    entries = [entry for entry in entries if entry]
    if not entries:
        return []
    if len(entries) == 1 or label is None:
        return [{"label": entry_label, "url": url, "children": []} for entry_label, url in entries]
    return [{"label": label, "url": entries[0][1], "children": entries}]


def navigation(request):
    user = getattr(request, "user", None)
    role = role_of(user) if user is not None else None
    if role is None:
        return {"nav_items": [], "nav_menu": [], "current_role": None}
    organisation = [(_("Organisation"), reverse("regions:orgunit_list")), (_("Staff"), reverse("regions:staff_list"))]
    if can(user, "apikey.view"):
        organisation.append((_("API keys"), reverse("regions:apikey_list")))
    if can(user, "login.unlock"):
        organisation.append((_("Login lockouts"), reverse("core:lockouts")))
    # Every role reads customers and receivables inside its scope (a salesperson: their own).
    sales = [(_("Customers"), reverse("customers:customer_list")), (_("Receivables & ageing"), reverse("customers:ageing"))]
    if any(can(user, right) for right in ("customer.change", "invoice.change", "payment.change")):
        sales.append((_("Import"), reverse("customers:import")))
    # Managers and the center land on their dashboard: the first entry is it, under that name.
    home_label = _("Dashboard") if dashboard_nav.is_home(role) else _("Home")
    menu = _group(None, [(home_label, reverse("home"))])
    for label, modules in APP_GROUPS[:3]:
        menu += _group(label, [entry for module in modules for entry in import_module(module).items(user, role)])
    menu += _group(_("Customers & receivables"), sales)
    for label, modules in APP_GROUPS[3:]:
        menu += _group(label, [entry for module in modules for entry in import_module(module).items(user, role)])
    menu += _group(_("Organisation"), organisation)
    tools = [(_("API docs"), reverse("api-docs"))]
    if user.is_staff:
        tools.append((_("Admin"), reverse("admin:index")))
    menu += _group(_("Tools"), tools)
    flat = [(label, url) for entry in menu for label, url in (entry["children"] or [(entry["label"], entry["url"])])]
    # A drilled-down dashboard (/dashboard/?unit=…) belongs to the home entry.
    path = reverse("home") if request.path == reverse("dashboard:dashboard") else request.path
    active = _active_url(path, [url for _label, url in flat])
    for entry in menu:
        urls = [url for _label, url in entry["children"]] or [entry["url"]]
        entry["active"] = active in urls
    return {"nav_items": flat, "nav_menu": menu, "current_role": role, "nav_active": active}


def _active_url(path, urls):
    """The menu URL the page belongs to: the longest one the path starts with (the home page only exactly),
    so /plans/targets/ lights up "Targets", not "Plans"."""
    matches = [url for url in urls if path == url or (url != "/" and path.startswith(url))]
    return max(matches, key=len, default=None)
