"""The scoping contract: every registered page and endpoint, every persona, inside and outside — reads and writes.

Expectations come from the table below, written by hand from the business rule — not from the code
under test: the center sees everything, a manager their unit's subtree, a sales rep their own rows,
a branch API key its own unit. Outside the scope → 404; inside without the right → 403; and a refused
write writes nothing (no INSERT, UPDATE or DELETE reaches the database but the denial's own log line).

The personas and every registered object are made once for the module (`world`), not once per case: each
case runs in a savepoint that is rolled back after it, so a write one case makes is gone for the next.
"""

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import make_personas, module_data
from tests.scoping_registry import REGISTRY, WRITES

HANGZHOU, GUANGZHOU = "330100", "440100"
# A third place for writes: 杭州, the object owned by rep_hangzhou himself (his own customer, plan, task…).
OWN = "330100/own"
# Which of the two test districts each persona's scope covers.
COVERS = {
    "director": {HANGZHOU, GUANGZHOU},
    "center": {HANGZHOU, GUANGZHOU},
    "rm_east": {HANGZHOU},
    "rm_south": {GUANGZHOU},
    "pm_zhejiang": {HANGZHOU},
    "pm_guangdong": {GUANGZHOU},
    "dm_hangzhou": {HANGZHOU},
    "dm_guangzhou": {GUANGZHOU},
    "rep_hangzhou": {HANGZHOU},
    "key_hangzhou": {HANGZHOU},
    "key_guangdong": {GUANGZHOU},
}
# For objects of their own beside a test district, in its province (place="province"): who sees them.
COVERS_PROVINCE = {
    "director": {HANGZHOU, GUANGZHOU},
    "center": {HANGZHOU, GUANGZHOU},
    "rm_east": {HANGZHOU},
    "rm_south": {GUANGZHOU},
    "pm_zhejiang": {HANGZHOU},
    "pm_guangdong": {GUANGZHOU},
    "dm_hangzhou": set(),
    "dm_guangzhou": set(),
    "rep_hangzhou": set(),
    "key_hangzhou": set(),
    "key_guangdong": {GUANGZHOU},  # the 广东 key is bound to the province
}
# For objects of the test district's region (place="region"): the center and that region's manager only.
COVERS_REGION = {persona: ({HANGZHOU, GUANGZHOU} if persona in ("director", "center") else set()) for persona in COVERS} | {
    "rm_east": {HANGZHOU},
    "rm_south": {GUANGZHOU},
}
REPS = {"rep_hangzhou"}
KEYS = {"key_hangzhou", "key_guangdong"}
# API keys do not open pages: they are not among the web personas.
WEB_PERSONAS = [p for p in COVERS if p not in KEYS]
# Objects are owned (where ownership applies) by this rep, so the rep sees them as their own.
OWNER = "rep_hangzhou_2"


def in_scope(persona, entry, district_code, owner_name):
    if entry.company_wide:
        return True
    covers = {"province": COVERS_PROVINCE, "region": COVERS_REGION}.get(getattr(entry, "place", "district"), COVERS)
    if district_code not in covers[persona]:
        return False
    if persona in REPS:
        return entry.rep_sees == "unit" or (entry.rep_sees == "own" and owner_name == persona)
    return True


def expected_read(persona, entry, district_code, owner_name):
    if not in_scope(persona, entry, district_code, owner_name):
        return 404
    if entry.readers is not None and persona not in entry.readers:
        return entry.refused
    return 200


def expected_write(persona, write, district_code, owner_name):
    """(status, writes): what the persona's call gets, and whether it may write."""
    inside = in_scope(persona, write, district_code, owner_name)
    if write.expect is not None:
        return write.expect(persona, inside, district_code, owner_name)
    if write.asks_right_first and persona not in (write.may_call if write.may_call is not None else write.writers):
        return 403, False
    if not inside:
        return write.outside, False
    if persona in write.writers:
        return write.success, True
    return write.denied, False


# --- the world: personas and every registered object, made once per module -------------------------------


def _place(district):
    """(district code, owner persona name) of a case's place."""
    if district == OWN:
        return HANGZHOU, "rep_hangzhou"
    return district, (OWNER if district == HANGZHOU else None)


@dataclass
class World:
    units: dict
    people: dict
    sessions: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def make(self, entry, district):
        """The entry's object in this place (made once; entries with the same `make` share it) and its owner's name."""
        code, owner_name = _place(district)
        key = (entry.make, code, owner_name)
        if key not in self.objects:
            owner = self.people[owner_name] if owner_name else None
            if entry.name == "own staff profile":
                # An owned row: in 杭州 it belongs to rep_hangzhou_2 (so rep_hangzhou must not see it); in 广州 to
                # the 广州 district manager. test_rep_sees_own_profile covers a rep opening their own.
                owner_name = owner_name or "dm_guangzhou"
                owner = self.people[owner_name]
            self.objects[key] = (entry.make(self.units[code], owner), owner_name)
        return self.objects[key]

    def web(self, persona):
        client = Client()
        if persona in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[persona]
        return client

    def api(self, persona, language="zh-hans"):
        person = self.people[persona]
        client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
        if person.raw_key:
            client.credentials(HTTP_AUTHORIZATION=f"Api-Key {person.raw_key}")
        elif person.user is not None:
            # A fresh instance per case: a case must not see what an earlier one cached on the user object.
            client.force_authenticate(get_user_model().objects.get(pk=person.user.pk))
        return client


class _Units(dict):
    def __missing__(self, code):
        from regions.models import OrgUnit

        self[code] = OrgUnit.objects.get(code=code)
        return self[code]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with module_data(django_db_blocker):
        with django_db_blocker.unblock():
            units = _Units()
            people = make_personas(units)
            # Every person also shows up in the ownership variants (the owner rep_hangzhou_2 is not walked).
            world = World(units=units, people=people)
            for name, person in people.items():
                if person.user is not None:
                    client = Client()
                    client.force_login(person.user)
                    world.sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
            for entry in [*REGISTRY, *WRITES]:
                for district in (HANGZHOU, GUANGZHOU, *((OWN,) if getattr(entry, "own_variant", False) else ())):
                    world.make(entry, district)
        yield world


# --- one case per entry and place, every persona inside it ----------------------------------------------------
#
# A case is one entry in one place, walked for every persona (each in its own savepoint, so one persona's write
# is gone for the next); all personas that break the rule are reported together. A known deviation from the
# rule (Write.deviations) is split off as a case of its own, marked a strict xfail.


def walk(personas, check):
    """Run `check(persona)` for each persona in a savepoint of its own; report every persona that fails."""
    failures = []
    for persona in personas:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            check(persona)
        except AssertionError as error:
            failures.append(f"{persona}: {error}")
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
    assert not failures, "\n".join(failures)


def read_cases(applies):
    return [
        pytest.param(entry, district, id=f"{entry.name}-{district}")
        for entry in REGISTRY
        if applies(entry)
        for district in (HANGZHOU, GUANGZHOU)
    ]


# --- reads ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("entry", "district"), read_cases(lambda e: e.api_detail))
def test_api_detail_and_list(entry, district, world, db):
    obj, owner_name = world.make(entry, district)
    detail_url = reverse(entry.api_detail, kwargs={"pk": obj.pk})
    list_url = reverse(entry.api_list) if entry.api_list else None

    def check(persona):
        client = world.api(persona)
        expected = expected_read(persona, entry, district, owner_name)
        response = client.get(detail_url, entry.api_detail_query or {})
        assert response.status_code == expected, response.content[:300]
        if expected == 200 and entry.api_detail_is_object:
            assert response.json()["id"] == obj.pk
        if list_url:
            response = client.get(list_url, {**entry.find(obj), "page_size": 1000})
            if entry.readers is not None and persona not in entry.readers:
                assert response.status_code == entry.refused
            else:
                assert response.status_code == 200
                ids = {row["id"] for row in response.json()["results"]}
                assert (obj.pk in ids) == (expected == 200)

    walk(COVERS, check)


# The PATCH of a read entry (`api_patch`) is walked as a write entry: see test_write below.


@pytest.mark.parametrize(("entry", "district"), read_cases(lambda e: e.web_detail or e.web_list))
def test_web_detail_and_list(entry, district, world, db):
    obj, owner_name = world.make(entry, district)
    detail_url = reverse(entry.web_detail, kwargs={"pk": obj.pk}) if entry.web_detail else None
    list_url = reverse(entry.web_list) if entry.web_list else None

    def check(persona):
        client = world.web(persona)
        expected = expected_read(persona, entry, district, owner_name)
        if detail_url:
            response = client.get(detail_url)
            assert response.status_code == expected
        if list_url:
            response = client.get(list_url, entry.find(obj))
            if entry.readers is not None and persona not in entry.readers:
                assert response.status_code == entry.refused
            else:
                assert response.status_code == 200
                if entry.web_visible is not None:
                    visible = entry.web_visible(response, obj)
                else:
                    visible = response.context["paginator"].object_list.filter(pk=obj.pk).exists()
                assert visible == (expected == 200)

    walk(WEB_PERSONAS, check)


def test_rep_sees_own_profile(world, db):
    """The owned case the table above cannot make: a rep opening their own profile."""
    rep = world.people["rep_hangzhou"]
    url = reverse("staff-detail", kwargs={"pk": rep.staff.pk})
    assert world.api("rep_hangzhou").get(url).status_code == 200
    assert world.web("rep_hangzhou").get(reverse("regions:staff_detail", kwargs={"pk": rep.staff.pk})).status_code == 200
    assert world.api("rep_hangzhou_2").get(url).status_code == 404


def test_anonymous_gets_401_from_api_and_login_page_from_web(world, db):
    assert APIClient().get(reverse("orgunit-list")).status_code == 401
    response = APIClient().get(reverse("orgunit-list"), HTTP_AUTHORIZATION="Api-Key rsk_nope_nope")
    assert response.status_code == 401

    response = Client().get(reverse("regions:orgunit_detail", kwargs={"pk": world.units[HANGZHOU].pk}))
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- writes ---------------------------------------------------------------------------------------------------

# What a refused write may still write: the record of the refusal itself (core.audit.log_denial), and the
# "last used" stamp a branch key gets when it authenticates (core/api_keys.py, at most once a minute).
ALLOWED_ON_REFUSAL = (
    ('INSERT INTO "core_accessdenial"', "the refusal is logged on purpose"),
    ('UPDATE "core_apikey" SET "last_used_at"', "a key's last-used stamp, written when it authenticates"),
)


class WriteRecorder:
    """Every INSERT, UPDATE and DELETE that touched a row while a request ran (connection.execute_wrapper),
    less those a savepoint inside the request rolled back (e.g. a bulk call that writes, finds an error and
    undoes it all): what is left is what the request wrote."""

    def __init__(self):
        self.statements = []
        self.savepoints = []  # (name, len(statements) when it was made)

    def __call__(self, execute, sql, params, many, context):
        words = sql.split()
        head = words[0].upper() if words else ""
        result = execute(sql, params, many, context)
        if head == "INSERT" or (head in ("UPDATE", "DELETE") and context["cursor"].rowcount != 0):
            # An UPDATE or DELETE whose WHERE matched nothing wrote nothing. (An INSERT always counts: with
            # RETURNING, SQLite reports no row count until its rows are fetched.)
            self.statements.append(sql)
        elif head == "SAVEPOINT":
            self.savepoints.append((words[1], len(self.statements)))
        elif head == "ROLLBACK" and len(words) >= 4 and words[1].upper() == "TO":
            name = words[-1]
            for i in range(len(self.savepoints) - 1, -1, -1):
                if self.savepoints[i][0] == name:
                    del self.statements[self.savepoints[i][1] :]
                    del self.savepoints[i + 1 :]
                    break
        elif head == "RELEASE":
            name = words[-1]
            for i in range(len(self.savepoints) - 1, -1, -1):
                if self.savepoints[i][0] == name:
                    del self.savepoints[i:]
                    break
        return result

    def unexpected(self):
        allowed = tuple(prefix for prefix, _why in ALLOWED_ON_REFUSAL)
        return [sql[:200] for sql in self.statements if not sql.lstrip().startswith(allowed)]


_TABLES = []


def row_counts():
    """The row count of every table, in one query (catches writes that bypass the cursor wrapper, e.g. COPY)."""
    if not _TABLES:
        skip = {"core_accessdenial", "django_session"}
        _TABLES.extend(t for t in sorted(connection.introspection.table_names()) if t not in skip)
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in _TABLES)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return Counter(dict(zip(_TABLES, cursor.fetchone(), strict=True)))


def row_of(obj):
    """The object's row as the database holds it (one plain SELECT: this runs after every refused write)."""
    meta = type(obj)._meta
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s", [obj.pk])
        return cursor.fetchone()


def write_cases():
    params = []
    for write in WRITES:
        personas = WEB_PERSONAS if write.door == "web" else list(COVERS)
        for district in (HANGZHOU, GUANGZHOU, OWN) if write.own_variant else (HANGZHOU, GUANGZHOU):
            walked = ["rep_hangzhou"] if district == OWN else personas
            deviating = [p for p in walked if (p, district) in write.deviations]
            rest = tuple(p for p in walked if p not in deviating)
            params.append(pytest.param(write, district, rest, id=f"{write.name}-{district}"))
            for persona in deviating:
                mark = pytest.mark.xfail(strict=True, reason=write.deviations[persona, district])
                params.append(pytest.param(write, district, (persona,), id=f"{write.name}-{persona}-{district}", marks=mark))
    return params


@pytest.mark.parametrize(("write", "district", "personas"), write_cases())
def test_write(write, district, personas, world, db):
    obj, owner_name = world.make(write, district)
    code = _place(district)[0]
    url = reverse(write.url, kwargs={"pk": obj.pk}) if write.detail else reverse(write.url)
    if write.query:
        url = f"{url}?{urlencode(write.query)}"
    before_counts, before_row = row_counts(), row_of(obj)

    def check(persona):
        expected, writes = expected_write(persona, write, code, owner_name)
        client = world.web(persona) if write.door == "web" else world.api(persona)
        body = write.body(obj, world, persona) if callable(write.body) else write.body
        recorder = WriteRecorder()
        with connection.execute_wrapper(recorder):
            if write.door == "web":
                response = getattr(client, write.method)(url, body)
            else:
                response = getattr(client, write.method)(url, body, format=write.format)
        assert response.status_code == expected, (response.status_code, response.content[:300])
        if write.check is not None:
            write.check(response, writes)
        if writes:
            # A success that writes nothing would prove nothing about the refusals: the body must really act.
            assert recorder.unexpected(), "the write succeeded but wrote nothing"
        else:
            assert recorder.unexpected() == [], "a refused write wrote"
            assert row_counts() == before_counts, "a refused write changed row counts"
            assert row_of(obj) == before_row, "a refused write changed the object"

    walk(personas, check)


def test_the_write_recorder_keeps_only_what_stays_written(world, db):
    """The recorder behind "nothing written": an UPDATE that matched no row and writes a savepoint undid do not
    count (a bulk call writes, finds an error and rolls back); what stays does."""
    from regions.models import OrgUnit

    unit = world.units[HANGZHOU]
    recorder = WriteRecorder()
    with connection.execute_wrapper(recorder):
        OrgUnit.objects.filter(pk=-1).update(name_en="nobody")
        try:
            with transaction.atomic():
                OrgUnit.objects.filter(pk=unit.pk).update(name_en="undone")
                raise ValueError
        except ValueError:
            pass
        assert recorder.unexpected() == []
        with transaction.atomic():
            OrgUnit.objects.filter(pk=unit.pk).update(name_en="kept")
    assert len(recorder.unexpected()) == 1


# --- completeness ---------------------------------------------------------------------------------------------

UNSAFE = ("post", "put", "patch", "delete")

# URL names of scoped views (or views that read through `for_user`) that the registry does not walk, each with
# the reason. A new scoped page or endpoint must go into the registry — or here, saying why.
EXEMPT = {
    # The home page and the lists of "mine": no object is looked up, only the caller's own rows are listed.
    "home": "the caller's own home page (their unit, their worklist); tests/core/test_navigation.py",
    "approval-mine": "the caller's own submissions; tests/approvals/test_pages.py (test_waiting_and_mine_pages)",
    "approvals:mine": "the caller's own submissions; tests/approvals/test_pages.py (test_waiting_and_mine_pages)",
    "approval-waiting": "what waits for the caller's own decision; tests/approvals/test_pages.py",
    "approvals:waiting": "what waits for the caller's own decision; tests/approvals/test_pages.py",
    "approval-queue": "the center's queue, a filtered list of the same scoped requests as approval-list (registered); "
    "its page twin approvals:queue is registered",
    "delegation-candidates": "whom the caller may delegate to (their unit and above); tests/approvals/test_reach.py",
    "orgunit-tree": "the caller's visible part of the tree as a whole, no object looked up; tests/regions/test_api.py",
    # The inbox belongs to its recipient, not to a unit: the tree's personas do not apply (see registry_notifications).
    "notification-list": "one's own messages only; tests/notifications/test_inbox.py",
    "notification-detail": "one's own message, 404 for another's; tests/notifications/test_inbox.py (test_others_messages_are_404)",
    "notifications:inbox": "one's own messages only; tests/notifications/test_inbox.py",
    # Figures of a unit named in the query (?unit=), not an object by pk: scope-tested persona by persona elsewhere.
    "customers:ageing": "ageing of a unit given as ?unit=; tests/customers/test_pages.py (test_ageing_drill_down_and_scope)",
    "customers:ageing_export": "the same report as customers:ageing, as .xlsx; tests/customers/test_ageing.py",
    "report-ageing": "ageing of a unit given as ?unit= / ?unit_code=; tests/customers/test_api.py and test_ageing.py",
    "budget-budget-vs-actual": "budget vs actual of a unit given as ?unit=; tests/budgets/test_api.py",
    "budgets:budget_vs_actual": "budget vs actual of a unit given as ?unit=; tests/budgets/test_pages.py",
    "performance:attainment": "attainment of a unit given as ?unit=; tests/performance/test_api_and_pages.py",
    "report-attainment": "attainment of a unit given as ?unit=; tests/performance/test_api_and_pages.py",
    "report-rankings": "rankings inside a unit given as ?unit=; tests/performance/test_api_and_pages.py",
    "report-turnover": "receivable turnover of a unit given as ?unit=; tests/performance/test_turnover.py",
    "task-team-summary": "the caller's own team (task.assign); tests/workflow/test_api.py",
    "workflow:team_summary": "the caller's own team (task.assign); tests/workflow/test_pages.py",
    "risk:home": "the grade distribution of the caller's own scope, no object looked up; tests/risk/test_pages.py "
    "(test_overview_and_grade_list_show_only_the_readers_scope)",
    "reports:report_status": "the center's page of build runs (center only, 403 to others); tests/reports/test_pages_and_api.py",
    "risk-provisions": "the provision of a unit given as ?unit= (its page twin risk:provisions is registered); "
    "tests/risk/test_provisions.py (test_the_api_answers_the_same_figures_in_scope)",
    "relations-visit-coverage": "coverage of key customers of a unit given as ?unit= (figures, not a list of objects; "
    "its page twin relations:visit_coverage is registered); tests/relations/test_visit_rules_and_coverage_api.py",
}
# Unsafe methods of URLs that are otherwise walked (e.g. a page whose GET is registered) and are not write entries.
EXEMPT_WRITES = {}


def _project_code(klass):
    import inspect

    try:
        path = inspect.getsourcefile(klass) or ""
    except TypeError:
        return False
    return path.startswith(str(settings.BASE_DIR)) and "/.venv/" not in path and "/site-packages/" not in path


# What a view's own code calls to read through the scope (core/scoping.py): the queryset method, and the one
# in-scope lookup that answers 404 outside.
SCOPED_READS = ("for_user(", "get_in_scope(")


def _reads_for_user(view):
    """True if the view is built on the scoped base classes or its own code reads through the scope."""
    import inspect

    from core.api import ScopedViewSet
    from core.views import ScopedViewMixin

    def reads(code):
        source = inspect.getsource(code)
        return any(call in source for call in SCOPED_READS)

    cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
    if cls is None:
        return _project_code(view) and reads(view)
    if issubclass(cls, ScopedViewSet | ScopedViewMixin):
        return True
    return any(_project_code(klass) and reads(klass) for klass in cls.__mro__)


def _unsafe_methods(view):
    actions = getattr(view, "actions", None)
    if actions is not None:
        return {method for method in actions if method in UNSAFE}
    cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
    if cls is None:
        return set(UNSAFE)  # a function view: it may answer any method
    allowed = set(getattr(cls, "http_method_names", UNSAFE))
    return {method for method in UNSAFE if method in allowed and hasattr(cls, method)}


def scoped_urls():
    """(URL name, view) of every named URL whose view is scoped, walking the resolver."""
    from django.urls import URLResolver, get_resolver

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(part for part in (namespace, pattern.namespace) if part) or None
                yield from walk(pattern.url_patterns, inner)
            elif pattern.name:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern.callback

    seen = {}
    for name, view in walk(get_resolver().url_patterns):
        if name.startswith("admin:") or name in seen:
            continue  # the admin site is for master data (the center's staff users); format-suffix twins share a name
        seen[name] = view
    return {name: view for name, view in seen.items() if _reads_for_user(view)}


def test_every_scoped_url_is_in_the_registry_or_exempt():
    read_names = {
        name for entry in REGISTRY for name in (entry.api_list, entry.api_detail, entry.web_list, entry.web_detail) if name
    }
    write_keys = {(write.url, write.method) for write in WRITES}
    write_names = {name for name, _method in write_keys}
    missing, missing_writes = [], []
    for name, view in sorted(scoped_urls().items()):
        if name not in read_names | write_names and name not in EXEMPT:
            missing.append(name)
        for method in sorted(_unsafe_methods(view)):
            if (name, method) not in write_keys and (name, method) not in EXEMPT_WRITES and name not in EXEMPT:
                missing_writes.append(f"{name} {method.upper()}")
    assert not missing, f"scoped URLs in neither the registry nor EXEMPT: {missing}"
    assert not missing_writes, f"unsafe methods of scoped URLs in neither the write registry nor EXEMPT_WRITES: {missing_writes}"


def test_the_exemptions_name_real_scoped_urls():
    """An exemption for a URL that is gone (or no longer scoped) must go too."""
    names = scoped_urls()
    assert sorted(set(EXEMPT) - set(names)) == []
    assert sorted({name for name, _method in EXEMPT_WRITES} - set(names)) == []
    registered = {write.url for write in WRITES} | {
        name for entry in REGISTRY for name in (entry.api_list, entry.api_detail, entry.web_list, entry.web_detail) if name
    }
    assert sorted(set(EXEMPT) & registered) == [], "an exempt URL is also registered: drop the exemption"
