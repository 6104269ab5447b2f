"""Roles and what each may see and do — the one table in code.

`sees` says how far a role's reading reaches: the whole company, the subtree of the person's unit,
or only the person's own records. `may` lists the actions beyond plain reading: changes, and reading
the few things (like API keys) that not every role inside the scope may see. Pages, the API and
exports all ask `can()`; nothing else decides rights.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DIRECTOR = "director", _("Development Center director")
    CENTER_STAFF = "center_staff", _("Development Center staff")
    REGIONAL_MANAGER = "regional_manager", _("Regional manager")
    PROVINCIAL_MANAGER = "provincial_manager", _("Provincial manager")
    DISTRICT_MANAGER = "district_manager", _("District manager")
    SALES_REP = "sales_rep", _("Sales staff")


# Not a person's role: the principal of a branch system calling with an API key.
BRANCH_SYSTEM = "branch_system"


class Sees(models.TextChoices):
    ALL = "all", _("the whole company")
    SUBTREE = "subtree", _("own unit and everything below it")
    OWN = "own", _("own records only")


@dataclass(frozen=True)
class RoleSpec:
    sees: str
    may: frozenset
    home: str  # which home page the role lands on


# Changes to the sales ledger: customers' archives, invoices, payments and collection plans.
LEDGER_CHANGES = frozenset({"customer.change", "invoice.change", "payment.change", "collection.change"})

# Planning: drafting and submitting plans and setting/splitting targets of one's own unit and below.
PLANNING = frozenset({"plan.change", "target.change"})
# Managing: assigning tasks to subordinates and keeping the unit's expense budget.
MANAGING = frozenset({"task.assign", "budget.change"})
# Everyone who works: their own tasks, their own plans (work plans), recording expenses, their inbox
# (站内消息), reporting a special event (突发事件, risk) and handling an early warning (预警). A branch system's key has none of these: its calls
# to a person's endpoint are a 403.
WORKING = frozenset({"task.change", "expense.change", "inbox.use", "event.report", "warning.handle"})
# Appraisal and incentives: everyone reads their part; the Development Center drafts schemes and runs the
# scoring (考核办法由发展中心制定); managers score their people's manual items and propose rewards.
APPRAISAL_READ = frozenset({"appraisal.view"})
APPRAISAL_CENTER = frozenset({"appraisal.scheme"})
APPRAISAL_MANAGING = frozenset({"appraisal.score", "reward.propose"})
# Asking for a customer's or salesperson's credit grade to be set by hand (approved by the center): managers.
GRADE_OVERRIDE = frozenset({"grade.override"})
# Risk control's company policy — rating schemes, warning rules — is set by the Development Center.
RISK_POLICY = frozenset({"risk.policy"})
# "login.unlock": seeing the login locks in force and lifting one (/security/lockouts/) — the center only.
# Building business reports (the report service narrows it to a region's or the company's report in scope).
REPORTING = frozenset({"report.build"})
# Company-wide reference data kept by the Development Center: products and their price list. Held by the
# center's roles and by branch-system keys, but only a principal on the center unit may use it (CENTER_ONLY).
CATALOGUE = frozenset({"product.change"})
CENTER_ONLY = CATALOGUE
# The working calendar (holidays and make-up working days behind every SLA) is kept by the Development Center.
CALENDAR = frozenset({"calendar.change"})

ROLE_TABLE = {
    Role.DIRECTOR: RoleSpec(
        sees=Sees.ALL,
        may=frozenset({"orgunit.change", "staff.change", "apikey.view", "apikey.manage", "login.unlock"})
        | CATALOGUE
        | LEDGER_CHANGES
        | PLANNING
        | MANAGING
        | GRADE_OVERRIDE
        | WORKING
        | APPRAISAL_READ
        | APPRAISAL_CENTER
        | APPRAISAL_MANAGING
        | REPORTING
        | CALENDAR
        | RISK_POLICY,
        home="center",
    ),
    Role.CENTER_STAFF: RoleSpec(
        sees=Sees.ALL,
        may=frozenset({"orgunit.change", "staff.change", "apikey.view", "apikey.manage", "login.unlock"})
        | CATALOGUE
        | LEDGER_CHANGES
        | PLANNING
        | MANAGING
        | GRADE_OVERRIDE
        | WORKING
        | APPRAISAL_READ
        | APPRAISAL_CENTER
        | APPRAISAL_MANAGING
        | REPORTING
        | CALENDAR
        | RISK_POLICY,
        home="center",
    ),
    Role.REGIONAL_MANAGER: RoleSpec(
        sees=Sees.SUBTREE,
        may=frozenset({"staff.change", "apikey.view"})
        | LEDGER_CHANGES
        | PLANNING
        | MANAGING
        | GRADE_OVERRIDE
        | WORKING
        | APPRAISAL_READ
        | APPRAISAL_MANAGING
        | REPORTING,
        home="manager",
    ),
    Role.PROVINCIAL_MANAGER: RoleSpec(
        sees=Sees.SUBTREE,
        may=frozenset({"staff.change", "apikey.view"})
        | LEDGER_CHANGES
        | PLANNING
        | MANAGING
        | GRADE_OVERRIDE
        | WORKING
        | APPRAISAL_READ
        | APPRAISAL_MANAGING
        | REPORTING,
        home="manager",
    ),
    Role.DISTRICT_MANAGER: RoleSpec(
        sees=Sees.SUBTREE,
        may=frozenset({"apikey.view"})
        | LEDGER_CHANGES
        | PLANNING
        | MANAGING
        | GRADE_OVERRIDE
        | WORKING
        | APPRAISAL_READ
        | APPRAISAL_MANAGING
        | REPORTING,
        home="manager",
    ),
    # A salesperson changes only their own records: the scope (own rows) bounds what the right reaches.
    # Their own work plan ("plan.change" limited to work plans by the plan service), tasks and expenses.
    Role.SALES_REP: RoleSpec(sees=Sees.OWN, may=LEDGER_CHANGES | WORKING | APPRAISAL_READ | {"plan.change"}, home="sales"),
    # A branch system feeds customers, sales and payments; collection work is done by people.
    # The center's own key may also keep the product catalogue (CENTER_ONLY); a branch's key may not.
    BRANCH_SYSTEM: RoleSpec(
        sees=Sees.SUBTREE, may=frozenset({"customer.change", "invoice.change", "payment.change"}) | CATALOGUE, home="none"
    ),
}

# Which unit kind a role's position must sit on.
ROLE_UNIT_KIND = {
    Role.DIRECTOR: "center",
    Role.CENTER_STAFF: "center",
    Role.REGIONAL_MANAGER: "region",
    Role.PROVINCIAL_MANAGER: "province",
    Role.DISTRICT_MANAGER: "district",
    Role.SALES_REP: "district",
}


def role_of(principal):
    """The role of a user or branch-system principal, or None if it has none."""
    if principal is None or not getattr(principal, "is_authenticated", False):
        return None
    explicit = getattr(principal, "principal_role", None)
    if explicit:
        return explicit
    if getattr(principal, "is_superuser", False):
        return Role.DIRECTOR
    profile = getattr(principal, "staff_profile", None)
    if profile is None or not profile.is_active:
        return None
    return profile.role


def staff_of(principal, *, active=False):
    """The staff profile of a person, or None (an API key, the system, anyone without a profile).
    `active=True`: only while the person is in service."""
    profile = getattr(principal, "staff_profile", None) if principal is not None else None
    if active and profile is not None and not profile.is_active:
        return None
    return profile


def _on_center(principal):
    """True if the principal sits on the Development Center (a person's unit, or an API key's)."""
    if getattr(principal, "is_superuser", False):
        return True
    unit = getattr(principal, "scope_unit", None)
    if unit is None:
        profile = getattr(principal, "staff_profile", None)
        unit = profile.unit if profile is not None else None
    return unit is not None and unit.kind == "center"


def can(principal, action):
    """True if the principal's role may perform `action` (e.g. "staff.change"); a CENTER_ONLY action
    also needs the principal to sit on the Development Center."""
    role = role_of(principal)
    if role is None or action not in ROLE_TABLE[role].may:
        return False
    return action not in CENTER_ONLY or _on_center(principal)
