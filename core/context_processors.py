"""Navigation by role, for the base layout: the bar each app registered (core/nav.py)."""

from core import nav
from core.roles import role_of


def navigation(request):
    user = getattr(request, "user", None)
    role = role_of(user) if user is not None else None
    if role is None:
        return {"nav_items": [], "nav_menu": [], "current_role": None, "developer_links": []}
    menu = nav.menu(user, role)
    flat = [(label, url) for entry in menu for label, url in (entry["children"] or [(entry["label"], entry["url"])])]
    active = nav.active_url(nav.page_path(request.path), [url for _label, url in flat])
    for entry in menu:
        urls = [url for _label, url in entry["children"]] or [entry["url"]]
        entry["active"] = active in urls
    return {
        "nav_items": flat,
        "nav_menu": menu,
        "current_role": role,
        "nav_active": active,
        "developer_links": nav.developer_links(user, role),
    }


def replica(request):
    """The replica's lag on a page that read from it (core/db_router.py), for the banner of the base layout."""
    return {"replica_read": getattr(request, "replica_read", None)}
