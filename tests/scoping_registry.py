"""The registry of everything that reads scoped rows: one line per page or endpoint.

Each entry says how to make an object that belongs to a district (and, for owned records, to a
salesperson), where its list and detail live in the web and the API, and which personas may change
it. `tests/test_scoping_contract.py` walks every entry for every persona. Adding a model, a page,
an export or a report means adding an entry here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from core.roles import Role
from core.services import api_key_issue
from regions.services import staff_hire


@dataclass(frozen=True)
class Scoped:
    name: str
    # make(district, owner_persona) -> object that lives in `district` (owned by owner, if owned)
    make: Callable
    api_list: str | None = None  # URL name of the API list
    api_detail: str | None = None  # URL name of the API detail (kwarg pk)
    web_list: str | None = None
    web_detail: str | None = None
    # A PATCH body for the API detail: read-only personas in scope must get 403, outsiders 404.
    api_patch: dict | None = None
    writers: frozenset = field(default_factory=frozenset)
    # Who may read at all (None: everyone in scope); others in scope get 403.
    readers: frozenset | None = None
    # What a sales rep sees of this kind: "unit" (rows of their own district), "own" (rows they own).
    rep_sees: str = "own"
    # find(obj) -> query parameters that narrow a list to the object (lists are paginated).
    find: Callable = lambda obj: {}


def _unit(district, owner):
    return district


_staff_counter = iter(range(1, 10**6))


def _staff(district, owner):
    n = next(_staff_counter)
    return staff_hire(employee_no=f"R{n:05d}", name=f"业务员{n}", unit=district, role=Role.SALES_REP, hire_date=date(2021, 3, 1))


def _own_staff(district, owner):
    return owner.staff


def _api_key(district, owner):
    key, _raw = api_key_issue(name=f"key-{district.code}", unit=district)
    return key


REGISTRY = [
    Scoped(
        name="org unit",
        make=_unit,
        api_list="orgunit-list",
        api_detail="orgunit-detail",
        web_list="regions:orgunit_list",
        web_detail="regions:orgunit_detail",
        api_patch={"name_en": "Renamed"},
        writers=frozenset({"director", "center"}),
        rep_sees="unit",
        find=lambda obj: {"code": obj.code},
    ),
    Scoped(
        name="staff member",
        make=_staff,
        api_list="staff-list",
        api_detail="staff-detail",
        web_list="regions:staff_list",
        web_detail="regions:staff_detail",
        api_patch={"phone": "13800000000"},
        writers=frozenset({"director", "center", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong"}),
        find=lambda obj: {"q": obj.employee_no},
    ),
    Scoped(
        name="own staff profile",
        make=_own_staff,
        api_detail="staff-detail",
        web_detail="regions:staff_detail",
    ),
    Scoped(
        name="API key",
        make=_api_key,
        api_list="apikey-list",
        api_detail="apikey-detail",
        web_list="regions:apikey_list",
        writers=frozenset({"director", "center"}),
        readers=frozenset(
            {"director", "center", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong", "dm_hangzhou", "dm_guangzhou"}
        ),
        rep_sees="unit",
    ),
]
