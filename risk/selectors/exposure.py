"""Exposure against the caps (敞口与上限, issue 16): for a unit, each unit one level down with the open balance of
its customers, its exposure cap in the credit policy in force (districts and provinces carry caps), the headroom
left and the share of the cap used; and the customers of the unit on credit hold, why and since when.

The open balance of a unit is the figure the credit check of a new invoice compares with the cap
(customers.services.limits.CapGuard): the sum of its customers' kept `Customer.open_balance` — read here through
the reader's scope (a salesperson: their own customers), summed per district in the database, then added up per
child unit by path. A page costs the same few queries whatever the number of units, customers and holds.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from core.money import ZERO, money
from core.scoping import scope_of
from customers.models import Customer
from regions.choices import UnitKind
from regions.models import OrgUnit
from risk.choices import CreditPolicyState, HoldState
from risk.models import CreditCap, CreditHold, CreditPolicy

HUNDRED = Decimal("100")
# From this share of its cap used (%, exclusive) a unit is shown as near its cap.
NEAR_CAP = Decimal("90")
# The holds listed on the page (the oldest first); the hold list shows them all.
HOLDS_SHOWN = 10
# The rows most in need of attention first.
STATE_ORDER = {"over": 0, "near": 1, "ok": 2, "none": 3}


def exposure_state(open_balance, cap):
    """ "none" (no cap), "over" (above the cap), "near" (above NEAR_CAP % of it) or "ok"."""
    if cap is None:
        return "none"
    if open_balance > cap:
        return "over"
    if open_balance * HUNDRED > cap * NEAR_CAP:
        return "near"
    return "ok"


def exposure_figures(open_balance, cap):
    """{open, cap, headroom, used, state} of one unit: headroom = cap − open (below zero when over), used = the
    share of the cap used in % to one decimal (None without a cap or with a cap of zero)."""
    used = None
    if cap is not None and cap > 0:
        used = (open_balance * HUNDRED / cap).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return {
        "open": open_balance,
        "cap": cap,
        "headroom": None if cap is None else cap - open_balance,
        "used": used,
        "state": exposure_state(open_balance, cap),
    }


def _own_figures(open_balance, cap):
    """A salesperson's part of a unit: their customers' balance beside the unit's cap, nothing computed from both."""
    return {"open": open_balance, "cap": cap, "headroom": None, "used": None, "state": "none"}


@dataclass
class ExposureReport:
    """A unit's exposure: `head` its own figures, `rows` one per unit one level down (a district: itself), each
    {key, label, code, kind, open, cap, headroom, used, state}, and the customers on hold in it. `own_only`: the
    reader sees their own customers only (a salesperson), so the balances are a part of what the cap counts — no
    headroom, share or state is computed from them."""

    unit: OrgUnit
    as_of: datetime.date
    policy: CreditPolicy | None
    own_only: bool = False
    head: dict = field(default_factory=dict)
    rows: list = field(default_factory=list)
    holds: list = field(default_factory=list)
    holds_count: int = 0


def open_by_district(customers):
    """{district id: the sum of the open balances of `customers`} (one grouped query)."""
    rows = customers.order_by().values_list("district_id").annotate(total=Sum("open_balance"))
    return {district: money(total) for district, total in rows if total}


def exposure_report(*, user, unit, today):
    """The exposure of `unit` as the user reads it (the unit must be in the user's scope: the view checks it)."""
    policy = CreditPolicy.objects.unscoped().filter(state=CreditPolicyState.APPROVED).first()
    report = ExposureReport(unit=unit, as_of=today, policy=policy, own_only=scope_of(user).own_only)
    figures = _own_figures if report.own_only else exposure_figures
    customers = Customer.objects.for_user(user).filter(district__path__startswith=unit.path)
    by_district = open_by_district(customers)
    if unit.kind == UnitKind.DISTRICT:
        children = [unit]
        parent_of = dict.fromkeys(by_district, unit.pk)
    else:
        paths = dict(OrgUnit.objects.filter(pk__in=list(by_district)).values_list("pk", "path"))
        children = list(OrgUnit.objects.filter(parent=unit).order_by("code"))
        parent_of = {
            district: next((child.pk for child in children if path.startswith(child.path)), None)
            for district, path in paths.items()
        }
    caps = {}
    if policy is not None:
        caps = dict(
            CreditCap.objects.unscoped()
            .filter(policy=policy, unit_id__in=[unit.pk, *(child.pk for child in children)])
            .values_list("unit_id", "cap")
        )
    totals = {}
    for district, amount in by_district.items():
        key = parent_of.get(district)
        totals[key] = totals.get(key, ZERO) + amount
    for child in children:
        if not child.is_active and child.pk not in totals and child.pk not in caps:
            continue  # a closed unit with nothing left in it
        report.rows.append(
            {
                "key": child.pk,
                "label": child.display_name,
                "code": child.code,
                "kind": child.kind,
                **figures(totals.get(child.pk, ZERO), caps.get(child.pk)),
            }
        )
    if totals.get(None):  # customers of districts no longer under any child unit (moved meanwhile)
        report.rows.append({"key": None, "label": None, "code": None, "kind": None, **exposure_figures(totals[None], None)})
    report.rows.sort(key=lambda row: (STATE_ORDER[row["state"]], -(row["used"] or 0), -row["open"], row["code"] or ""))
    report.head = figures(sum(by_district.values(), ZERO), caps.get(unit.pk))
    holds = (
        CreditHold.objects.for_user(user)
        .filter(state=HoldState.ON, unit__path__startswith=unit.path)
        .select_related("customer", "unit")
        .order_by("placed_on", "id")
    )
    report.holds = list(holds[:HOLDS_SHOWN])
    report.holds_count = len(report.holds) if len(report.holds) < HOLDS_SHOWN else holds.count()
    return report
