"""Shared fixtures: the default organisation (loaded once per test database) and personas.

Personas follow the healthchecks habit — someone inside, someone outside, someone read-only, the
center — so every scope test reads the same way.
"""

from contextlib import contextmanager
from datetime import date

import pytest
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from core.rights import SYSTEM
from core.roles import Role
from core.services import api_key_issue
from regions.models import OrgUnit
from regions.services import load_default_organisation, staff_hire

PASSWORD = "pw-for-tests-1"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The default organisation is reference data every test reads; loading it once per database keeps
    # the suite fast. Tests run in rolled-back transactions, so it stays as loaded.
    with django_db_blocker.unblock():
        load_default_organisation(by=SYSTEM)


@pytest.fixture(autouse=True)
def _working_calendar_cache():
    """Tests roll their rows back, but the cache of the working calendar's years would outlive them: drop it."""
    yield
    from approvals.calendar import calendar_cache_clear

    calendar_cache_clear()


@pytest.fixture
def units(db):
    """Org units by code (GB/T 2260 for provinces and districts, HQ and region letters otherwise)."""

    class Units(dict):
        def __missing__(self, code):
            unit = OrgUnit.objects.get(code=code)
            self[code] = unit
            return unit

    return Units()


class Persona:
    def __init__(self, name, staff=None, raw_key=None, api_key=None):
        self.name = name
        self.staff = staff
        self.user = staff.user if staff else None
        self.raw_key = raw_key
        self.api_key = api_key

    def web(self):
        client = Client()
        if self.user is not None:
            client.force_login(self.user)
        return client

    def api(self, language="zh-hans"):
        client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
        if self.raw_key:
            client.credentials(HTTP_AUTHORIZATION=f"Api-Key {self.raw_key}")
        elif self.user is not None:
            client.force_authenticate(self.user)
        return client

    def __repr__(self):
        return self.name


PERSONA_SPECS = {
    "director": (Role.DIRECTOR, "HQ"),
    "center": (Role.CENTER_STAFF, "HQ"),
    "rm_east": (Role.REGIONAL_MANAGER, "HD"),
    "rm_south": (Role.REGIONAL_MANAGER, "HN"),
    "pm_zhejiang": (Role.PROVINCIAL_MANAGER, "330000"),
    "pm_guangdong": (Role.PROVINCIAL_MANAGER, "440000"),
    "dm_hangzhou": (Role.DISTRICT_MANAGER, "330100"),
    "dm_guangzhou": (Role.DISTRICT_MANAGER, "440100"),
    "rep_hangzhou": (Role.SALES_REP, "330100"),
    "rep_hangzhou_2": (Role.SALES_REP, "330100"),
}


def make_personas(units):
    """The personas, made in the current transaction: a person per role and place, and two branch keys."""
    people = {}
    for n, (name, (role, code)) in enumerate(PERSONA_SPECS.items(), start=1):
        staff = staff_hire(
            by=SYSTEM,
            employee_no=f"T{n:04d}",
            name=name,
            unit=units[code],
            role=role,
            hire_date=date(2020, 1, 1),
            username=name,
            password=PASSWORD,
        )
        people[name] = Persona(name, staff)
    key, raw = api_key_issue(name="杭州分支系统", unit=units["330100"])
    people["key_hangzhou"] = Persona("key_hangzhou", raw_key=raw, api_key=key)
    key, raw = api_key_issue(name="广东省分支系统", unit=units["440000"])
    people["key_guangdong"] = Persona("key_guangdong", raw_key=raw, api_key=key)
    return people


@pytest.fixture
def personas(units):
    return make_personas(units)


@contextmanager
def module_data(django_db_blocker):
    """Data made once for a whole module (or class) and shared by its tests, as TestCase.setUpTestData does.

    The data is written inside a transaction opened here; each test then runs (with the `db` fixture) in a
    savepoint inside it that is rolled back after the test, and the whole transaction is rolled back when
    the module is done. Use it in a module-scoped fixture:

        @pytest.fixture(scope="module")
        def world(django_db_blocker):
            with module_data(django_db_blocker):
                yield build()

    Tests that use it must use the `db` fixture (not `transactional_db`), and must not keep model instances
    of the shared data that a test may change in memory (read them again from the database).
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
