"""The main navigation, built from what each app registers: the menu knows no app.

Each app declares its entries in its own `nav.py` (imported at start-up by `CoreConfig.ready`, like
`rights.py`), so an app's pages and its menu change together:

    from core import nav

    @nav.entries(nav.PLANS, order=1)
    def items(user, role):
        return [(_("Budgets"), reverse("budgets:budget_list"))]

`items(user, role)` returns the (label, url) pairs this person may follow — none when the app has nothing for
them. The bar has fixed sections, in the order below; a section with a label is one entry with a dropdown when
it holds more than one page (so a manager's bar stays short on a laptop and a phone), a section without a
label shows each of its pages as an entry of its own. Inside a section, entries follow `order`.
"""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.roles import can


class Section:
    """A place in the bar. Compared by identity: apps name the constants below."""

    def __init__(self, order, label):
        self.order = order
        self.label = label

    def __repr__(self):
        return f"Section({self.order}, {self.label!r})"


HOME = Section(0, None)  # the home page ("Dashboard" for those who land on it)
PERFORMANCE = Section(10, _("Performance"))
PLANS = Section(20, _("Plans"))
APPROVALS = Section(30, _("Approvals"))
CUSTOMERS = Section(40, _("Customers & receivables"))
RISK = Section(45, _("Risk"))
LINKS = Section(50, None)  # pages with an entry of their own: tasks, the inbox
ORGANISATION = Section(60, _("Organisation"))
TOOLS = Section(70, _("Tools"))  # empty now: API docs and the admin are in the user menu (developer_links)


class Counted(str):
    """A menu label with a count beside it as a badge — `消息 [18]`, `任务 [2]` in red when they are overdue —
    one style for every count in the bar instead of brackets in the text. It is the label's text (a str)
    with `count`; templates draw the badge through `__html__`."""

    def __new__(cls, label, count, *, tone="text-bg-light", title=""):
        obj = super().__new__(cls, str(label))
        obj.count, obj.tone, obj.title = count, tone, str(title)
        return obj

    def __html__(self):
        if not self.count:
            return format_html("{}", str(self))
        return format_html(
            '{} <span class="badge rounded-pill app-nav-count {}" title="{}">{}<span class="visually-hidden"> {}</span></span>',
            str(self),
            self.tone,
            self.title,
            self.count,
            self.title,
        )


def counted(label, count, *, alert=False, title=""):
    """`label` with `count` as a badge (red when `alert`); the plain label when the count is 0."""
    return Counted(label, count, tone="text-bg-danger" if alert else "text-bg-light", title=title)


# "module.function" -> (section, order, function): registering the same function twice (a module imported
# again) replaces it rather than doubling the entries.
_ENTRIES = {}
# URL name of a page -> URL name of the entry it belongs to (a drilled-down dashboard is the home entry).
_BELONGS_TO = {}


def entries(section, order=0):
    """Register `fn(user, role) -> [(label, url), …]` as an app's entries in `section` (decorator)."""
    if not isinstance(section, Section):
        raise TypeError(f"nav.entries() needs one of core.nav's sections, not {section!r}")

    def register(fn):
        _ENTRIES[f"{fn.__module__}.{fn.__qualname__}"] = (section, order, fn)
        return fn

    return register


def belongs_to(page, entry):
    """The page at URL name `page` lights up the menu entry at URL name `entry`."""
    _BELONGS_TO[page] = entry


def registered():
    """[(section, order, function)] of every registration, in the bar's order (for tests and docs)."""
    return sorted(_ENTRIES.values(), key=lambda entry: (entry[0].order, entry[1]))


def menu(user, role):
    """The bar for this person: [{"label", "url", "children": [(label, url), …]}, …] in section order."""
    sections = {}
    for section, _order, fn in registered():
        sections.setdefault(section, []).append(fn)
    result = []
    for section, functions in sections.items():
        result += _group(section.label, [page for fn in functions for page in fn(user, role)])
    return result


def page_path(path):
    """The path whose menu entry this page belongs to (itself unless an app said otherwise)."""
    for page, entry in _BELONGS_TO.items():
        if path == reverse(page):
            return reverse(entry)
    return path


def active_url(path, urls):
    """The menu URL the page belongs to: the longest one the path starts with (the home page only exactly),
    so /plans/targets/ lights up "Targets", not "Plans"."""
    matches = [url for url in urls if path == url or (url != "/" and path.startswith(url))]
    return max(matches, key=len, default=None)


def _group(label, pages):
    """One menu entry: a link, or a dropdown when it holds several pages."""
    pages = [page for page in pages if page]
    if not pages:
        return []
    if len(pages) == 1 or label is None:
        return [{"label": page_label, "url": url, "children": []} for page_label, url in pages]
    return [{"label": label, "url": pages[0][1], "children": pages}]


# --- core's own entries ---------------------------------------------------------------------------------------


@entries(ORGANISATION, order=2)
def lockouts(user, role):
    """After the organisation's pages (regions/nav.py): who may unlock a login sees the lockouts."""
    return [(_("Login lockouts"), reverse("core:lockouts"))] if can(user, "login.unlock") else []


def developer_links(user, role):
    """The user menu's entries for the Development Center and IT (not the bar, which is for the daily work):
    the API documentation for the center's people and the admin's staff, the admin for its staff."""
    pages = []
    if role in ("director", "center_staff") or getattr(user, "is_staff", False):
        pages.append((_("API docs"), reverse("api-docs")))
    if getattr(user, "is_staff", False):
        pages.append((_("Admin"), reverse("admin:index")))
    return pages
